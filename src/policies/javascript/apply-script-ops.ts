// Applies a run's writes (ScriptOp[], from the sandbox: untrusted) to the flow, in order.
import type { FlowContext } from '../../engine/flow-context.js';
import type { Message } from '../../engine/message.js';
import type { WireValue } from '../../scripts/script-protocol.js';
import { isHttpToken } from '../shared/policy-xml.js';
import type { PendingCallout } from './pending-callout.js';
import { fromWireValue } from './to-exec-snapshot.js';

/** @throws Error for a write the flow cannot take (a malformed op, a header the wire could not carry). */
export function applyScriptOps(flow: FlowContext, ops: unknown, callouts: ReadonlyMap<string, PendingCallout>): void {
  if (!Array.isArray(ops)) throw new Error('malformed script writes');
  for (const op of ops as unknown[]) {
    if (!Array.isArray(op)) throw new Error('malformed script write');
    applyOp(flow, op as readonly unknown[], callouts);
  }
}

function applyOp(flow: FlowContext, op: readonly unknown[], callouts: ReadonlyMap<string, PendingCallout>): void {
  const [kind, a, b, c] = op;
  switch (kind) {
    case 'set':
      flow.setVariable(text(a), fromWireValue((b ?? null) as WireValue, callouts));
      return;
    case 'rm':
      flow.removeVariable(text(a));
      return;
    case 'hset': {
      const name = text(b);
      const values = texts(c);
      if (!isHttpToken(name)) throw new Error(`invalid header name "${name}"`);
      for (const value of values) if (/[\r\n\0]/.test(value)) throw new Error(`invalid value for header ${name}`);
      message(flow, a).headers.set(name, values);
      return;
    }
    case 'hdel':
      message(flow, a).headers.delete(text(b));
      return;
    case 'qset':
      message(flow, a).queryParams.set(text(b), texts(c));
      return;
    case 'qdel':
      message(flow, a).queryParams.delete(text(b));
      return;
    case 'content':
      message(flow, a).setContent(text(b));
      return;
    case 'verb': {
      const verb = text(a).toUpperCase();
      if (!isHttpToken(verb)) throw new Error(`invalid method "${verb}"`);
      flow.request.verb = verb;
      return;
    }
    case 'status': {
      const status = typeof a === 'number' ? a : NaN;
      if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`invalid status code ${String(a)}`);
      flow.response.statusCode = status;
      return;
    }
    case 'reason': {
      const reason = text(a);
      if (/[\r\n\0]/.test(reason)) throw new Error('invalid status message');
      flow.response.reasonPhrase = reason;
      return;
    }
  }
  throw new Error(`malformed script write "${String(kind)}"`);
}

function message(flow: FlowContext, kind: unknown): Message {
  if (kind === 'request') return flow.request;
  if (kind === 'response') return flow.response;
  throw new Error(`malformed script write: no message "${String(kind)}"`);
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error('malformed script write');
  return value;
}

function texts(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error('malformed script write');
  return value as string[];
}
