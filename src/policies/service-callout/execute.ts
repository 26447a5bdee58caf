// ServiceCallout at deploy and per request: builds the request message, calls out, stores the response message, raises Apigee's faults.
import type { CalloutResponse } from '../../callouts/create-callout-client.js';
import { classifyTargetError } from '../../dataplane/classify-target-error.js';
import type { FlowContext } from '../../engine/flow-context.js';
import { Message } from '../../engine/message.js';
import type { ParamMap } from '../../engine/param-map.js';
import { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { compileMessageActions } from '../shared/compile-message-actions.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { compileCalloutTarget } from './compile-callout-target.js';
import { parseServiceCallout, type ServiceCalloutConfig } from './parse.js';

// Fire-and-forget exchanges one policy keeps running at once; past it new ones are skipped (and logged), so a slow
// endpoint cannot pile up unbounded work behind fast requests.
const MAX_BACKGROUND_CALLOUTS = 1_000;

// RFC 9110 §7.6.1 hop-by-hop fields, plus the framing and Host the client computes itself.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'expect', 'trailer', 'host', 'content-length']);

function toCalloutHeaders(headers: ParamMap): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, values] of headers) {
    if (NOT_FORWARDED.has(name.toLowerCase())) continue;
    for (const value of values) out.push([name, value]);
  }
  return out;
}

function toResponseMessage(response: CalloutResponse): Message {
  const message = new Message('response');
  message.statusCode = response.statusCode;
  message.reasonPhrase = response.reasonPhrase;
  for (const [name, value] of response.headers) {
    const key = name.toLowerCase();
    if (key === 'connection' || key === 'keep-alive' || key === 'transfer-encoding') continue;
    message.headers.add(name, value);
  }
  message.setContent(response.body);
  return message;
}

function compileSuccessCheck(codes: ServiceCalloutConfig['successCodes']): (status: number) => boolean {
  if (!codes) return (status) => status < 400;
  return (status) => codes.codes.includes(status) || codes.classes.includes(Math.floor(status / 100));
}

/** Why a callout failed, in Apigee's words where it has them; details go to the log only. */
function toReason(err: unknown, policyName: string): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'CALLOUT_TIMEOUT') return `timeout occurred in ${policyName}`;
  if (code === 'CALLOUT_BAD_URL') return 'invalid URL';
  if (code === 'CALLOUT_BODY_TOO_LARGE') return 'response body exceeds the size limit';
  if (code === 'CALLOUT_NO_SERVER') return 'no TargetServer is available';
  if (err instanceof PolicyFault) return 'invalid URL';
  switch (classifyTargetError(err).kind) {
    case 'connect': return 'unable to connect to the target';
    case 'connect-timeout': return 'connect timeout';
    case 'read-timeout': return `timeout occurred in ${policyName}`;
    case 'reset': return 'connection reset by the target';
    default: return 'invalid response from the target';
  }
}

/**
 * The callout goes wherever the bundle (or a flow variable it names) says: there is no address filtering, so a
 * proxy can reach anything the gateway host can. The request message stays built whether or not the call succeeds;
 * a status outside `success.codes` still stores the response before the fault.
 */
