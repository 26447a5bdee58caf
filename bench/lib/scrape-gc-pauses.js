// Reads a Baton gateway's garbage-collection pauses from the admin port's /metrics (prom-client's default GC histogram).
import { request } from 'undici';

const METRIC = 'baton_nodejs_gc_duration_seconds';

/**
 * Count and mean pause per GC kind (`minor`: young-generation scavenges, `major`: mark-compacts) since the gateway
 * started. A mean minor pause of several milliseconds, where about 1 ms is usual, means per-request objects are
 * surviving young collections (bench/README.md, "Garbage collection").
 * @param {string} adminUrl
 * @returns {Promise<Record<string, { count: number, meanMs: number, totalMs: number }>>}
 */
export async function scrapeGcPauses(adminUrl) {
  const res = await request(`${adminUrl}/metrics`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /metrics: ${res.statusCode}`);
  /** @type {Record<string, { count: number, sum: number }>} */
  const byKind = {};
  for (const line of text.split('\n')) {
    const isCount = line.startsWith(`${METRIC}_count{`);
    if (!isCount && !line.startsWith(`${METRIC}_sum{`)) continue;
    const kind = /kind="([^"]*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (kind === undefined || !Number.isFinite(value)) continue;
    const entry = (byKind[kind] ??= { count: 0, sum: 0 });
    if (isCount) entry.count = value;
    else entry.sum = value;
  }
  return Object.fromEntries(Object.entries(byKind).map(([kind, { count, sum }]) => [kind, {
    count, meanMs: count === 0 ? 0 : Math.round((sum * 1000 / count) * 100) / 100, totalMs: Math.round(sum * 1000),
  }]));
}
