// Plan A.5: under concurrent load across 30 swaps, no response mixes one revision's routing with another's policies.
import { afterEach, describe, expect, it } from 'vitest';
import { deployRevisionOverHttp, importRevisionOverHttp } from '../../helpers/deploy-over-http.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startLoad } from '../../helpers/start-load.js';
import { startSwapTarget, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, packSwapProxy, startSwapGateway, toRevisionHeader, toUpstreamLabel } from './swap-fixture.js';

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
      connections: 8,
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