export function compileServiceCallout(config: ServiceCalloutConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const { services } = ctx;
  const policyName = ctx.policy.name;
  if (!config.connection) throw new Error('ConnectionInfoMissing: no HTTPTargetConnection');
  const owner = { policyType: 'ServiceCallout', policyName, strict: !config.request.ignoreUnresolvedVariables };
  const actions = compileMessageActions(config.request.actions, owner);
  const target = compileCalloutTarget(config.connection, { callouts: services.callouts, targetServers: services.targetServers, now: services.now, owner });
  const isSuccess = compileSuccessCheck(config.successCodes);
  const requestVariable = config.request.variable;
  const failedVariable = `servicecallout.${policyName}.failed`;
  const urlVariable = `servicecallout.${policyName}.target.url`;
  // What this policy last wrote to urlVariable per exchange: only a value someone else wrote overrides the URL.
  const written = new WeakMap<FlowContext, string>();
  const fault = (faultName: string, message: string, cause?: unknown): PolicyFault => toStepFault('ServiceCallout', faultName, message, policyName, { cause });
  const executionFailed = (reason: string, cause?: unknown): PolicyFault => fault('ExecutionFailed', `Execution of ServiceCallout ${policyName} failed. Reason: ${reason}`, cause);

  const resolveRequest = (flow: FlowContext): Message => {
    if (requestVariable === undefined) return new Message('request');
    const message = flow.getMessage(requestVariable);
    if (message) {
      if (message.kind !== 'request') throw fault('RequestVariableNotRequestMessageType', `ServiceCallout[${policyName}]: request variable ${requestVariable} value is not of type Request Message`);
      return message;
    }
    const value = flow.getVariable(requestVariable);
    if (value !== undefined && value !== null) throw fault('RequestVariableNotMessageType', `ServiceCallout[${policyName}]: request variable ${requestVariable} value is not of type Message`);
    const created = new Message('request');
    flow.setMessage(requestVariable, created);
    return created;
  };

  // Fire-and-forget exchanges end with their revision (cancelled when it closes after its drain, or at shutdown).
  const background = new AbortController();
  let backgroundCount = 0;
  const sendInBackground = (url: string | undefined, send: Omit<Parameters<typeof target.send>[1], 'signal'>): void => {
    if (backgroundCount >= MAX_BACKGROUND_CALLOUTS) {
      services.logger.warn({ policy: policyName, api: ctx.apiName }, 'too many fire-and-forget ServiceCallouts in flight; this one was skipped');
      return;
    }
    backgroundCount += 1;
    void target.send(url, { ...send, signal: background.signal })
      .catch((err: unknown) => {
        if (!background.signal.aborted) services.logger.warn({ err, policy: policyName, api: ctx.apiName }, 'fire-and-forget ServiceCallout failed');
      })
      .finally(() => {
        backgroundCount -= 1;
      });
  };

  return {
    // The flow's own request may still be streaming: sending it needs its body buffered first.
    readsContent: actions.readsContent || target.readsContent || requestVariable === 'request' || requestVariable === 'message',
    async execute(flow) {
      try {
        const request = resolveRequest(flow);
        actions.apply(flow, request);
        const override = flow.getVariable(urlVariable);
        const url = typeof override === 'string' && override !== '' && override !== written.get(flow) ? override : target.renderUrl(flow);
        const send = {
          method: request.verb,
          query: request.queryString,
          headers: toCalloutHeaders(request.headers),
          body: request.contentBuffer.byteLength > 0 ? request.contentBuffer : undefined,
          timeoutMs: config.timeoutMs,
        };
        if (config.response === undefined) {
          // Fire and forget (no <Response>): the flow goes on at once; the exchange outlives the client request.
          sendInBackground(url, send);
          if (config.request.clearPayload) request.clearContent();
          return;
        }
        let result: Awaited<ReturnType<typeof target.send>>;
        try {
          result = await target.send(url, { ...send, signal: flow.signal });
        } catch (err) {
          if (err instanceof PolicyFault && err.errorCode.startsWith('steps.servicecallout.')) throw err;
          services.logger.debug({ err, policy: policyName, api: ctx.apiName }, 'ServiceCallout failed');
          throw executionFailed(toReason(err, policyName), err);
        }
        const called = new URL(result.url);
        flow.setVariable('servicecallout.requesturi', called.pathname + called.search);
        flow.setVariable(urlVariable, result.url);
        written.set(flow, result.url);
        if (config.request.clearPayload) request.clearContent();
        flow.setMessage(config.response, toResponseMessage(result.response));
        const status = result.response.statusCode;
        if (!isSuccess(status)) throw executionFailed(`ResponseCode ${status} is treated as error`);
      } catch (err) {
        flow.setVariable(failedVariable, true);
        if (err instanceof PolicyFault) throw err;
        throw executionFailed(toReason(err, policyName), err);
      }
    },
    close() {
      background.abort();
    },
  };
}

export const serviceCalloutPolicy: PolicyType<ServiceCalloutConfig> = {
  type: 'ServiceCallout',
  parse: parseServiceCallout,
  compile: compileServiceCallout,
};
