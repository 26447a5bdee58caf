// PopulateCache at import: XML → PopulateCacheConfig (CacheKey, Scope, CacheResource, ExpirySettings, Source).
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { CACHE_SETTINGS_ELEMENTS, parseCacheSettings, type CacheSettingsConfig } from '../shared/parse-cache-settings.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';

export interface PopulateCacheConfig extends CacheSettingsConfig {
  /** The variable whose value is cached; an unset variable caches nothing. */
  readonly source: string;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...CACHE_SETTINGS_ELEMENTS, 'Source']);

export function parsePopulateCache(el: XmlElement, ctx: PolicyParseContext): PopulateCacheConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const sources = childElements(el, 'Source');
  if (sources.length > 1) report(`<Source> appears ${sources.length} times; expected at most once`);
  const source = sources[0]?.text.trim() ?? '';
  if (source === '') report('<Source> must name the variable whose value is cached');
  return { ...parseCacheSettings(el, report, { expiry: true }), source };
}
