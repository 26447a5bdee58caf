// The per-request state policies and conditions work on: messages, flow variables (computed lazily) and fault state.
import { randomUUID } from 'node:crypto';
import { isAbortSignal, type TargetAbortSignal } from '../dataplane/exchange-abort.js';
import type { PolicyFault } from '../errors.js';
import { Message } from './message.js';
import { NOT_A_MESSAGE_VARIABLE, readMessageVariable, removeMessageVariable, writeMessageVariable } from './message-variables.js';
import type { VariableReader } from './variable-reader.js';
import type { FlowIo } from './flow-io.js';
import type { FlowHookSet } from './shared-flow.js';

/** Apigee's `context.flow` values, plus the flow after the response was sent. */
export type FlowPhase = 'PROXY_REQ_FLOW' | 'TARGET_REQ_FLOW' | 'TARGET_RESP_FLOW' | 'PROXY_RESP_FLOW' | 'POST_CLIENT_FLOW';

/** What the data plane knows about a request before any flow runs. */
export interface FlowContextInit {
  readonly request: Message;
  readonly organization: string;
  readonly environment: string;
  readonly virtualHost: string;
  readonly apiName: string;
  readonly revision: number;
  readonly proxyEndpoint: string;
  /** Effective base path the request matched (deployment base path + ProxyEndpoint BasePath). */
  readonly basePath: string;
  readonly pathSuffix: string;
  readonly clientIp: string;
  readonly scheme: 'http' | 'https';
  /** Host header as received (for `proxy.url`, `request.url`). */
  readonly host: string;
  readonly messageId: string;
  /** Epoch milliseconds; injected so tests control time. */
  readonly now: () => number;
  /**
   * Aborted when the client goes away before the response is complete: target calls stop then. An ExchangeAbort
   * (the data plane's) makes a real AbortSignal only when FlowContext.signal is read (a callout).
   */
  readonly targetSignal?: TargetAbortSignal;
  /** The runner's I/O, for policies that run steps themselves (FlowCallout). */
  readonly io?: FlowIo;
  /** The environment's attached flow hooks when the request arrived; undefined when none is attached. */
  readonly flowHooks?: FlowHookSet;
}

/** Target state the runner fills in and policies may change (`target.url`, copy flags). */
export interface TargetState {
  name: string | undefined;
  /** Set when a policy wrote `target.url`; then used as-is at send time (compat §6.4). */
  urlOverride: string | undefined;
  /** The URL computed from the TargetEndpoint before the target flows run. */
  url: string | undefined;
  copyPathSuffix: boolean;
  copyQueryParams: boolean;
  host: string | undefined;
  ip: string | undefined;
  basePath: string | undefined;
}

export class FlowContext implements VariableReader {
  readonly init: FlowContextInit;
  readonly request: Message;
  response: Message;
  flow: FlowPhase = 'PROXY_REQ_FLOW';
  currentFlowName = 'PreFlow';
  routeName: string | undefined;
  readonly target: TargetState;
  /** The fault being handled, while the error flow runs and after. */
  fault: PolicyFault | undefined;
  /**
   * Set by a policy that has produced the response during a request flow (a ResponseCache hit, a CORS preflight):
   * the runner skips the remaining request steps and the target call, then runs the response flows.
   */
  responseReady = false;
  /** Allocated on the first write: a pass-through request sets no variable. */
  private variables: Map<string, unknown> | undefined;
  /** Allocated on first use: most requests have none. */
  private beforeClientResponse: Array<(ctx: FlowContext) => void> | undefined;

  constructor(init: FlowContextInit) {
    this.init = init;
    this.request = init.request;
    this.response = new Message('response');
    this.target = { name: undefined, urlOverride: undefined, url: undefined, copyPathSuffix: true, copyQueryParams: true, host: undefined, ip: undefined, basePath: undefined };
  }

  /** `init.targetSignal` as a real AbortSignal, for callouts (fetch-style clients); undefined without one. */
  get signal(): AbortSignal | undefined {
    const signal = this.init.targetSignal;
    return signal === undefined || isAbortSignal(signal) ? signal : signal.signal;
  }

  /** The message `message.*` refers to: the request in request flows, the response otherwise. */
  get message(): Message {
    return this.flow === 'PROXY_REQ_FLOW' || this.flow === 'TARGET_REQ_FLOW' ? (this.fault ? this.response : this.request) : this.response;
  }

  /**
   * Registers a callback run once, after every flow (the error flow included) and just before the response is sent:
   * for headers that belong on whatever response the client gets (CORS). Callbacks must not throw.
   */
  onBeforeClientResponse(callback: (ctx: FlowContext) => void): void {
    (this.beforeClientResponse ??= []).push(callback);
  }

  /** Runs the onBeforeClientResponse callbacks in registration order; the flow runner calls it once. */
  runBeforeClientResponse(): void {
    const callbacks = this.beforeClientResponse;
    if (!callbacks) return;
    this.beforeClientResponse = undefined;
    for (const callback of callbacks) callback(this);
  }

  get isError(): boolean {
    return this.fault !== undefined;
  }

  getVariable(name: string): unknown {
    const builtin = this.readBuiltin(name);
    if (builtin !== NOT_BUILTIN) return builtin;
    if (this.variables?.has(name)) return this.variables.get(name);
    return this.readCreatedMessage(name);
  }

  setVariable(name: string, value: unknown): void {
    if (this.writeBuiltin(name, value)) return;
    const dot = name.indexOf('.');
    if (dot > 0) {
      const holder = this.variables?.get(name.slice(0, dot));
      if (holder instanceof Message && writeMessageVariable(holder, name.slice(dot + 1), value)) return;
    }
    (this.variables ??= new Map()).set(name, value);
  }

