// Which revision serves which request across swaps (plan A.2, A.4, A.5; reliability §1.6): the new one right after
// the deploy's 200, a keep-alive connection that never closes or goes back, and no response mixing two revisions.
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { deployRevisionOverHttp, importRevisionOverHttp, type TimedAdminResponse } from '../../helpers/deploy-over-http.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startLoad, type LoadResult } from '../../helpers/start-load.js';
import { startSwapTarget, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, packSwapProxy, startSwapGateway, toRevisionHeader, toUpstreamLabel } from './swap-fixture.js';

interface Swap {
  readonly revision: number;
  readonly timed: TimedAdminResponse;
}

/** The revisions a request may be served by: the one acknowledged before it started, or one being deployed meanwhile. */
function toAllowedRevisions(result: LoadResult, swaps: readonly Swap[]): string[] {
  const acknowledged = swaps.filter((s) => s.timed.returnedAtMs < result.startedAtMs).at(-1);
  const inProgress = swaps.filter((s) => s.timed.sentAtMs <= result.endedAtMs && s.timed.returnedAtMs >= result.startedAtMs);
  return [acknowledged, ...inProgress].filter((s) => s !== undefined).map((s) => toRevisionHeader(s.revision));
}

// Plan A.2, reliability §1.6: once the deploy call has answered 200, every request that starts gets the new revision.
describe('requests after the deploy call returns', () => {
  let gw: TestGateway | undefined;
  let target: SwapTarget | undefined;
  let burstPool: Pool | undefined;
  afterEach(async () => {
    await burstPool?.close();
    await gw?.close();
    await target?.close();
    burstPool = undefined;
    gw = undefined;
    target = undefined;
  });

  it('all carry the new revision: a burst right after each 200, and every loop of a running load', async () => {
    target = await startSwapTarget({ label: 'only' });
    gw = await startSwapGateway();
    const zip = await packSwapProxy({ targetUrl: target.url });
    const revisions: number[] = [];
    for (let i = 0; i < 8; i++) revisions.push(await importRevisionOverHttp(gw.admin, SWAP_API, zip));
    const origin = gw.url();
    const swaps: Swap[] = [{ revision: revisions[0]!, timed: await deployRevisionOverHttp(gw.admin, SWAP_API, revisions[0]!) }];
    burstPool = new Pool(origin, { connections: 20, keepAliveTimeout: 60_000 });
    const pool = burstPool;
    const burst = (): Promise<unknown[]> => Promise.all(Array.from({ length: 20 }, async () => {
      const response = await pool.request({ method: 'GET', path: '/swap/burst' });
      await response.body.arrayBuffer();
      return response.statusCode === 200 ? response.headers['x-baton-revision'] : response.statusCode;
    }));
    // Warm the burst connections so the bursts below reuse keep-alive connections opened before the swap.
    expect(await burst()).toEqual(Array(20).fill(toRevisionHeader(revisions[0]!)));
    const load = startLoad({ origin, request: { path: '/swap/load' }, connections: 6, maxDurationMs: 15_000 });
    await load.waitFor((r) => r.status === 200);

    const bursts: Array<{ expected: string; got: unknown[] }> = [];
    for (const [index, revision] of revisions.slice(1).entries()) {
      // With a delay the replaced revision stays deployed (listed) but must get no new request.
      const timed = await deployRevisionOverHttp(gw.admin, SWAP_API, revision, { delaySeconds: index % 2 });
      swaps.push({ revision, timed });
      bursts.push({ expected: toRevisionHeader(revision), got: await burst() });
      await load.waitFor((r) => r.startedAtMs > timed.returnedAtMs);
    }
    const summary = await load.stop();

    for (const b of bursts) expect(b.got).toEqual(Array(20).fill(b.expected));
    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    const misrouted = summary.results.filter((r) => !toAllowedRevisions(r, swaps).includes(r.revision ?? ''));
    expect(misrouted).toEqual([]);
    // The checks above had something to check: each revision served requests started after its 200.
    for (const swap of swaps.slice(1)) {
      expect(summary.results.some((r) => r.startedAtMs > swap.timed.returnedAtMs && r.revision === toRevisionHeader(swap.revision))).toBe(true);
    }
  });
});

/** Consecutive duplicates collapsed: [a, a, b, b, a] → [a, b, a]. */
function toTransitions<T>(values: readonly T[]): T[] {
  return values.filter((value, i) => i === 0 || value !== values[i - 1]);
}

