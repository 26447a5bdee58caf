// StatisticsCollector at deploy and per request: each value goes to the flow variable `statistics.<name>` and is counted in the metrics.
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { parseStatisticsCollector, type StatisticType, type StatisticsCollectorConfig } from './parse.js';

/** The value in the statistic's type, or undefined when it does not convert. */
export function toStatisticValue(value: unknown, type: StatisticType): string | number | boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : text;
    case 'integer':
    case 'long': {
      if (!/^[-+]?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) && (type === 'long' || (n >= -(2 ** 31) && n < 2 ** 31)) ? n : undefined;
    }
    case 'float':
    case 'double': {
      const n = text === '' ? NaN : Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
  }
}

/**
 * Baton has no Apigee analytics: a statistic is kept as the flow variable `statistics.<name>` (for later policies,
 * MessageLogging templates included) and counted in `baton_statistics_collected_total{env,proxy,statistic}`.
 * A value that is unset or does not convert to its type falls back to the default; without one it is skipped.
 */
export function compileStatisticsCollector(config: StatisticsCollectorConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const { statistics } = ctx.services;
  const proxy = ctx.apiName;
  const compiled = config.statistics.map((s) => ({
    ...s,
    variable: `statistics.${s.name}`,
    fallback: s.defaultValue === undefined ? undefined : toStatisticValue(s.defaultValue, s.type) ?? s.defaultValue,
  }));
  return {
    readsContent: config.statistics.some((s) => s.ref !== undefined && isContentVariable(s.ref)),
    execute(flow) {
      for (const s of compiled) {
        const value = (s.ref === undefined ? undefined : toStatisticValue(flow.getVariable(s.ref), s.type)) ?? s.fallback;
        if (value === undefined) continue;
        flow.setVariable(s.variable, value);
        statistics.record(proxy, s.name);
      }
    },
  };
}

export const statisticsCollectorPolicy: PolicyType<StatisticsCollectorConfig> = {
  type: 'StatisticsCollector',
  parse: parseStatisticsCollector,
  compile: compileStatisticsCollector,
};
