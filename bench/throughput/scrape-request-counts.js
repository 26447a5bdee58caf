// Reads the gateway's data-plane metrics from the admin port's /metrics: requests answered and policies run, per proxy.
import { request } from 'undici';

/**
 * Sums the samples of one metric per `proxy` label in Prometheus text.
 * @param {string} text
 * @param {string} metric
 * @returns {Record<string, number>}
 */
function sumByProxy(text, metric) {
  /** @type {Record<string, number>} */
  const sums = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const proxy = /proxy="([^"]*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (proxy !== undefined && Number.isFinite(value)) sums[proxy] = (sums[proxy] ?? 0) + value;
  }
  return sums;
}

/**
 * @param {string} adminUrl
 * @returns {Promise<{ requestsByProxy: Record<string, number>, policyExecutionsByProxy: Record<string, number> }>}
 */
export async function scrapeRequestCounts(adminUrl) {
  const res = await request(`${adminUrl}/metrics`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /metrics: ${res.statusCode}`);
  return {
    requestsByProxy: sumByProxy(text, 'baton_requests_total'),
    policyExecutionsByProxy: sumByProxy(text, 'baton_policy_executions_total'),
  };
}
