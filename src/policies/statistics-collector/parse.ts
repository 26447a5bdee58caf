// StatisticsCollector at import: XML → StatisticsCollectorConfig (`Statistics/Statistic@name@ref@type`, default value as text).
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export type StatisticType = 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean';

export interface StatisticConfig {
  readonly name: string;
  /** The flow variable collected; without it the default is always used. */
  readonly ref?: string;
  readonly type: StatisticType;
  /** The element text: used when `ref` does not resolve or does not convert to `type`. */
  readonly defaultValue?: string;
}

export interface StatisticsCollectorConfig {
  readonly statistics: readonly StatisticConfig[];
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Statistics']);
const TYPES: readonly StatisticType[] = ['string', 'integer', 'long', 'float', 'double', 'boolean'];
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

export function parseStatisticsCollector(el: XmlElement, ctx: PolicyParseContext): StatisticsCollectorConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const containers = childElements(el, 'Statistics');
  if (containers.length > 1) report(`<Statistics> appears ${containers.length} times; expected at most once`);
  const container = containers[0];
  if (!container) {
    report('needs <Statistics> with at least one <Statistic>');
    return { statistics: [] };
  }
  reportUnknownChildren(container, new Set(['Statistic']), report);
  const statistics: StatisticConfig[] = [];
  const seen = new Set<string>();
  for (const statistic of childElements(container, 'Statistic')) {
    const parsed = parseStatistic(statistic, report);
    if (!parsed) continue;
    if (seen.has(parsed.name.toLowerCase())) report(`<Statistic name="${parsed.name}"> appears more than once`);
    seen.add(parsed.name.toLowerCase());
    statistics.push(parsed);
  }
  if (statistics.length === 0 && childElements(container, 'Statistic').length === 0) report('<Statistics> needs at least one <Statistic>');
  return { statistics };
}

function parseStatistic(el: XmlElement, report: PolicyReport): StatisticConfig | undefined {
  const name = attr(el, 'name')?.trim() ?? '';
  if (name === '') {
    report('<Statistic> needs a name attribute');
    return undefined;
  }
  if (!NAME.test(name)) report(`<Statistic name="${name}">: a name has letters, digits, "_", "-" and "." (at most 100)`);
  const typeText = (attr(el, 'type')?.trim() ?? 'string').toLowerCase();
  const type = TYPES.find((t) => t === typeText);
  if (!type) report(`<Statistic name="${name}"> type must be one of ${TYPES.join(', ')}, got "${typeText}"`);
  const ref = attr(el, 'ref')?.trim();
  const text = el.text.trim();
  if ((ref === undefined || ref === '') && text === '') report(`<Statistic name="${name}"> needs a ref attribute or a default value`);
  return {
    name,
    ...(ref ? { ref } : {}),
    type: type ?? 'string',
    ...(text !== '' ? { defaultValue: text } : {}),
  };
}
