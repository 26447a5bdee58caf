// The shape every policy type has (STYLE §4): parse XML at import, compile at deploy, execute per request.
import type { PolicyConfig } from '../bundle/proxy-bundle.js';
import type { XmlElement } from '../bundle/xml-element.js';
import type { FlowContext } from '../engine/flow-context.js';
import type { PolicyServices } from './policy-services.js';

export interface PolicyParseContext {
  /** Path of the policy file inside `apiproxy/`, for problem messages. */
  readonly file: string;
  /** Records one problem; parsing goes on so that every problem of the bundle is reported at once. */
  report(message: string): void;
  /** Resource files of the bundle keyed `type://name`, for policies that reference them (JavaScript, XSL). */
  readonly resources: ReadonlyMap<string, Uint8Array>;
}

export interface PolicyCompileContext {
  readonly policy: PolicyConfig;
  readonly resources: ReadonlyMap<string, Uint8Array>;
  readonly organization: string;
  readonly apiName: string;
  readonly revision: number;
  readonly environment: string;
  /** The environment's services (counters, caches, KVMs, callouts…); they outlive the revision. */
  readonly services: PolicyServices;
}

export interface CompiledPolicy {
  /** Runs the policy on one message exchange; throws PolicyFault to enter the error flow. */
  execute(ctx: FlowContext): void | Promise<void>;
  /**
   * Which message bodies must be buffered before execute runs: the flow runner reads them
   * (size-capped) first, so that execute can use message content synchronously.
   */
  readonly readsContent: boolean;
  /** Releases resources held by the compiled policy when its revision is torn down. */
  close?(): void | Promise<void>;
}

export interface PolicyType<C = unknown> {
  /** The XML root element name (`AssignMessage`, `RaiseFault`, …). */
  readonly type: string;
  /** XML → typed config. Reports problems through ctx.report and returns its best effort. Never throws for bad input. */
  parse(el: XmlElement, ctx: PolicyParseContext): C;
  /** Validated config → runnable policy. Runs at deploy; may throw Error for problems only visible then. */
  compile(config: C, ctx: PolicyCompileContext): CompiledPolicy;
}
