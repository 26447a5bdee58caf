// Apigee's default fault body and the conversion of any thrown value into a PolicyFault.
import { PolicyFault, runtimeFault } from '../errors.js';
import { Message } from './message.js';

/** `fault.name` and code of a target response whose status is not a success code (it enters the error flow). */
export const ERROR_RESPONSE_CODE = 'messaging.adaptors.http.flow.ErrorResponseCode';

/**
 * Apigee's default fault body (compat §12). With a request id, Baton adds `detail.requestId` (the request's
 * X-Request-ID, also its `messageid`): an extra member clients that read `faultstring` and `detail.errorcode` ignore.
 */
export function toFaultBody(faultString: string, errorCode: string, requestId?: string): string {
  const detail = requestId === undefined ? { errorcode: errorCode } : { errorcode: errorCode, requestId };
  return JSON.stringify({ fault: { faultstring: faultString, detail } });
}

/** A response holding the default fault body of a fault; `builtContent` tells whether a FaultRule has replaced that body since. */
export class DefaultFaultResponse extends Message {
  readonly fault: PolicyFault;
  readonly builtContent: Buffer;

  constructor(fault: PolicyFault, requestId: string | undefined) {
    super('response');
    this.fault = fault;
    this.statusCode = fault.status;
    this.headers.set('Content-Type', 'application/json');
    this.setContent(toFaultBody(fault.message, fault.errorCode, requestId));
    this.builtContent = this.contentBuffer;
  }
}

/** A response message carrying the default fault body of a fault. */
export function toFaultResponse(fault: PolicyFault, requestId?: string): Message {
  return new DefaultFaultResponse(fault, requestId);
}

/**
 * The data plane's last step before answering: a default fault body nothing has replaced gets the request id
 * (the flows build it without, so policies and FaultRules see Apigee's body). Other responses are left alone.
 */
export function addRequestIdToFaultBody(response: Message, requestId: string): void {
  if (!(response instanceof DefaultFaultResponse) || response.contentBuffer !== response.builtContent) return;
  response.setContent(toFaultBody(response.fault.message, response.fault.errorCode, requestId));
}

/** Any thrown value as a PolicyFault; unexpected errors become a generic 500 whose details stay in `cause` (for logs only). */
export function toPolicyFault(err: unknown): PolicyFault {
  if (err instanceof PolicyFault) return err;
  return runtimeFault('InternalError', [], err);
}

/** The fault entered when a target answers with a status outside its success codes. */
export function errorResponseFault(status: number): PolicyFault {
  return new PolicyFault({ faultName: 'ErrorResponseCode', errorCode: ERROR_RESPONSE_CODE, status, message: `Received ${status} Response Code from the target` });
}
