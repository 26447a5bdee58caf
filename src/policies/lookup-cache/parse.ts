// LookupCache at import: XML → LookupCacheConfig (CacheKey, Scope, CacheResource, AssignTo).
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { CACHE_SETTINGS_ELEMENTS, parseCacheSettings, type CacheSettingsConfig } from '../shared/parse-cache-settings.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';

export interface LookupCacheConfig extends Omit<CacheSettingsConfig, 'expiry'> {
  /** The variable a hit is written to; left unset on a miss. */
  readonly assignTo: string;
}

// CacheLookupTimeoutInSeconds bounds a distributed lookup in Apigee; Baton's caches are in memory, so it is accepted and ignored.
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...CACHE_SETTINGS_ELEMENTS.filter((n) => n !== 'ExpirySettings'), 'AssignTo', 'CacheLookupTimeoutInSeconds']);

export function parseLookupCache(el: XmlElement, ctx: PolicyParseContext): LookupCacheConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const { expiry: _expiry, ...settings } = parseCacheSettings(el, report, { expiry: false });
  const assignTo = childElements(el, 'AssignTo');
  if (assignTo.length > 1) report(`<AssignTo> appears ${assignTo.length} times; expected at most once`);
  const variable = assignTo[0]?.text.trim() ?? '';
  if (variable === '') report('<AssignTo> must name the variable the cached value is assigned to');
  return { ...settings, assignTo: variable };
}
