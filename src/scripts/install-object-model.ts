// Apigee's JavaScript object model inside the sandbox, and the runner the host drives. Evaluated inside the sandbox from its source text: it must reference nothing outside itself.
import type { ApigeeCrypto, CryptoHost } from './create-crypto-object.js';
import type { Exchange, HttpClientHost, HttpClientObjects } from './create-http-client.js';
import type { MessageObjectHost, MessageObjects } from './create-message-objects.js';
import type { RunState, RunVariables, RunVariablesHost } from './create-run-variables.js';
import type { CalloutWire, ExecSnapshot, ScriptCallOp, ScriptOp, WireValue } from './script-protocol.js';

/**
 * The host's only entry into the sandbox besides the runner: called with primitives, answers with primitives.
 * `call` (op, argument JSON, writes JSON) → reply JSON, '' when the run is out of time; `send` (request JSON) →
 * callout id; `remaining` → ms left; `hash` (algorithm, text, encoding); `date` (pattern, zone, epoch ms).
 */
export type SandboxBridge = (op: string, a?: string | number, b?: string | number, c?: string | number) => string | number | undefined;

/** What the host drives; every argument and result is a primitive or a sandbox value. */
export interface ObjectModelRuntime {
  install(id: number, fn: (...args: unknown[]) => unknown, file: string, propertiesJson: string): void;
  uninstall(id: number): void;
  /** Runs a script once; the results are read with collect, after the sandbox's microtasks ran. */
  run(id: number, snapshotJson: string): void;
  /** The ExecResult of the last run, as JSON. */
  collect(): string;
  /** A sandbox Error (for the host's dynamic-import hook: no host object may reach a script). */
  makeError(message: string): Error;
  /** The objects shared by every run, to be frozen with the intrinsics. */
  readonly shared: readonly unknown[];
}

type CreateMessageObjects = (host: MessageObjectHost) => MessageObjects;
type CreateHttpClient = (host: HttpClientHost) => HttpClientObjects;
type CreateCryptoObject = (host: CryptoHost) => ApigeeCrypto;
type CreateRunVariables = (host: RunVariablesHost) => RunVariables;

