// The wire protocol between the gateway and a script host process: frames both ways, and the JSON payloads the sandbox reads and writes.

/** Frames the gateway writes to a script host (length-prefixed JSON on the host's fd 3). */
export type ToHostFrame =
  /** First frame: the host's id (prefix of its callout ids) and how to build the sandbox. */
  | { readonly t: 'init'; readonly hostId: number; readonly sandbox: SandboxSources }
  /** Compiles a script body (the files joined, IncludeURLs first) as a function of the object model's globals. */
  | { readonly t: 'load'; readonly s: number; readonly body: string; readonly file: string; readonly properties: string }
  | { readonly t: 'unload'; readonly s: number }
  /** Runs script `s` once: `d` is the ExecSnapshot as JSON, `ms` the policy's timeLimit. */
  | { readonly t: 'run'; readonly x: number; readonly s: number; readonly ms: number; readonly d: string }
  /** The answer to a host call `q` (JSON text). */
  | { readonly t: 'reply'; readonly q: number; readonly r: string };

/** Source texts of the functions evaluated inside the sandbox, and the names they share with the gateway. */
export interface SandboxSources {
  readonly objectModel: string;
  readonly messageObjects: string;
  readonly httpClient: string;
  readonly crypto: string;
  readonly runVariables: string;
  readonly harden: string;
  readonly parameters: readonly string[];
  readonly sessionVariable: string;
  readonly exchangeMarker: string;
}

/** Frames a script host writes to the gateway. */
export type FromHostFrame =
  /** The sandbox is built: run time limits start counting from here (a host's start-up is not a script's time). */
  | { readonly t: 'ready' }
  /** Run `x` finished: `r` is the ExecResult as JSON. */
  | { readonly t: 'done'; readonly x: number; readonly r: string }
  /** A synchronous question of run `x` (the sandbox blocks until the reply); `o` flushes the writes made so far (ScriptOp[] as JSON). */
  | { readonly t: 'call'; readonly x: number; readonly q: number; readonly op: ScriptCallOp; readonly a: string; readonly o: string }
  /** Run `x` started an httpClient callout `c` (CalloutRequestWire as JSON); no reply. */
  | { readonly t: 'send'; readonly x: number; readonly c: string; readonly req: string };

/**
 * `get`: a flow variable (argument: its name) → `{ v: WireValue }`.
 * `msg`: a message with its content (argument: `request` | `response`) → MessageSnapshot.
 * `poll`: an httpClient exchange, without waiting (argument: `{ c }`) → CalloutWire | `{ pending: true }`.
 * `await`: the same, waiting up to `ms` (argument: `{ c, ms }`).
 */
export type ScriptCallOp = 'get' | 'msg' | 'poll' | 'await';

/** What a run sees of the flow when it starts; anything else is fetched with a `get` call. */
export interface ExecSnapshot {
  /** `context.flow`. */
  readonly flow: string;
  /** Prefetched flow variables: the names the script reads with a literal (`context.getVariable('x')`). */
  readonly vars: ReadonlyArray<readonly [string, WireValue]>;
  readonly req: MessageSnapshot;
  readonly res: MessageSnapshot;
  /** `context.session` (present only when the script mentions `session`). */
  readonly session?: WireValue;
}

export interface MessageSnapshot {
  readonly verb: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly query: ReadonlyArray<readonly [string, readonly string[]]>;
  /** The body as text; null when it was not shipped (the sandbox then asks for it with a `msg` call). */
  readonly content: string | null;
}

/** JSON values, plus `{ __batonExchange: id }` standing for a pending httpClient exchange. */
export type WireValue = null | string | number | boolean | readonly WireValue[] | { readonly [key: string]: WireValue };

/** The flow variable that carries `context.session` from one JavaScript step to the next within a request. */
export const SESSION_VARIABLE = '__baton.javascript.session';

/** The key of the object that stands for an httpClient exchange stored in a flow variable. */
export const EXCHANGE_MARKER = '__batonExchange';

/** One write of a run, applied to the flow in order. */
export type ScriptOp =
  | readonly ['set', string, WireValue]
  | readonly ['rm', string]
  | readonly ['hset', 'request' | 'response', string, readonly string[]]
  | readonly ['hdel', 'request' | 'response', string]
  | readonly ['qset', 'request' | 'response', string, readonly string[]]
  | readonly ['qdel', 'request' | 'response', string]
  | readonly ['content', 'request' | 'response', string]
  | readonly ['verb', string]
  | readonly ['status', number]
  | readonly ['reason', string];

export interface ExecResult {
  /** Writes since the last call (earlier ones were flushed with the calls). */
  readonly ops: readonly ScriptOp[];
  readonly prints: readonly string[];
  /** What the script threw; `line` is 1-based in the joined body. */
  readonly error?: { readonly name: string; readonly message: string; readonly line?: number };
  /** The script ran out of time while waiting on an httpClient exchange. */
  readonly timedOut?: boolean;
}

export interface CalloutRequestWire {
  readonly url: string;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | null;
}

export type CalloutWire =
  | { readonly ok: true; readonly status: number; readonly reason: string; readonly headers: ReadonlyArray<readonly [string, string]>; readonly content: string }
  | { readonly ok: false; readonly error: string };

/** The globals a script body is compiled with (Apigee's JavaScript object model), in parameter order. */
export const SCRIPT_PARAMETERS: readonly string[] = ['context', 'request', 'response', 'properties', 'crypto', 'httpClient', 'print', 'Request'];
