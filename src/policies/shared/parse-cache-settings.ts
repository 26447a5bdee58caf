// The XML the cache policies share (CacheKey, Scope, CacheResource, ExpirySettings): parsed at import into plain data.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import { reportUnknownChildren, type PolicyReport } from './policy-xml.js';

/** Apigee's cache scopes (working-cachekeys): the prefix part of the key when `<CacheKey><Prefix>` is absent. */
export const CACHE_SCOPES = ['Global', 'Application', 'Proxy', 'Target', 'Exclusive'] as const;
export type CacheScope = (typeof CACHE_SCOPES)[number];

/** `<KeyFragment ref="var">literal</KeyFragment>`: the variable wins when it resolves, the literal is the fallback. */
export interface KeyFragmentConfig {
  readonly ref?: string;
  readonly text?: string;
}

export interface CacheKeyConfig {
  /** `<CacheKey><Prefix>`: replaces the scope part of the key. */
  readonly prefix?: string;
  readonly fragments: readonly KeyFragmentConfig[];
}

/** A `ref` (read per request) with a literal fallback, as Apigee's ExpirySettings children take. */
export interface RefOrLiteral<T> {
  readonly ref?: string;
  readonly value?: T;
}

/** At most one of the three is set; none means the cache resource's default expiry. */
export interface ExpirySettingsConfig {
  readonly timeoutInSec?: RefOrLiteral<number>;
  /** `mm-dd-yyyy`: the entry expires when that day starts (UTC). */
  readonly expiryDate?: RefOrLiteral<string>;
  /** `hh:mm:ss` (24-hour clock, UTC): the entry expires at the next such time. */
  readonly timeOfDay?: RefOrLiteral<string>;
}

export interface CacheSettingsConfig {
  readonly cacheKey: CacheKeyConfig;
  readonly scope: CacheScope;
  /** Name of an environment cache resource; undefined means the environment's default cache. */
  readonly cacheResource?: string;
  readonly expiry: ExpirySettingsConfig;
}

export interface ParseCacheSettingsOptions {
  /** Fragments used when `<CacheKey>` has none (ResponseCache keys on `request.uri`); without it, none is a problem. */
  readonly defaultFragments?: readonly KeyFragmentConfig[];
  /** Whether the policy takes `<ExpirySettings>` (LookupCache and InvalidateCache do not). */
  readonly expiry: boolean;
}

/** The elements parseCacheSettings reads, for the policies' lists of allowed children. */
export const CACHE_SETTINGS_ELEMENTS: readonly string[] = ['CacheKey', 'Scope', 'CacheResource', 'ExpirySettings'];

const EXPIRY_DATE = /^(\d{2})-(\d{2})-(\d{4})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2}):(\d{2})$/;

export function parseCacheSettings(el: XmlElement, report: PolicyReport, options: ParseCacheSettingsOptions): CacheSettingsConfig {
  for (const name of CACHE_SETTINGS_ELEMENTS) {
    const count = childElements(el, name).length;
    if (count > 1) report(`<${name}> appears ${count} times; expected at most once`);
  }
  const expiryElement = childElements(el, 'ExpirySettings')[0];
  if (expiryElement && !options.expiry) report(`<ExpirySettings> is not supported inside <${el.name}>`);
  return {
    cacheKey: parseCacheKey(childElements(el, 'CacheKey')[0], report, options.defaultFragments),
    scope: parseScope(childElements(el, 'Scope')[0], report),
    cacheResource: nonEmpty(childElements(el, 'CacheResource')[0]?.text),
    expiry: expiryElement && options.expiry ? parseExpirySettings(expiryElement, report) : {},
  };
}

function parseCacheKey(el: XmlElement | undefined, report: PolicyReport, defaults: readonly KeyFragmentConfig[] | undefined): CacheKeyConfig {
  if (el) reportUnknownChildren(el, new Set(['Prefix', 'KeyFragment']), report);
  const prefixes = el ? childElements(el, 'Prefix') : [];
  if (prefixes.length > 1) report(`<Prefix> appears ${prefixes.length} times; expected at most once`);
  const fragments: KeyFragmentConfig[] = [];
  for (const fragment of el ? childElements(el, 'KeyFragment') : []) {
    const ref = nonEmpty(attr(fragment, 'ref'));
    const text = nonEmpty(fragment.text);
    // The UI's template carries `<KeyFragment ref="" type="string"/>`: an empty fragment adds nothing to the key.
    if (ref !== undefined || text !== undefined) fragments.push({ ...(ref !== undefined ? { ref } : {}), ...(text !== undefined ? { text } : {}) });
  }
  const prefix = nonEmpty(prefixes[0]?.text);
  if (fragments.length === 0) {
    if (defaults) return { ...(prefix !== undefined ? { prefix } : {}), fragments: defaults };
    report('<CacheKey> must hold at least one <KeyFragment> with a ref or a value');
  }
  return { ...(prefix !== undefined ? { prefix } : {}), fragments };
}

