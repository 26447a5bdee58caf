// Answers one run's questions against its flow (variables, messages, exchanges) and performs its httpClient callouts.
import { STATUS_CODES } from 'node:http';
import type { CalloutClient } from '../../callouts/create-callout-client.js';
import type { FlowContext } from '../../engine/flow-context.js';
import type { ScriptCallHandler } from '../../scripts/create-script-pool.js';
import type { CalloutRequestWire, CalloutWire, ScriptCallOp } from '../../scripts/script-protocol.js';
import { isHttpToken } from '../shared/policy-xml.js';
import { applyScriptOps } from './apply-script-ops.js';
import { PendingCallout } from './pending-callout.js';
import { toMessageSnapshot, toWireValue } from './to-exec-snapshot.js';

export interface FlowCallHandler extends ScriptCallHandler {
  /** The first write the flow refused, or the first question that could not be answered: the run then fails. */
  failure: Error | undefined;
}

export interface FlowCallHandlerDeps {
  readonly client: CalloutClient;
  /** Whole-exchange limit of each httpClient callout (a script waits no longer than its own timeLimit). */
  readonly calloutTimeoutMs: number;
}

export function createFlowCallHandler(flow: FlowContext, callouts: Map<string, PendingCallout>, deps: FlowCallHandlerDeps): FlowCallHandler {
  const answer = (op: ScriptCallOp, argument: unknown): string | Promise<string> => {
    switch (op) {
      case 'get':
        return JSON.stringify({ v: toWireValue(flow.getVariable(String(argument)), callouts) });
      case 'msg':
        return JSON.stringify(toMessageSnapshot(argument === 'request' ? flow.request : flow.response, true));
      case 'poll':
      case 'await': {
        const { c, ms } = argument as { c?: unknown; ms?: unknown };
        const pending = typeof c === 'string' ? callouts.get(c) : undefined;
        if (!pending) return JSON.stringify({ ok: false, error: 'unknown exchange' } satisfies CalloutWire);
        if (pending.settled || op === 'poll' || typeof ms !== 'number' || ms <= 0) return JSON.stringify(pending.settled ?? { pending: true });
        return waitFor(pending, ms);
      }
    }
    throw new Error(`unknown script call "${String(op)}"`);
  };
  // A data property, not a getter: an object literal with an accessor, made per run, kept each request's objects alive
  // through young-generation collections (see dataplane/slot-list.ts).
  const handler: FlowCallHandler = {
    failure: undefined,
    call(op, argumentJson, opsJson) {
      try {
        applyScriptOps(flow, JSON.parse(opsJson) as unknown, callouts);
        return answer(op, JSON.parse(argumentJson) as unknown);
      } catch (err) {
        handler.failure ??= err as Error;
        return '';
      }
    },
    send(calloutId, requestJson) {
      let request: CalloutRequestWire;
      try {
        request = JSON.parse(requestJson) as CalloutRequestWire;
      } catch (err) {
        handler.failure ??= err as Error;
        return;
      }
      callouts.set(calloutId, new PendingCallout(calloutId, perform(request, flow, deps)));
    },
  };
  return handler;
}

function waitFor(pending: PendingCallout, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(JSON.stringify({ pending: true })), waitMs);
    void pending.outcome.then((wire) => {
      clearTimeout(timer);
      resolve(JSON.stringify(wire));
    });
  });
}

/** Performs one callout; never rejects. */
async function perform(request: CalloutRequestWire, flow: FlowContext, deps: FlowCallHandlerDeps): Promise<CalloutWire> {
  const fail = (error: string): CalloutWire => ({ ok: false, error });
  let url: URL;
  try {
    url = new URL(String(request.url));
  } catch {
    return fail(`invalid URL "${String(request.url)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`unsupported URL scheme ${url.protocol}`);
  const method = String(request.method).toUpperCase();
  if (!isHttpToken(method)) return fail(`invalid method "${method}"`);
  const headers: Array<readonly [string, string]> = [];
  for (const [name, value] of Array.isArray(request.headers) ? request.headers : []) {
    if (!isHttpToken(String(name)) || /[\r\n\0]/.test(String(value))) return fail(`invalid header ${String(name)}`);
    headers.push([String(name), String(value)]);
  }
  try {
    const response = await deps.client.send({
      url: url.href,
      method,
      headers,
      body: typeof request.body === 'string' && request.body !== '' ? Buffer.from(request.body, 'utf8') : undefined,
      timeoutMs: deps.calloutTimeoutMs,
      signal: flow.signal,
    });
    return {
      ok: true,
      status: response.statusCode,
      reason: response.reasonPhrase || (STATUS_CODES[response.statusCode] ?? ''),
      headers: response.headers,
      content: response.body.toString('utf8'),
    };
  } catch (err) {
    return fail((err as Error).message);
  }
}
