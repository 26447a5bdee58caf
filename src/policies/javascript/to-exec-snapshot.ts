// What a run is given of its flow (ExecSnapshot), and flow values turned into values a script can hold (WireValue).
import type { FlowContext } from '../../engine/flow-context.js';
import { Message } from '../../engine/message.js';
import { EXCHANGE_MARKER, SESSION_VARIABLE, type ExecSnapshot, type MessageSnapshot, type WireValue } from '../../scripts/script-protocol.js';
import type { ScriptAnalysis } from './analyze-script.js';
import { PendingCallout } from './pending-callout.js';

/** The snapshot as JSON. Exchanges it carries are added to `callouts`, so the run can wait on them. */
export function toExecSnapshot(flow: FlowContext, analysis: ScriptAnalysis, callouts: Map<string, PendingCallout>): string {
  const snapshot: ExecSnapshot = {
    flow: flow.flow,
    vars: analysis.prefetch.map((name) => [name, toWireValue(flow.getVariable(name), callouts)]),
    req: toMessageSnapshot(flow.request, analysis.readsContent),
    res: toMessageSnapshot(flow.response, analysis.readsContent),
    ...(analysis.usesSession ? { session: toWireValue(flow.getVariable(SESSION_VARIABLE), callouts) } : {}),
  };
  return JSON.stringify(snapshot);
}

/** A message's state; its body only when asked (a body still streaming reads as empty, as it does for other policies). */
export function toMessageSnapshot(message: Message, withContent: boolean): MessageSnapshot {
  return {
    verb: message.verb,
    status: message.statusCode,
    reason: message.reasonPhrase,
    headers: message.headers.toEntries(),
    query: message.queryParams.toEntries(),
    content: withContent ? message.contentText : null,
  };
}

/**
 * JSON values pass as they are; bytes become UTF-8 text, dates ISO text, an exchange its marker; a created
 * message (AssignMessage createNew) reads as null; anything else as its text.
 */
export function toWireValue(value: unknown, callouts: Map<string, PendingCallout>): WireValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof PendingCallout) {
    callouts.set(value.id, value);
    return { [EXCHANGE_MARKER]: value.id };
  }
  if (value instanceof Message) return null;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value) || isPlainObject(value)) {
    try {
      return JSON.parse(JSON.stringify(value)) as WireValue;
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** A value a script wrote, as the flow stores it: an exchange marker of this flow becomes its PendingCallout. */
export function fromWireValue(value: WireValue, callouts: ReadonlyMap<string, PendingCallout>): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Readonly<Record<string, WireValue>>;
    const id = record[EXCHANGE_MARKER];
    if (typeof id === 'string' && Object.keys(record).length === 1) return callouts.get(id) ?? null;
  }
  return value;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
