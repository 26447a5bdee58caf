// Counts StatisticsCollector statistics in the gateway's metrics, with a bounded number of statistic names per proxy.

export interface StatisticsRecorder {
  /** Counts one collected statistic of a proxy. */
  record(proxy: string, statistic: string): void;
}

/** What the recorder increments (the `baton_statistics_collected_total` counter). */
export interface StatisticsCounter {
  inc(labels: { env: string; proxy: string; statistic: string }): void;
}

/** Distinct statistic names labelled per proxy; later names are counted as `_other` (labels stay bounded). */
export const MAX_STATISTIC_NAMES_PER_PROXY = 50;
export const OTHER_STATISTIC = '_other';

export function createStatisticsRecorder(environment: string, counter: StatisticsCounter, maxNames = MAX_STATISTIC_NAMES_PER_PROXY): StatisticsRecorder {
  const namesByProxy = new Map<string, Set<string>>();
  return {
    record(proxy, statistic) {
      let names = namesByProxy.get(proxy);
      if (!names) namesByProxy.set(proxy, (names = new Set()));
      if (!names.has(statistic) && names.size < maxNames) names.add(statistic);
      counter.inc({ env: environment, proxy, statistic: names.has(statistic) ? statistic : OTHER_STATISTIC });
    },
  };
}
