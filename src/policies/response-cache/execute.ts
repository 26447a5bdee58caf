// ResponseCache at deploy and per request: a lookup on the request side that can answer at once, a store on the response side.
import { compileCondition, type CompiledCondition } from '../../engine/condition/compile-condition.js';
import { conditionVariables, parseCondition } from '../../engine/condition/parse-condition.js';
import type { FlowContext } from '../../engine/flow-context.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { cacheKeyReadsContent, compileCacheKey } from '../shared/compile-cache-key.js';
import { compileExpiry } from '../shared/compile-expiry.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { resolveCacheResource } from '../shared/resolve-cache-resource.js';
import { bufferResponseUpTo } from './buffer-response-up-to.js';
import { CachedResponse } from './cached-response.js';
import { parseResponseCache, type ResponseCacheConfig } from './parse.js';
import { toHeaderExpiry } from './to-header-expiry.js';

/** What the request side found, for the response side of the same exchange. */
interface ExchangeState {
  readonly key: string;
  hit: boolean;
}

// Apigee (UseAcceptHeader): these request headers are appended to the key.
const ACCEPT_HEADERS = ['accept', 'accept-encoding', 'accept-language', 'accept-charset'];

function isRequestFlow(ctx: FlowContext): boolean {
  return ctx.flow === 'PROXY_REQ_FLOW' || ctx.flow === 'TARGET_REQ_FLOW';
}

/** The compiled condition, and whether it reads a message body (then the runner buffers bodies before the step). */
function compileOptionalCondition(text: string | undefined, element: string): { condition?: CompiledCondition; readsContent: boolean } {
  if (text === undefined) return { readsContent: false };
  try {
    const node = parseCondition(text);
    return { condition: compileCondition(node), readsContent: conditionVariables(node).some(isContentVariable) };
  } catch (err) {
    throw new Error(`<${element}>: bad condition "${text}": ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Also used for group-level response caching, with a config built from JSON: `ctx.policy.name` names the
 * `responsecache.<name>.*` variables and `ctx.services.caches` holds the cache, so entries outlive revisions.
 */
export function compileResponseCache(config: ResponseCacheConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const cache = resolveCacheResource(config.cacheResource, ctx);
  const now = ctx.services.now;
  const prefix = `responsecache.${ctx.policy.name}.`;
  const baseKey = compileCacheKey(config.cacheKey, config.scope, ctx);
  const toKey = config.useAcceptHeader
    ? (flow: FlowContext) => {
      let key = baseKey(flow);
      for (const name of ACCEPT_HEADERS) {
        const values = flow.request.headers.getAll(name);
        if (values.length > 0) key += `__${values.join(',')}`;
      }
      return key;
    }
    : baseKey;
  const expiry = compileExpiry(config.expiry, cache.limits.expirySeconds);
  const lookupCondition = compileOptionalCondition(config.skipCacheLookup, 'SkipCacheLookup');
  const populationCondition = compileOptionalCondition(config.skipCachePopulation, 'SkipCachePopulation');
  const skipLookup = lookupCondition.condition;
  const skipPopulation = populationCondition.condition;
  // Per exchange, keyed weakly by its context: nothing of a request outlives it.
  const exchanges = new WeakMap<FlowContext, ExchangeState>();

  const start = (flow: FlowContext): ExchangeState => {
    const state: ExchangeState = { key: toKey(flow), hit: false };
    exchanges.set(flow, state);
    flow.setVariable(`${prefix}cachekey`, state.key);
    flow.setVariable(`${prefix}cachename`, cache.name);
    flow.setVariable(`${prefix}cachehit`, false);
    flow.setVariable(`${prefix}invalidentry`, false);
    return state;
  };

  const lookup = (flow: FlowContext): void => {
    const state = start(flow);
    if (skipLookup?.(flow)) return;
    const found = cache.lookup(state.key);
    if (found.status === 'expired') flow.setVariable(`${prefix}invalidentry`, true);
    // An entry another policy (PopulateCache) wrote under the same key is not a response: a miss.
    if (found.status !== 'hit' || !(found.value instanceof CachedResponse)) return;
    state.hit = true;
    flow.setVariable(`${prefix}cachehit`, true);
    flow.setMessage('response', found.value.toMessage());
    flow.responseReady = true;
  };

  const populate = async (flow: FlowContext): Promise<void> => {
    const state = exchanges.get(flow) ?? start(flow);
    if (state.hit || skipPopulation?.(flow)) return;
    // A HEAD response has no body; stored, it would answer a later GET with the same key with an empty one.
    if (flow.request.verb === 'HEAD') return;
    const response = flow.response;
    if (config.excludeErrorResponse && (response.statusCode < 200 || response.statusCode > 205)) return;
    const nowMs = now();
    let expiresAt = expiry(flow, nowMs);
    if (config.useResponseCacheHeaders) {
      const fromHeaders = toHeaderExpiry(response, nowMs);
      if (fromHeaders === 'no-store') return;
      if (fromHeaders !== undefined) expiresAt = Math.min(expiresAt, fromHeaders);
    }
    const body = await bufferResponseUpTo(flow, cache.limits.maxEntryBytes);
    if (body === undefined) return;
    const entry = new CachedResponse(flow.response, body);
    cache.put(state.key, entry, { sizeBytes: entry.sizeBytes, expiresAt });
  };

  return {
    // A key or condition on `request.content` (a POST body) needs the body buffered; otherwise bodies keep streaming.
    readsContent: cacheKeyReadsContent(config.cacheKey) || lookupCondition.readsContent || populationCondition.readsContent,
    execute(flow) {
      if (isRequestFlow(flow)) {
        lookup(flow);
        return undefined;
      }
      return populate(flow);
    },
  };
}

export const responseCachePolicy: PolicyType<ResponseCacheConfig> = {
  type: 'ResponseCache',
  parse: parseResponseCache,
  compile: compileResponseCache,
};