function parseScope(el: XmlElement | undefined, report: PolicyReport): CacheScope {
  const text = nonEmpty(el?.text);
  if (text === undefined) return 'Exclusive';
  const scope = CACHE_SCOPES.find((s) => s.toLowerCase() === text.toLowerCase());
  if (!scope) report(`<Scope> must be one of ${CACHE_SCOPES.join(', ')}, got "${text}"`);
  return scope ?? 'Exclusive';
}

function parseExpirySettings(el: XmlElement, report: PolicyReport): ExpirySettingsConfig {
  // Apigee X spells it TimeoutInSeconds; Edge TimeoutInSec. Both are read.
  reportUnknownChildren(el, new Set(['TimeoutInSec', 'TimeoutInSeconds', 'ExpiryDate', 'TimeOfDay']), report);
  const timeoutElements = [...childElements(el, 'TimeoutInSec'), ...childElements(el, 'TimeoutInSeconds')];
  const timeoutInSec = readRefOrLiteral(timeoutElements, 'TimeoutInSec', report, (text) => {
    if (!/^\d{1,10}$/.test(text) || Number(text) < 1) return undefined;
    return Number(text);
  }, 'a whole number of seconds ≥ 1');
  const expiryDate = readRefOrLiteral(childElements(el, 'ExpiryDate'), 'ExpiryDate', report, (text) => (toExpiryDateMs(text) === undefined ? undefined : text), 'a date mm-dd-yyyy');
  const timeOfDay = readRefOrLiteral(childElements(el, 'TimeOfDay'), 'TimeOfDay', report, (text) => (toTimeOfDaySeconds(text) === undefined ? undefined : text), 'a time hh:mm:ss');
  const given = [timeoutInSec && 'TimeoutInSec', expiryDate && 'ExpiryDate', timeOfDay && 'TimeOfDay'].filter(Boolean);
  if (given.length > 1) report(`<ExpirySettings> sets ${given.join(' and ')}; expected only one of them`);
  return {
    ...(timeoutInSec ? { timeoutInSec } : {}),
    ...(expiryDate ? { expiryDate } : {}),
    ...(timeOfDay ? { timeOfDay } : {}),
  };
}

function readRefOrLiteral<T>(
  elements: readonly XmlElement[],
  name: string,
  report: PolicyReport,
  parseLiteral: (text: string) => T | undefined,
  expected: string,
): RefOrLiteral<T> | undefined {
  if (elements.length > 1) report(`<${name}> appears ${elements.length} times; expected at most once`);
  const el = elements[0];
  if (!el) return undefined;
  const ref = nonEmpty(attr(el, 'ref'));
  const text = nonEmpty(el.text);
  let value: T | undefined;
  if (text !== undefined) {
    value = parseLiteral(text);
    if (value === undefined) report(`<${name}> must be ${expected}, got "${text}"`);
  }
  if (ref === undefined && value === undefined) return undefined;
  return { ...(ref !== undefined ? { ref } : {}), ...(value !== undefined ? { value } : {}) };
}

/** Epoch ms at which the day `mm-dd-yyyy` starts (UTC), or undefined for anything else. */
export function toExpiryDateMs(text: string): number | undefined {
  const match = EXPIRY_DATE.exec(text.trim());
  if (!match) return undefined;
  const [month, day, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  // Date.UTC rolls 02-30 over to March; such a date is refused instead.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return ms;
}

/** Seconds after midnight of `hh:mm:ss` (24-hour clock), or undefined for anything else. */
export function toTimeOfDaySeconds(text: string): number | undefined {
  const match = TIME_OF_DAY.exec(text.trim());
  if (!match) return undefined;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
