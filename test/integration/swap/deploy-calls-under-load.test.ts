// Deploy calls under load (plan A.6, A.9): a revision that cannot run is refused and changes nothing; concurrent
// deploys of one proxy all answer, and the one acknowledged last serves. The data plane sees only 2xx throughout.
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminResponse } from '../../helpers/admin-client.js';
import { deployOverHttp, deployRevisionOverHttp, importOverHttp, importRevisionOverHttp } from '../../helpers/deploy-over-http.js';
import { packBundle } from '../../helpers/pack-bundle.js';
import { packProxy, toUrlConnection } from '../../helpers/pack-proxy.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startLoad } from '../../helpers/start-load.js';
import { startSwapTarget, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, SWAP_BASE_PATH, packSwapProxy, startSwapGateway, toRevisionHeader } from './swap-fixture.js';

// Plan A.6: revisions that cannot run.
interface Refusal {
  /** Which call must fail: the import itself, or the deploy of the (stored) revision. */
  readonly refusedAt: 'import' | 'deploy';
  /** The answer's message must say this, so the caller learns why. */
  readonly reason: RegExp;
  readonly zip: (targetUrl: string) => Promise<Uint8Array>;
}

const refusals: Record<string, Refusal> = {
  'malformed XML': {
    refusedAt: 'import',
    reason: /proxies\/default\.xml/,
    zip: () => packBundle({
      [`apiproxy/${SWAP_API}.xml`]: `<APIProxy name="${SWAP_API}"/>`,
      'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>${SWAP_BASE_PATH}</BasePath></HTTPProxyConnection>`,
    }),
  },
  'an unknown policy type': {
    refusedAt: 'import',
    reason: /unknown policy type NoSuchPolicy/,
    zip: (targetUrl) => packProxy({
      name: SWAP_API,
      basePath: SWAP_BASE_PATH,
      proxyEndpoint: '<PreFlow><Request><Step><Name>X-Unknown</Name></Step></Request></PreFlow><RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>',
      targetEndpoint: toUrlConnection(targetUrl),
      policies: { 'X-Unknown': '<NoSuchPolicy name="X-Unknown"/>' },
    }),
  },
  'a bad condition': {
    refusedAt: 'deploy',
    reason: /Condition/,
    zip: (targetUrl) => packProxy({
      name: SWAP_API,
      basePath: SWAP_BASE_PATH,
      proxyEndpoint: '<RouteRule name="default"><Condition>request.verb = = ((</Condition><TargetEndpoint>default</TargetEndpoint></RouteRule>',
      targetEndpoint: toUrlConnection(targetUrl),
    }),
  },
  'an unknown TargetServer in a LoadBalancer': {
    refusedAt: 'deploy',
    reason: /no-such-server/,
    zip: () => packProxy({
      name: SWAP_API,
      basePath: SWAP_BASE_PATH,
      targetEndpoint: '<HTTPTargetConnection><LoadBalancer><Server name="no-such-server"/></LoadBalancer><Path>/</Path></HTTPTargetConnection>',
    }),
  },
  'a missing virtual host': {
    refusedAt: 'deploy',
    reason: /no-such-vhost/,
    zip: (targetUrl) => packSwapProxy({ targetUrl, virtualHost: 'no-such-vhost' }),
  },
};

function toReason(response: AdminResponse): string {
  const body = response.json<{ message?: unknown; errors?: unknown }>();
  return [body.message, ...(Array.isArray(body.errors) ? body.errors : [])].map(String).join('\n');
}

