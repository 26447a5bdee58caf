// Latency percentiles in milliseconds from a node:perf_hooks histogram of microseconds.

/** @param {number} value */
const round3 = (value) => Math.round(value * 1000) / 1000;

/**
 * @param {import('node:perf_hooks').RecordableHistogram} histogramUs  values in microseconds
 * @returns {{ p50: number, p99: number, max: number, mean: number }} all 0 when nothing was recorded
 */
export function toLatencyMs(histogramUs) {
  if (histogramUs.count === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  return {
    p50: round3(histogramUs.percentile(50) / 1000),
    p99: round3(histogramUs.percentile(99) / 1000),
    max: round3(histogramUs.max / 1000),
    mean: round3(histogramUs.mean / 1000),
  };
}
