// Plan A.2, §1.6: once the deploy call has answered 200, every request that starts is served by the new revision.
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { deployRevisionOverHttp, importRevisionOverHttp, type TimedAdminResponse } from '../../helpers/deploy-over-http.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startLoad, type LoadResult } from '../../helpers/start-load.js';
import { startSwapTarget, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, packSwapProxy, startSwapGateway, toRevisionHeader } from './swap-fixture.js';

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
    const load = startLoad({ origin, request: { path: '/swap/load' }, connections: 8, maxDurationMs: 15_000 });
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
    await gw.gateway.deployments.settle();
  });
});
