// `workers: 2`: a deploy over the admin API is live in both data-plane workers before it is acknowledged, and a swap under load loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { buildWorkerEntry, type BuiltWorkerEntry } from '../../helpers/build-worker-entry.js';
import { getOnFreshConnection } from '../../helpers/fresh-connection.js';
import { deployRevisionOverHttp, importRevisionOverHttp } from '../../helpers/deploy-over-http.js';
import { startLoad } from '../../helpers/start-load.js';
import { startTarget, type StartedTarget } from '../../helpers/start-target.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { packSwapProxy, startSwapGateway, SWAP_API, SWAP_BASE_PATH } from '../swap/swap-fixture.js';

interface MetricJson {
  name: string;
  values: Array<{ labels: Record<string, string | number>; value: number }>;
}

/** Requests each worker answered with the given revision of the swap proxy (from each worker's own registry). */
async function requestsPerWorker(gateway: TestGateway, revision: number): Promise<number[]> {
  const perWorker = (await gateway.gateway.workers!.collectMetrics()) as MetricJson[][];
  return perWorker.map((metrics) => (metrics.find((m) => m.name === 'baton_requests_total')?.values ?? [])
    .filter((v) => v.labels.proxy === SWAP_API && String(v.labels.revision) === String(revision))
    .reduce((sum, v) => sum + v.value, 0));
}

describe('deploys with two data-plane workers', () => {
  let entry: BuiltWorkerEntry;
  let target: StartedTarget;
  let gateway: TestGateway;

  beforeAll(async () => {
    entry = await buildWorkerEntry();
    target = await startTarget();
    gateway = await startSwapGateway({ workers: entry.options(2), revisionHeader: true });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await target?.close();
    await entry?.close();
  });

  it('runs two worker processes sharing the listener', () => {
    const pids = gateway.gateway.workers!.pids();
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(process.pid);
    expect(new Set(pids).size).toBe(2);
  });

  it('a deploy reaches both workers before the call returns', async () => {
    const revision = await importRevisionOverHttp(gateway.admin, SWAP_API, await packSwapProxy({ targetUrl: target.url }));
    await deployRevisionOverHttp(gateway.admin, SWAP_API, revision);
    // Straight after the answer, on new connections (round-robin over the workers): every one sees the revision.
    const answers = await Promise.all(Array.from({ length: 8 }, () => getOnFreshConnection(`${gateway.url()}${SWAP_BASE_PATH}/x`)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.headers['x-baton-revision']))).toEqual(new Set([`${SWAP_API}/${revision}`]));
    const counts = await requestsPerWorker(gateway, revision);
    expect(counts).toHaveLength(2);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it("the admin port's /metrics sums the workers' registries", async () => {
    const counts = await requestsPerWorker(gateway, 1);
    const text = (await gateway.admin.get('/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith('baton_requests_total{') && l.includes('proxy="swap"') && l.includes('revision="1"') && l.includes('status_class="2xx"'));
    expect(line, text.slice(0, 2000)).toBeDefined();
    expect(Number(line!.split(' ').at(-1))).toBe(counts.reduce((a, b) => a + b, 0));
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('a swap under load answers every request 2xx, and every request sent after the deploy returned gets the new revision', async () => {
    const before = Number(String((await getOnFreshConnection(`${gateway.url()}${SWAP_BASE_PATH}/x`)).headers['x-baton-revision']).split('/')[1]);
    const load = startLoad({ origin: gateway.url(), request: { path: `${SWAP_BASE_PATH}/load` }, connections: 6, maxDurationMs: 20_000 });
    // Load reaches both workers before the swap.
    await load.waitFor((r) => r.status === 200);
    const next = await importRevisionOverHttp(gateway.admin, SWAP_API, await packSwapProxy({ targetUrl: target.url, headerValue: 'next' }));
    const { returnedAtMs } = await deployRevisionOverHttp(gateway.admin, SWAP_API, next);
    await load.waitFor((r) => r.startedAtMs > returnedAtMs);
    const summary = await load.stop();
    expect(summary.errors).toBe(0);
    expect(summary.non2xx).toBe(0);
    const after = summary.results.filter((r) => r.startedAtMs > returnedAtMs);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after.map((r) => r.revision))).toEqual(new Set([`${SWAP_API}/${next}`]));
    expect(summary.results.some((r) => r.revision === `${SWAP_API}/${before}`)).toBe(true);
    const counts = await requestsPerWorker(gateway, next);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    expect(performance.now()).toBeGreaterThan(returnedAtMs);
  });

  it('a worker that dies is replaced from a fresh snapshot, and the next deploy reaches it too', async () => {
    const [victim, survivor] = gateway.gateway.workers!.pids() as [number, number];
    const replaced = gateway.gateway.workers!.whenReplaced(victim);
    process.kill(victim, 'SIGKILL');
    const replacement = await replaced;
    expect(gateway.gateway.workers!.pids().sort()).toEqual([survivor, replacement].sort());
    expect(gateway.gateway.workers!.pids()).toContain(survivor);
    expect((await gateway.admin.get('/readyz')).status).toBe(200);
    const current = String((await getOnFreshConnection(`${gateway.url()}${SWAP_BASE_PATH}/x`)).headers['x-baton-revision']);
    const answersBefore = await Promise.all(Array.from({ length: 4 }, () => getOnFreshConnection(`${gateway.url()}${SWAP_BASE_PATH}/x`)));
    expect(new Set(answersBefore.map((a) => a.headers['x-baton-revision']))).toEqual(new Set([current]));
    const next = await importRevisionOverHttp(gateway.admin, SWAP_API, await packSwapProxy({ targetUrl: target.url, headerValue: 'after-crash' }));
    await deployRevisionOverHttp(gateway.admin, SWAP_API, next);
    const answers = await Promise.all(Array.from({ length: 4 }, () => getOnFreshConnection(`${gateway.url()}${SWAP_BASE_PATH}/x`)));
    expect(new Set(answers.map((a) => a.headers['x-baton-revision']))).toEqual(new Set([`${SWAP_API}/${next}`]));
    for (const count of await requestsPerWorker(gateway, next)) expect(count).toBeGreaterThan(0);
  });
});