describe('a rejected revision', () => {
  let gw: TestGateway | undefined;
  let target: SwapTarget | undefined;
  afterEach(async () => {
    await gw?.close();
    await target?.close();
    gw = undefined;
    target = undefined;
  });

  it('is refused with 4xx and a reason, while traffic, deployments and revisions stay untouched', async () => {
    target = await startSwapTarget({ label: 'only' });
    gw = await startSwapGateway();
    const admin = gw.admin;
    const live = await importRevisionOverHttp(admin, SWAP_API, await packSwapProxy({ targetUrl: target.url }));
    await deployRevisionOverHttp(admin, SWAP_API, live);
    const deploymentsPath = `/v1/organizations/demo/apis/${SWAP_API}/deployments`;
    const listingBefore = (await admin.get(deploymentsPath)).json<unknown>();
    const load = startLoad({ origin: gw.url(), request: { path: '/swap/steady' }, connections: 6, maxDurationMs: 15_000 });
    await load.waitFor((r) => r.status === 200);

    const outcomes: Record<string, { refusedAt: string; status: number; reasonGiven: boolean }> = {};
    for (const [name, refusal] of Object.entries(refusals)) {
      const revisionsBefore = (await admin.get(`/v1/organizations/demo/apis/${SWAP_API}/revisions`)).json<string[]>();
      const imported = await importOverHttp(admin, SWAP_API, await refusal.zip(target.url));
      let refused = imported;
      let refusedAt = 'import';
      if (imported.status === 201) {
        refusedAt = 'deploy';
        const revision = Number(imported.json<{ revision: string }>().revision);
        refused = (await deployOverHttp(admin, SWAP_API, revision, { override: true, delaySeconds: 0 })).response;
      } else {
        // A refused import stores nothing.
        expect((await admin.get(`/v1/organizations/demo/apis/${SWAP_API}/revisions`)).json<string[]>(), name).toEqual(revisionsBefore);
      }
      outcomes[name] = { refusedAt, status: refused.status, reasonGiven: refusal.reason.test(toReason(refused)) };
      expect((await admin.get(deploymentsPath)).json<unknown>(), name).toEqual(listingBefore);
      // Traffic still reaches the live revision after each refusal.
      const checkedAtMs = performance.now();
      expect((await load.waitFor((r) => r.startedAtMs > checkedAtMs)).revision, name).toBe(toRevisionHeader(live));
    }
    const summary = await load.stop();

    expect(outcomes).toEqual(Object.fromEntries(Object.entries(refusals).map(([name, refusal]) => [name, {
      refusedAt: refusal.refusedAt,
      status: expect.toSatisfy((status: number) => status >= 400 && status < 500),
      reasonGiven: true,
    }])));
    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    expect(summary.results.filter((r) => r.revision !== toRevisionHeader(live))).toEqual([]);
    expect([...gw.gateway.runtimes.get('demo/test')!.deployed.keys()]).toEqual([toRevisionHeader(live)]);
  });
});

// Plan A.9: concurrent deploys of one proxy.

/** The order each round sends its 20 deploy calls in. */
const rounds: ReadonlyArray<(revisions: readonly number[]) => number[]> = [
  (revisions) => [...revisions],
  (revisions) => [...revisions.filter((_, i) => i % 2 === 1), ...revisions.filter((_, i) => i % 2 === 0)].reverse(),
];

describe('concurrent deploys of one proxy', () => {
  let gw: TestGateway | undefined;
  let target: SwapTarget | undefined;
  afterEach(async () => {
    await gw?.close();
    await target?.close();
    gw = undefined;
    target = undefined;
  });

  it('all return 200 or 409, and afterwards exactly the revision acknowledged last serves and is listed', async () => {
    target = await startSwapTarget({ label: 'only' });
    gw = await startSwapGateway();
    const zip = await packSwapProxy({ targetUrl: target.url });
    const revisions: number[] = [];
    for (let i = 0; i < 20; i++) revisions.push(await importRevisionOverHttp(gw.admin, SWAP_API, zip));
    await deployRevisionOverHttp(gw.admin, SWAP_API, revisions[0]!);
    const load = startLoad({ origin: gw.url(), request: { path: '/swap/concurrent' }, connections: 4, maxDurationMs: 15_000 });
    await load.waitFor((r) => r.status === 200);

    for (const [round, order] of rounds.entries()) {
      const acknowledged: number[] = [];
      const statuses = await Promise.all(order(revisions).map(async (revision) => {
        const { response } = await deployOverHttp(gw!.admin, SWAP_API, revision, { override: true, delaySeconds: 0 });
        if (response.status === 200) acknowledged.push(revision);
        return response.status;
      }));
      // Serialized (200) or refused as concurrent (409) are both allowed (reliability §1.6); anything else is not.
      expect(statuses.filter((status) => status !== 200 && status !== 409), `round ${round}`).toEqual([]);
      const last = acknowledged.at(-1)!;
      expect(last, `round ${round}`).toBeDefined();
      await gw.gateway.deployments.settle();

      expect([...gw.gateway.runtimes.get('demo/test')!.deployed.keys()], `round ${round}`).toEqual([toRevisionHeader(last)]);
      const listing = (await gw.admin.get(`/v1/organizations/demo/environments/test/apis/${SWAP_API}/deployments`)).json<{ revision: Array<{ name: string; state: string }> }>();
      expect(listing.revision.map((r) => [r.name, r.state]), `round ${round}`).toEqual([[String(last), 'deployed']]);
      const settledAtMs = performance.now();
      expect((await load.waitFor((r) => r.startedAtMs > settledAtMs)).revision, `round ${round}`).toBe(toRevisionHeader(last));
    }
    const summary = await load.stop();

    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    expect(summary.results.filter((r) => !revisions.map(toRevisionHeader).includes(r.revision ?? ''))).toEqual([]);
  });
});
