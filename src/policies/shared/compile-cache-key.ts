// Cache keys as Apigee composes them (working-cachekeys): PREFIX_PART__FRAGMENT[__FRAGMENT…], compiled once at deploy.
import type { FlowContext } from '../../engine/flow-context.js';
import { toTemplateText } from '../../engine/template/template-function.js';
import { isContentVariable } from './is-content-variable.js';
import type { CacheKeyConfig, CacheScope } from './parse-cache-settings.js';

/** Where a policy is deployed: the names its scope prefixes are built from. */
export interface CacheKeyOwner {
  readonly organization: string;
  readonly environment: string;
  readonly apiName: string;
  readonly revision: number;
}

/** InvalidateCache `<CacheContext>`: names of another proxy whose entries it clears. */
export interface CacheKeyContext {
  readonly apiName?: string;
  readonly proxyName?: string;
  readonly targetName?: string;
}

export type CompiledCacheKey = (ctx: FlowContext) => string;

/** True when a fragment reads a message body (`request.content`): the flow runner must buffer it first. */
export function cacheKeyReadsContent(cacheKey: CacheKeyConfig): boolean {
  return cacheKey.fragments.some((fragment) => fragment.ref !== undefined && isContentVariable(fragment.ref));
}

const SEPARATOR = '__';

function isTargetFlow(ctx: FlowContext): boolean {
  return ctx.flow === 'TARGET_REQ_FLOW' || ctx.flow === 'TARGET_RESP_FLOW';
}

/**
 * The prefix part: `<Prefix>` when set, else the scope's (Global `org__env`, Application `…__api`, Proxy and
 * Target `…__api__revision__endpoint`, Exclusive the same with the endpoint the policy runs in).
 */
function compilePrefix(cacheKey: CacheKeyConfig, scope: CacheScope, owner: CacheKeyOwner, context: CacheKeyContext): (ctx: FlowContext) => string {
  if (cacheKey.prefix !== undefined) {
    const prefix = cacheKey.prefix;
    return () => prefix;
  }
  const global = `${owner.organization}${SEPARATOR}${owner.environment}`;
  const application = `${global}${SEPARATOR}${context.apiName ?? owner.apiName}`;
  const revision = `${application}${SEPARATOR}${owner.revision}`;
  switch (scope) {
    case 'Global':
      return () => global;
    case 'Application':
      return () => application;
    case 'Proxy':
      return (ctx) => `${revision}${SEPARATOR}${context.proxyName ?? ctx.init.proxyEndpoint}`;
    case 'Target':
      return (ctx) => `${revision}${SEPARATOR}${context.targetName ?? ctx.target.name ?? ''}`;
    case 'Exclusive':
      return (ctx) => `${revision}${SEPARATOR}${isTargetFlow(ctx) ? context.targetName ?? ctx.target.name ?? '' : context.proxyName ?? ctx.init.proxyEndpoint}`;
  }
}

/**
 * A fragment's variable wins when it resolves; its literal is the fallback; a fragment with neither adds nothing
 * (our choice: Apigee does not document unresolved fragments).
 */
export function compileCacheKey(cacheKey: CacheKeyConfig, scope: CacheScope, owner: CacheKeyOwner, context: CacheKeyContext = {}): CompiledCacheKey {
  const prefix = compilePrefix(cacheKey, scope, owner, context);
  const fragments = cacheKey.fragments;
  return (ctx) => {
    let key = prefix(ctx);
    for (const fragment of fragments) {
      const value = (fragment.ref !== undefined ? toTemplateText(ctx.getVariable(fragment.ref)) : undefined) ?? fragment.text;
      if (value !== undefined) key += SEPARATOR + value;
    }
    return key;
  };
}
