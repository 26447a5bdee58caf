// Quota at import: XML → QuotaConfig (compat §8), with Apigee's deployment errors reported in its words.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { QuotaType } from '../../rate-limits/quota-counter.js';
import { parseTimeUnit, type TimeUnit } from '../../rate-limits/time-units.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import { parseIdentifierRef, parseMessageWeight, parseWholeNumber, refAttr, singleChild, type RefOrValue } from '../shared/rate-limit-xml.js';
import { parseStartTime } from './parse-start-time.js';

export interface QuotaAllow {
  readonly count?: number;
  /** Wins over `count` when its variable holds a whole number; unresolved with no count, the limit is 0. */
  readonly countRef?: string;
  /** `<Class ref>`: the variable whose value picks a limit among `classes` (it wins over count and countRef). */
  readonly classRef?: string;
  readonly classes: ReadonlyMap<string, number>;
}

export interface QuotaConfig {
  readonly type: QuotaType;
  readonly allow: QuotaAllow;
  /** Undefined when `<Interval>` is absent: Apigee deploys it and faults at run time (FailedToResolveQuotaIntervalReference). */
  readonly interval?: RefOrValue<number>;
  /** Undefined when `<TimeUnit>` is absent (FailedToResolveQuotaIntervalTimeUnitReference at run time). */
  readonly timeUnit?: RefOrValue<TimeUnit>;
  /** Epoch ms (UTC) of `<StartTime>`, calendar type only. */
  readonly startTime?: number;
  readonly identifierRef?: string;
  readonly messageWeight?: RefOrValue<number>;
  /** Accepted for compatibility: a gateway is one process, so every counter is already exact (see docs). */
  readonly distributed: boolean;
  readonly synchronous: boolean;
}

const QUOTA_TYPES: ReadonlySet<string> = new Set(['default', 'calendar', 'flexi', 'rollingwindow']);
const ALLOWED_CHILDREN = new Set([
  ...COMMON_POLICY_CHILDREN, 'Allow', 'Interval', 'TimeUnit', 'StartTime', 'Identifier', 'MessageWeight',
  'Distributed', 'Synchronous', 'AsynchronousConfiguration', 'PreciseAtSecondsLevel',
]);

export function parseQuota(el: XmlElement, ctx: PolicyParseContext): QuotaConfig {
  const report = toPolicyReport(el, ctx);
  const policyName = attr(el, 'name') ?? '(unnamed)';
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const typeText = attr(el, 'type')?.trim() ?? '';
  const type = (typeText === '' ? 'default' : typeText) as QuotaType;
  if (!QUOTA_TYPES.has(type)) {
    report(`type="${typeText}": No enum constant com.apigee.quota.types.QuotaType.${typeText}. Expected calendar, rollingwindow, flexi or default`);
  }
  const timeUnit = parseTimeUnitElement(el, policyName, report);
  const distributed = parseBooleanChild(el, 'Distributed', false, report);
  const synchronous = parseBooleanChild(el, 'Synchronous', false, report);
  parseBooleanChild(el, 'PreciseAtSecondsLevel', false, report);
  if (distributed && timeUnit?.value === 'second') report('<TimeUnit>: Invalid timeunit second for distributed quota.');
  parseAsynchronousConfiguration(el, synchronous, report);
  return {
    type: QUOTA_TYPES.has(type) ? type : 'default',
    allow: parseAllow(el, report),
    interval: parseIntervalElement(el, policyName, report),
    timeUnit,
    startTime: parseStartTimeElement(el, type, report),
    identifierRef: parseIdentifierRef(el, report),
    messageWeight: parseMessageWeight(el, report),
    distributed,
    synchronous,
  };
}

