// Apigee's default fault body and the conversion of any thrown value into a PolicyFault.
import { PolicyFault, runtimeFault } from '../errors.js';
import { Message } from './message.js';

/** `fault.name` and code of a target response whose status is not a success code (it enters the error flow). */
export const ERROR_RESPONSE_CODE = 'messaging.adaptors.http.flow.ErrorResponseCode';

/** Apigee's default fault body (compat §12). */
export function toFaultBody(faultString: string, errorCode: string): string {
  return JSON.stringify({ fault: { faultstring: faultString, detail: { errorcode: errorCode } } });
}

/** A response message carrying the default fault body of a fault. */
export function toFaultResponse(fault: PolicyFault): Message {
  const response = new Message('response');
  response.statusCode = fault.status;
  response.headers.set('Content-Type', 'application/json');
  response.setContent(toFaultBody(fault.message, fault.errorCode));
  return response;
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