export function installObjectModel(
  bridge: SandboxBridge,
  sessionVariable: string,
  exchangeMarker: string,
  createMessageObjects: CreateMessageObjects,
  createHttpClient: CreateHttpClient,
  createCryptoObject: CreateCryptoObject,
  createRunVariables: CreateRunVariables,
): ObjectModelRuntime {
  const { parse, stringify } = JSON;
  const { apply } = Reflect;
  const { freeze, keys } = Object;
  const toText = String;
  const isArray = Array.isArray;
  const maxPrintChars = 65_536;
  // Thrown through the script when its time is up; recognized by identity, so a script cannot fake it.
  const timeout = freeze({ toString: () => 'Javascript runtime exceeded its time limit' });
  const scripts = new Map<number, { fn: (...args: unknown[]) => unknown; file: RegExp; properties: object }>();
  const exchangeIds = new WeakMap<object, string>();
  let state: RunState | undefined;

  const current = (): RunState => {
    if (!state) throw new Error('no script is running');
    return state;
  };
  // A host function that overflows the stack throws a host-realm RangeError: it must never reach a script.
  const host = (op: string, a?: string | number, b?: string | number, c?: string | number): string | number | undefined => {
    try {
      return bridge(op, a, b, c);
    } catch {
      throw new RangeError('Maximum call stack size exceeded');
    }
  };
  const call = (op: ScriptCallOp, argument: unknown): unknown => {
    const run = current();
    const ops = stringify(run.ops);
    run.ops = [];
    const reply = host('call', op, stringify(argument), ops);
    if (typeof reply !== 'string' || reply === '') throw timeout;
    return parse(reply);
  };

  const toWire = (value: unknown): WireValue => {
    if (value === undefined || value === null) return null;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : toText(value);
      case 'object':
      case 'function': {
        const id = exchangeIds.get(value);
        if (id !== undefined) return { [exchangeMarker]: id };
        if (typeof value === 'function') return toText(value);
        const text = stringify(value) as string | undefined;
        return text === undefined ? toText(value) : (parse(text) as WireValue);
      }
      default:
        return toText(value);
    }
  };
  const fromWire = (value: WireValue | undefined): unknown => {
    if (value === undefined) return null;
    if (value !== null && typeof value === 'object' && !isArray(value)) {
      const id = (value as Record<string, WireValue>)[exchangeMarker];
      if (typeof id === 'string' && keys(value).length === 1) return exchangeFor(id);
    }
    return value;
  };

  const { message, messageWithContent, forgetMessageVariables, getVariable, setVariable, removeVariable } = createRunVariables({
    current,
    call,
    toWire,
    fromWire,
  });

  const messageHost: MessageObjectHost = {
    get flow() {
      return current().flow;
    },
    message,
    messageWithContent,
    write(op: ScriptOp) {
      const run = current();
      run.ops.push(op);
      forgetMessageVariables(run);
    },
    getVariable,
    setVariable,
  };

  const messageObjects = createMessageObjects(messageHost);

  const { httpClient, Request, exchangeFor: newExchange } = createHttpClient({
    send(request) {
      const id = host('send', stringify(request));
      if (typeof id !== 'string') throw new Error('httpClient is not available');
      return id;
    },
    outcome(id, waitMs) {
      const reply = call(waitMs > 0 ? 'await' : 'poll', { c: id, ms: waitMs }) as CalloutWire | { pending: true };
      return 'pending' in reply ? null : reply;
    },
    remainingMs: () => Number(host('remaining')),
    timeout,
    onComplete(exchange, callback) {
      current().callbacks.push([exchange, callback]);
    },
    register(exchange, id) {
      exchangeIds.set(exchange, id);
      current().exchanges.set(id, exchange);
    },
  });
  const exchangeFor = (id: string): Exchange => current().exchanges.get(id) ?? newExchange(id);

  const crypto = createCryptoObject({
    hash(algorithm, text, encoding) {
      const digest = host('hash', algorithm, text, encoding);
      if (typeof digest !== 'string') throw new Error(`crypto: ${algorithm} is not available`);
      return digest;
    },
    formatDate(pattern, timeZone, epochMs) {
      const text = host('date', pattern, timeZone, epochMs);
      if (typeof text !== 'string') throw new RangeError(`crypto.dateFormat: unsupported pattern "${pattern}"`);
      return text;
    },
  });

  const print = (...args: unknown[]): void => {
    const run = current();
    let text = '';
    for (let i = 0; i < args.length; i++) text += (i === 0 ? '' : ' ') + toText(args[i]);
    if (run.printChars + text.length > maxPrintChars) return;
    run.printChars += text.length;
    run.prints.push(text);
  };

  const describe = (thrown: unknown, file: RegExp): { name: string; message: string; line?: number } => {
    try {
      if (thrown === null || (typeof thrown !== 'object' && typeof thrown !== 'function')) return { name: '', message: toText(thrown) };
      const { name, message: text, stack } = thrown as { name?: unknown; message?: unknown; stack?: unknown };
      const match = typeof stack === 'string' ? file.exec(stack) : null;
      const described = { name: name === undefined ? 'Error' : toText(name), message: text === undefined ? toText(thrown) : toText(text) };
      return match ? { ...described, line: Number(match[1]) } : described;
    } catch {
      return { name: 'Error', message: 'the thrown value could not be described' };
    }
  };

  const runtime: ObjectModelRuntime = {
    install(id, fn, file, propertiesJson) {
      freeze(fn);
      if (fn.prototype) freeze(fn.prototype);
      // The first frame of the script's own file gives the line (`<file>:<line>:<column>`).
      const pattern = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+`);
      scripts.set(id, { fn, file: pattern, properties: freeze(parse(propertiesJson) as object) });
    },
    uninstall(id) {
      scripts.delete(id);
    },
    run(id, snapshotJson) {
      const snapshot = parse(snapshotJson) as ExecSnapshot;
      const run: RunState = {
        flow: snapshot.flow,
        vars: new Map(snapshot.vars as Array<[string, WireValue]>),
        snapshots: { request: snapshot.req, response: snapshot.res },
        messages: {},
        snapshotsStale: false,
        ops: [],
        prints: [],
        printChars: 0,
        sessionShipped: snapshot.session !== undefined,
        session: snapshot.session,
        sessionUsed: false,
        callbacks: [],
        exchanges: new Map(),
        error: undefined,
        timedOut: false,
      };
      state = run;
      const script = scripts.get(id);
      if (!script) {
        run.error = { name: 'Error', message: 'the script is not loaded' };
        return;
      }
      const { request, response } = messageObjects.create();
      const context = {
        get flow() {
          return run.flow;
        },
        get session() {
          if (!run.sessionUsed) {
            run.sessionUsed = true;
            const value = run.sessionShipped ? run.session : (call('get', sessionVariable) as { v: WireValue }).v;
            run.session = value !== null && typeof value === 'object' ? value : {};
          }
          return run.session;
        },
        getVariable,
        setVariable,
        removeVariable,
        proxyRequest: request,
        targetRequest: request,
        proxyResponse: response,
        targetResponse: response,
      };
      try {
        apply(script.fn, undefined, [context, request, response, script.properties, crypto, httpClient, print, Request]);
        for (const [exchange, callback] of run.callbacks) {
          exchange.waitForComplete();
          apply(callback, undefined, [exchange.getResponse(), exchange.getError()]);
        }
      } catch (thrown) {
        if (thrown === timeout) run.timedOut = true;
        else run.error = describe(thrown, script.file);
      }
    },
    collect() {
      const run = state;
      if (!run) return stringify({ ops: [], prints: [], error: { name: 'Error', message: 'no run to collect' } });
      if (run.sessionUsed && !run.error && !run.timedOut) {
        try {
          run.ops.push(['set', sessionVariable, toWire(run.session)]);
        } catch (thrown) {
          run.error = { name: 'TypeError', message: `context.session cannot be stored: ${describe(thrown, /$^/).message}` };
        }
      }
      state = undefined;
      return stringify({ ops: run.ops, prints: run.prints, error: run.error, timedOut: run.timedOut || undefined });
    },
    makeError: (text) => new Error(text),
    shared: [getVariable, setVariable, removeVariable, print, crypto, httpClient, Request, messageHost, ...messageObjects.shared],
  };
  return runtime;
}