// Plan A.4: one keep-alive connection sending back to back across 20 swaps.
describe('a keep-alive connection across swaps', () => {
  let gw: TestGateway | undefined;
  let target: SwapTarget | undefined;
  afterEach(async () => {
    await gw?.close();
    await target?.close();
    gw = undefined;
    target = undefined;
  });

  it('stays open with 0 errors while its revision changes exactly once per swap and never goes back', async () => {
    target = await startSwapTarget({ label: 'only' });
    gw = await startSwapGateway();
    const zip = await packSwapProxy({ targetUrl: target.url });
    const a = await importRevisionOverHttp(gw.admin, SWAP_API, zip);
    const b = await importRevisionOverHttp(gw.admin, SWAP_API, zip);
    await deployRevisionOverHttp(gw.admin, SWAP_API, a);
    const load = startLoad({ origin: gw.url(), request: { path: '/swap/keep-alive' }, connections: 1, maxDurationMs: 15_000 });
    await load.waitFor((r) => r.status === 200);

    const deployed = [a];
    for (let swap = 1; swap <= 20; swap++) {
      const revision = swap % 2 === 1 ? b : a;
      const { returnedAtMs } = await deployRevisionOverHttp(gw.admin, SWAP_API, revision, { delaySeconds: 0 });
      deployed.push(revision);
      // At least one request on the connection sees each revision before the next swap.
      const seen = await load.waitFor((r) => r.startedAtMs > returnedAtMs);
      expect(seen.revision).toBe(toRevisionHeader(revision));
    }
    const summary = await load.stop();

    expect({ non2xx: summary.non2xx, errors: summary.errors, connects: summary.connects }).toEqual({ non2xx: 0, errors: 0, connects: 1 });
    expect(toTransitions(summary.results.map((r) => r.revision))).toEqual(deployed.map(toRevisionHeader));
    expect(summary.requests).toBeGreaterThan(40);
  });
});

// Plan A.5: no response mixes one revision's routing with another's policies.
describe('revision snapshots under swaps', () => {
  let gw: TestGateway | undefined;
  const targets: SwapTarget[] = [];
  afterEach(async () => {
    await gw?.close();
    for (const target of targets.splice(0)) await target.close();
    gw = undefined;
  });

  it('every response is (upstream 1, H: A, revision A) or (upstream 2, H: B, revision B)', async () => {
    const upstream1 = await startSwapTarget({ label: '1' });
    const upstream2 = await startSwapTarget({ label: '2' });
    targets.push(upstream1, upstream2);
    gw = await startSwapGateway();
    const a = await importRevisionOverHttp(gw.admin, SWAP_API, await packSwapProxy({ targetUrl: upstream1.url, headerValue: 'A' }));
    const b = await importRevisionOverHttp(gw.admin, SWAP_API, await packSwapProxy({ targetUrl: upstream2.url, headerValue: 'B' }));
    await deployRevisionOverHttp(gw.admin, SWAP_API, a);
    const load = startLoad({
      origin: gw.url(),
      request: (loop, sequence) => (sequence % 4 === 3 ? { method: 'POST', path: '/swap/mixed', body: Buffer.alloc(16 * 1024, loop) } : { path: '/swap/mixed' }),
      connections: 6,
      maxDurationMs: 15_000,
      describe: (response) => `upstream ${toUpstreamLabel(response)}, H: ${String(response.headers.h)}, ${String(response.headers['x-baton-revision'])}`,
    });
    await load.waitFor((r) => r.status === 200);

    for (let swap = 1; swap <= 30; swap++) {
      const revision = swap % 2 === 1 ? b : a;
      const { returnedAtMs } = await deployRevisionOverHttp(gw.admin, SWAP_API, revision, { delaySeconds: 0 });
      // Let a few responses through on each revision, so requests are in flight at every swap.
      await load.waitFor((r) => r.startedAtMs > returnedAtMs);
    }
    const summary = await load.stop();

    const allowed = [`upstream 1, H: A, ${toRevisionHeader(a)}`, `upstream 2, H: B, ${toRevisionHeader(b)}`];
    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    expect(summary.results.filter((r) => !allowed.includes(r.label ?? ''))).toEqual([]);
    expect(allowed.map((label) => summary.results.filter((r) => r.label === label).length > 0)).toEqual([true, true]);
  });
});
