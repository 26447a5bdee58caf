// Ratios between two scenario results, the figures a benchmark summary compares.

/**
 * @param {number} numerator
 * @param {number} denominator
 * @returns {number | null} rounded to 3 decimals; null when the denominator is 0
 */
export const toRatio = (numerator, denominator) => (denominator > 0 ? Math.round((numerator / denominator) * 1000) / 1000 : null);

/**
 * `a` over `b`: requests/s below 1 and latencies above 1 mean `a` is slower. `proxyCpuPerRequest` compares the
 * CPU per request of the processes in the `proxy` role, when both scenarios have one.
 * @param {import('./measure-scenario.js').ScenarioResult} a
 * @param {import('./measure-scenario.js').ScenarioResult} b
 */
export function toRatios(a, b) {
  const aProxy = a.cpu.proxy;
  const bProxy = b.cpu.proxy;
  return {
    requestsPerSec: toRatio(a.requestsPerSec, b.requestsPerSec),
    latencyP50: toRatio(a.latencyMs.p50, b.latencyMs.p50),
    latencyP99: toRatio(a.latencyMs.p99, b.latencyMs.p99),
    ...(aProxy && bProxy ? { proxyCpuPerRequest: toRatio(aProxy.usPerRequest, bProxy.usPerRequest) } : {}),
  };
}
