// ResponseCache at import: XML → ResponseCacheConfig (compat §8), plain data so it can also be built from JSON.
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import { parseCondition } from '../../engine/condition/parse-condition.js';
import type { PolicyParseContext } from '../policy-type.js';
import { CACHE_SETTINGS_ELEMENTS, parseCacheSettings, type CacheSettingsConfig } from '../shared/parse-cache-settings.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export interface ResponseCacheConfig extends CacheSettingsConfig {
  /** Condition text; when true on the request side the lookup is skipped (the response is still stored). */
  readonly skipCacheLookup?: string;
  /** Condition text; when true on the response side the response is not stored. */
  readonly skipCachePopulation?: string;
  /** True: only statuses 200-205 are stored. False (Apigee's default): any status the response flow sees. */
  readonly excludeErrorResponse: boolean;
  /** True: `Cache-Control` (no-store, private, s-maxage, max-age) and `Expires` of the response shorten or prevent storing. */
  readonly useResponseCacheHeaders: boolean;
  /** True: the request's Accept, Accept-Encoding, Accept-Language and Accept-Charset values are appended to the key. */
  readonly useAcceptHeader: boolean;
}

// CacheLookupTimeoutInSeconds bounds a distributed lookup in Apigee; Baton's caches are in memory, so it is accepted and ignored.
const ALLOWED_CHILDREN = new Set([
  ...COMMON_POLICY_CHILDREN, ...CACHE_SETTINGS_ELEMENTS, 'SkipCacheLookup', 'SkipCachePopulation', 'ExcludeErrorResponse',
  'UseResponseCacheHeaders', 'UseAcceptHeader', 'CacheLookupTimeoutInSeconds',
]);

/** Apigee's UI template keys on the request URI; a ResponseCache without a KeyFragment does the same. */
const DEFAULT_FRAGMENTS = [{ ref: 'request.uri' }] as const;

export function parseResponseCache(el: XmlElement, ctx: PolicyParseContext): ResponseCacheConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const skipCacheLookup = readCondition(el, 'SkipCacheLookup', report);
  const skipCachePopulation = readCondition(el, 'SkipCachePopulation', report);
  return {
    ...parseCacheSettings(el, report, { expiry: true, defaultFragments: DEFAULT_FRAGMENTS }),
    ...(skipCacheLookup !== undefined ? { skipCacheLookup } : {}),
    ...(skipCachePopulation !== undefined ? { skipCachePopulation } : {}),
    excludeErrorResponse: parseBooleanChild(el, 'ExcludeErrorResponse', false, report),
    useResponseCacheHeaders: parseBooleanChild(el, 'UseResponseCacheHeaders', false, report),
    useAcceptHeader: parseBooleanChild(el, 'UseAcceptHeader', false, report),
  };
}

/** A condition element's text, checked now so a bad condition fails the import; empty means none. */
function readCondition(el: XmlElement, name: string, report: PolicyReport): string | undefined {
  const elements = childElements(el, name);
  if (elements.length > 1) report(`<${name}> appears ${elements.length} times; expected at most once`);
  const text = elements[0]?.text.trim();
  if (text === undefined || text === '') return undefined;
  try {
    parseCondition(text);
  } catch (err) {
    report(`<${name}>: bad condition "${text}": ${(err as Error).message}`);
    return undefined;
  }
  return text;
}
