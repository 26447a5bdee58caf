// Flow variables and messages as a script run sees them: read through a per-run cache, written as ops. Evaluated inside the sandbox from its source text: it must reference nothing outside itself.
import type { Exchange } from './create-http-client.js';
import type { MessageKind, MessageState } from './create-message-objects.js';
import type { MessageSnapshot, ScriptCallOp, ScriptOp, WireValue } from './script-protocol.js';

/** One run's state inside the sandbox (installObjectModel owns it; the variable cache reads and forgets in it). */
export interface RunState {
  readonly flow: string;
  readonly vars: Map<string, WireValue>;
  /** Built from the snapshot on first use. */
  readonly snapshots: Record<MessageKind, MessageSnapshot>;
  readonly messages: Partial<Record<MessageKind, MessageState & { stale: boolean }>>;
  /** A variable write may have changed the messages since the snapshot. */
  snapshotsStale: boolean;
  ops: ScriptOp[];
  readonly prints: string[];
  printChars: number;
  readonly sessionShipped: boolean;
  session: unknown;
  sessionUsed: boolean;
  readonly callbacks: Array<[Exchange, (response: unknown, error: unknown) => void]>;
  readonly exchanges: Map<string, Exchange>;
  error: { name: string; message: string; line?: number } | undefined;
  timedOut: boolean;
}

export interface RunVariablesHost {
  /** The run in progress (throws when none is). */
  current(): RunState;
  /** A blocking call to the gateway, shipping the run's pending ops first. */
  call(op: ScriptCallOp, argument: unknown): unknown;
  toWire(value: unknown): WireValue;
  fromWire(value: WireValue | undefined): unknown;
}

export interface RunVariables {
  message(kind: MessageKind, withContent?: boolean): MessageState;
  messageWithContent(kind: MessageKind): MessageState;
  /** Drops the cached message variables (after a write through a message object). */
  forgetMessageVariables(run: RunState): void;
  getVariable(name: unknown): unknown;
  setVariable(name: unknown, value: unknown): void;
  removeVariable(name: unknown): void;
}

export function createRunVariables(host: RunVariablesHost): RunVariables {
  const { current, call, toWire, fromWire } = host;
  const toText = String;
  const messageScopes = new Set(['request', 'response', 'message', 'error']);

  const loadMessage = (snapshot: MessageSnapshot): MessageState & { stale: boolean } => {
    const headers = new Map<string, [string, string[]]>();
    for (const [name, values] of snapshot.headers) {
      const entry = headers.get(name.toLowerCase());
      if (entry) entry[1].push(...values);
      else headers.set(name.toLowerCase(), [name, [...values]]);
    }
    const query = new Map<string, string[]>();
    for (const [name, values] of snapshot.query) query.set(name, [...(query.get(name) ?? []), ...values]);
    return { verb: snapshot.verb, status: snapshot.status, reason: snapshot.reason, headers, query, content: snapshot.content, stale: false };
  };
  const message = (kind: MessageKind, withContent = false): MessageState => {
    const run = current();
    let state = run.messages[kind];
    if (!state || state.stale || (withContent && state.content === null)) {
      const snapshot = run.snapshots[kind];
      const usable = !state && !run.snapshotsStale && !(withContent && snapshot.content === null);
      state = run.messages[kind] = loadMessage(usable ? snapshot : (call('msg', kind) as MessageSnapshot));
    }
    return state;
  };
  const messageWithContent = (kind: MessageKind): MessageState => message(kind, true);
  const forgetMessageVariables = (run: RunState): void => {
    for (const name of [...run.vars.keys()]) {
      const dot = name.indexOf('.');
      if (messageScopes.has(dot === -1 ? name : name.slice(0, dot))) run.vars.delete(name);
    }
  };
  // A write may change what other names read: forget the cached names of its family (its first segment);
  // a message variable may change any message variable and the message objects.
  const forget = (run: RunState, name: string): void => {
    const dot = name.indexOf('.');
    const scope = dot === -1 ? name : name.slice(0, dot);
    if (messageScopes.has(scope)) {
      forgetMessageVariables(run);
      for (const state of [run.messages.request, run.messages.response]) if (state) state.stale = true;
      run.snapshotsStale = true;
      return;
    }
    for (const cached of [...run.vars.keys()]) if (cached === scope || cached.startsWith(`${scope}.`)) run.vars.delete(cached);
  };

  const getVariable = (name: unknown): unknown => {
    const run = current();
    const key = toText(name);
    if (!run.vars.has(key)) run.vars.set(key, (call('get', key) as { v: WireValue }).v);
    return fromWire(run.vars.get(key));
  };
  const setVariable = (name: unknown, value: unknown): void => {
    const run = current();
    const key = toText(name);
    const wire = toWire(value);
    run.ops.push(['set', key, wire]);
    forget(run, key);
  };
  const removeVariable = (name: unknown): void => {
    const run = current();
    const key = toText(name);
    run.ops.push(['rm', key]);
    forget(run, key);
  };

  return { message, messageWithContent, forgetMessageVariables, getVariable, setVariable, removeVariable };
}