  removeVariable(name: string): void {
    const [scope, rest] = splitScope(name);
    const message = scope === 'request' ? this.request : scope === 'response' ? this.response : scope === 'message' ? this.message : undefined;
    if (message && rest !== undefined && removeMessageVariable(message, rest)) return;
    this.variables?.delete(name);
  }

  /** A message by variable name: `request`, `response`, `message`, or one created by AssignMessage (`AssignTo createNew`). */
  getMessage(name: string): Message | undefined {
    if (name === 'request') return this.request;
    if (name === 'response') return this.response;
    if (name === 'message') return this.message;
    const value = this.variables?.get(name);
    return value instanceof Message ? value : undefined;
  }

  /** Stores a created message under a variable name (`response` replaces the response being built). */
  setMessage(name: string, message: Message): void {
    if (name === 'response') {
      // A replaced target response still streaming is drained, so its pooled connection is released.
      if (this.response !== message && this.response.isStreaming) this.response.clearContent();
      this.response = message;
    }
    else if (name === 'request' || name === 'message') throw new Error(`cannot replace the ${name} message`);
    else (this.variables ??= new Map()).set(name, message);
  }

  private readCreatedMessage(name: string): unknown {
    const dot = name.indexOf('.');
    if (dot <= 0) return undefined;
    const holder = this.variables?.get(name.slice(0, dot));
    if (!(holder instanceof Message)) return undefined;
    const value = readMessageVariable(holder, name.slice(dot + 1));
    return value === NOT_A_MESSAGE_VARIABLE ? undefined : value;
  }

  private readBuiltin(name: string): unknown {
    const init = this.init;
    switch (name) {
      case 'proxy.basepath': return init.basePath;
      case 'proxy.pathsuffix': return init.pathSuffix;
      case 'proxy.url': return `${init.scheme}://${init.host}${init.basePath === '/' ? '' : init.basePath}${init.pathSuffix}`;
      case 'proxy.name': return init.proxyEndpoint;
      case 'apiproxy.name': return init.apiName;
      case 'apiproxy.revision': return String(init.revision);
      case 'environment.name': return init.environment;
      case 'organization.name': return init.organization;
      case 'virtualhost.name': return init.virtualHost;
      case 'client.ip':
      case 'proxy.client.ip': return init.clientIp;
      case 'messageid': return init.messageId;
      case 'system.timestamp': return init.now();
      case 'system.time': return new Date(init.now()).toUTCString();
      case 'system.uuid': return randomUUID();
      case 'target.url': return this.target.urlOverride ?? this.target.url;
      case 'target.name': return this.target.name;
      case 'target.host': return this.target.host;
      case 'target.ip': return this.target.ip;
      case 'target.basepath': return this.target.basePath;
      case 'target.copy.pathsuffix': return this.target.copyPathSuffix;
      case 'target.copy.queryparams': return this.target.copyQueryParams;
      case 'route.name': return this.routeName;
      case 'route.target': return this.target.name;
      case 'current.flow.name': return this.currentFlowName;
      case 'is.error': return this.fault !== undefined;
      case 'fault.name': return this.fault?.faultName;
      case 'error.message': return this.fault?.message;
      case 'error.status.code': return this.fault ? this.response.statusCode : undefined;
      case 'error.reason.phrase': return this.fault ? this.response.reasonPhrase : undefined;
      case 'error.content': return this.fault ? this.response.contentText : undefined;
      case 'error': return this.fault ? this.fault.errorCode : undefined;
    }
    // Read per condition clause and template on the request path: no [scope, rest] pair is made per read, and
    // `init` carries the scheme and host request.url needs.
    const dot = name.indexOf('.');
    if (dot === -1) return NOT_BUILTIN;
    let value: unknown = NOT_A_MESSAGE_VARIABLE;
    if (startsWithScope(name, 'request', dot)) value = readMessageVariable(this.request, name.slice(dot + 1), init);
    else if (startsWithScope(name, 'response', dot)) value = readMessageVariable(this.response, name.slice(dot + 1));
    else if (startsWithScope(name, 'message', dot)) value = readMessageVariable(this.message, name.slice(dot + 1), this.message === this.request ? init : undefined);
    else if (startsWithScope(name, 'error', dot) && this.fault) value = readMessageVariable(this.response, name.slice(dot + 1));
    return value === NOT_A_MESSAGE_VARIABLE ? NOT_BUILTIN : value;
  }

  private writeBuiltin(name: string, value: unknown): boolean {
    switch (name) {
      case 'target.url':
        this.target.urlOverride = value === undefined || value === null ? undefined : String(value);
        return true;
      case 'target.copy.pathsuffix':
        this.target.copyPathSuffix = isTrue(value);
        return true;
      case 'target.copy.queryparams':
        this.target.copyQueryParams = isTrue(value);
        return true;
    }
    const [scope, rest] = splitScope(name);
    if (rest === undefined) return false;
    if (scope === 'request') return writeMessageVariable(this.request, rest, value);
    if (scope === 'response') return writeMessageVariable(this.response, rest, value);
    if (scope === 'message') return writeMessageVariable(this.message, rest, value);
    return false;
  }
}

const NOT_BUILTIN: unique symbol = Symbol('not builtin');

/** `name` is `<scope>.<…>`, its first dot at `dot`. */
function startsWithScope(name: string, scope: string, dot: number): boolean {
  return dot === scope.length && name.startsWith(scope);
}

function splitScope(name: string): [string, string | undefined] {
  const dot = name.indexOf('.');
  return dot === -1 ? [name, undefined] : [name.slice(0, dot), name.slice(dot + 1)];
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}