function parseAllow(el: XmlElement, report: PolicyReport): QuotaAllow {
  const allow = singleChild(el, 'Allow', report);
  const classes = new Map<string, number>();
  if (!allow) {
    report('<Allow> is required: <Allow count="…"/>, countRef, or <Class>');
    return { classes };
  }
  reportUnknownChildren(allow, new Set(['Class']), report);
  if (allow.text.trim() !== '') report(`<Allow> takes its limit from the count attribute, not from its text "${allow.text.trim()}"`);
  const countText = attr(allow, 'count')?.trim();
  const count = countText === undefined ? undefined : parseWholeNumber(countText);
  if (countText !== undefined && count === undefined) report(`<Allow count> must be a whole number, got "${countText}"`);
  const countRef = refAttr(allow, 'countRef');
  const classElement = singleChild(allow, 'Class', report);
  let classRef: string | undefined;
  if (classElement) {
    classRef = refAttr(classElement);
    if (classRef === undefined) report('<Class> needs a ref attribute naming the variable that holds the class');
    reportUnknownChildren(classElement, new Set(['Allow']), report);
    for (const entry of childElements(classElement, 'Allow')) {
      const name = attr(entry, 'class')?.trim();
      const limitText = attr(entry, 'count')?.trim() ?? '';
      const limit = parseWholeNumber(limitText);
      if (!name) report('<Class><Allow> needs a class attribute');
      else if (limit === undefined) report(`<Class><Allow class="${name}"> needs a whole-number count, got "${limitText}"`);
      else if (classes.has(name)) report(`<Class> lists class "${name}" twice`);
      else classes.set(name, limit);
    }
  }
  if (countText === undefined && countRef === undefined && !classElement) report('<Allow> needs a count attribute, a countRef attribute, or a <Class>');
  return { count, countRef, classRef, classes };
}

function parseIntervalElement(el: XmlElement, policyName: string, report: PolicyReport): RefOrValue<number> | undefined {
  const interval = singleChild(el, 'Interval', report);
  if (!interval) return undefined;
  const ref = refAttr(interval);
  const text = interval.text.trim();
  const value = text === '' ? undefined : parseWholeNumber(text);
  if (text !== '' && (value === undefined || value < 1)) {
    report(`<Interval>: Invalid quota interval ${text} in quota policy ${policyName}. Expected a whole number of at least 1`);
  }
  if (text === '' && ref === undefined) report('<Interval> is empty: give a whole number or a ref attribute');
  return { ref, value: value !== undefined && value >= 1 ? value : undefined };
}

function parseTimeUnitElement(el: XmlElement, policyName: string, report: PolicyReport): RefOrValue<TimeUnit> | undefined {
  const timeUnit = singleChild(el, 'TimeUnit', report);
  if (!timeUnit) return undefined;
  const ref = refAttr(timeUnit);
  const text = timeUnit.text.trim();
  const value = text === '' ? undefined : parseTimeUnit(text);
  if (text !== '' && value === undefined) {
    report(`<TimeUnit>: Invalid quota interval time unit ${text} in quota policy ${policyName}. Expected second, minute, hour, day, week or month`);
  }
  if (text === '' && ref === undefined) report('<TimeUnit> is empty: give a time unit or a ref attribute');
  return { ref, value };
}

function parseStartTimeElement(el: XmlElement, type: string, report: PolicyReport): number | undefined {
  const startTime = singleChild(el, 'StartTime', report);
  if (!startTime) {
    if (type === 'calendar') report('<StartTime> is required when type is calendar (yyyy-MM-dd HH:mm:ss, UTC)');
    return undefined;
  }
  if (type !== 'calendar') {
    report(`<StartTime>: Starttime is not supported for quotatype ${type}. Starttime is supported only for calendar based type.`);
    return undefined;
  }
  const text = startTime.text.trim();
  const value = parseStartTime(text);
  if (value === undefined) report(`<StartTime>: Invalid Starttime:${text}; Start Time should be of the format yyyy-MM-dd HH:mm:ss.`);
  return value;
}

/** Accepted for compatibility (one process needs no synchronisation); checked as Apigee checks it at deploy. */
function parseAsynchronousConfiguration(el: XmlElement, synchronous: boolean, report: PolicyReport): void {
  const config = singleChild(el, 'AsynchronousConfiguration', report);
  if (!config) return;
  if (synchronous) report('<AsynchronousConfiguration>: AsynchronousConfiguration is not valid for synchronous quota.');
  reportUnknownChildren(config, new Set(['SyncIntervalInSeconds', 'SyncMessageCount']), report);
  const settings = ['SyncIntervalInSeconds', 'SyncMessageCount']
    .map((name) => ({ name, element: singleChild(config, name, report) }))
    .filter((setting) => setting.element !== undefined);
  if (settings.length > 1) report('<AsynchronousConfiguration> takes SyncIntervalInSeconds or SyncMessageCount, not both');
  for (const { name, element } of settings) {
    const value = parseWholeNumber(element?.text.trim() ?? '');
    if (value === undefined || value < 1) report(`<${name}>: ${name} should be a value greater than zero.`);
  }
}
