// InvalidateCache at import: XML → InvalidateCacheConfig (CacheKey, Scope, CacheContext, CacheResource, PurgeChildEntries).
import { childElements, childText, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import type { CacheKeyContext } from '../shared/compile-cache-key.js';
import { CACHE_SETTINGS_ELEMENTS, parseCacheSettings, type CacheSettingsConfig } from '../shared/parse-cache-settings.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';

export interface InvalidateCacheConfig extends Omit<CacheSettingsConfig, 'expiry'> {
  /** Names of another API proxy and its endpoints whose entries are cleared (the key's scope part). */
  readonly cacheContext: CacheKeyContext;
  /** True: the key and every key continuing it after `__` are removed. */
  readonly purgeChildEntries: boolean;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...CACHE_SETTINGS_ELEMENTS.filter((n) => n !== 'ExpirySettings'), 'CacheContext', 'PurgeChildEntries']);

export function parseInvalidateCache(el: XmlElement, ctx: PolicyParseContext): InvalidateCacheConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const { expiry: _expiry, ...settings } = parseCacheSettings(el, report, { expiry: false });
  const contexts = childElements(el, 'CacheContext');
  if (contexts.length > 1) report(`<CacheContext> appears ${contexts.length} times; expected at most once`);
  const context = contexts[0];
  if (context) reportUnknownChildren(context, new Set(['APIProxyName', 'ProxyName', 'TargetName']), report);
  const apiName = context && childText(context, 'APIProxyName');
  const proxyName = context && childText(context, 'ProxyName');
  const targetName = context && childText(context, 'TargetName');
  return {
    ...settings,
    cacheContext: {
      ...(apiName !== undefined ? { apiName } : {}),
      ...(proxyName !== undefined ? { proxyName } : {}),
      ...(targetName !== undefined ? { targetName } : {}),
    },
    purgeChildEntries: parseBooleanChild(el, 'PurgeChildEntries', false, report),
  };
}
