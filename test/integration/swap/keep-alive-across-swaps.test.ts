// Plan A.4: one keep-alive connection sending back to back across 20 swaps: never closed, revision changes once per swap.
import { afterEach, describe, expect, it } from 'vitest';
import { deployRevisionOverHttp, importRevisionOverHttp } from '../../helpers/deploy-over-http.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startLoad } from '../../helpers/start-load.js';
import { startSwapTarget, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, packSwapProxy, startSwapGateway, toRevisionHeader } from './swap-fixture.js';

/** Consecutive duplicates collapsed: [a, a, b, b, a] → [a, b, a]. */
function toTransitions<T>(values: readonly T[]): T[] {
  return values.filter((value, i) => i === 0 || value !== values[i - 1]);
}

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
