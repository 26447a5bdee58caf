// Accepting a promotion into a live environment swaps the revision there with zero failed requests.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startLoad } from '../helpers/start-load.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import { createUserWithRoles, decide, forwardingBundle, importAndDeploy, requestPromotion, type PromotionBody } from './promotion-fixture.js';

describe('a promotion accepted under load', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway({ revisionHeader: true });
  });
  afterAll(async () => {
    await gw.close();
    await target.close();
  });

  it('moves prod from the old revision to the promoted one with no 5xx, no non-2xx and no transport error', async () => {
    const developer = await createUserWithRoles(gw, 'dev@example.com', ['user']);
    const operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
    const zip = await forwardingBundle('live', '/live', target.url);
    const old = await importAndDeploy(gw, 'live', zip, 'prod');
    const promoted = await importAndDeploy(gw, 'live', zip, 'test');
    const { id } = (await requestPromotion(developer, 'live', { from: 'test', to: 'prod' })).json<PromotionBody>();

    // Bounded: 4 keep-alive loops, stopped as soon as the promoted revision has answered requests sent after the accept.
    const load = startLoad({ origin: gw.url('prod'), request: { path: '/live/items' }, connections: 4, maxDurationMs: 10_000, maxRequests: 20_000 });
    await load.waitFor((r) => r.revision === `live/${old}`);
    const accepted = await decide(operator, id, 'accept', { delay: 1 });
    const acceptedAtMs = performance.now();
    expect(accepted.status, accepted.text()).toBe(200);
    expect(accepted.json<PromotionBody>().deployment).toMatchObject({ revision: String(promoted), replaced: [String(old)] });
    let seen = 0;
    await load.waitFor((r) => r.startedAtMs > acceptedAtMs && r.revision === `live/${promoted}` && ++seen >= 50);
    const summary = await load.stop();

    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    expect(summary.results.filter((r) => r.status >= 500)).toEqual([]);
    // Requests sent after the accept answered never came from the replaced revision.
    expect(summary.results.filter((r) => r.startedAtMs > acceptedAtMs && r.revision !== `live/${promoted}`)).toEqual([]);
    expect(summary.connects).toBe(4);
  });
});
