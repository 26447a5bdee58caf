// Plan A.2/A.13: a replaced revision's target pools are closed once it is idle; 200 swaps leave no sockets or handles behind.
import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { deployRevisionOverHttp, importRevisionOverHttp } from '../../helpers/deploy-over-http.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startSwapTarget, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, packSwapProxy, startSwapGateway, toRevisionHeader } from './swap-fixture.js';

/** Rejects with `message` unless `promise` settles within `ms` (a bound, not a wait for the event). */
function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

function countActiveResources(type: string): number {
  return process.getActiveResourcesInfo().filter((t) => t === type).length;
}

async function getRevisionHeader(client: Client): Promise<unknown> {
  const response = await client.request({ method: 'GET', path: '/swap/release' });
  await response.body.arrayBuffer();
  return response.statusCode === 200 ? response.headers['x-baton-revision'] : response.statusCode;
}

describe('releasing replaced revisions', () => {
  let gw: TestGateway | undefined;
  let client: Client | undefined;
  const targets: SwapTarget[] = [];
  afterEach(async () => {
    await client?.close();
    await gw?.close();
    for (const target of targets.splice(0)) await target.close();
    client = undefined;
    gw = undefined;
  });

  it('closes the old revision\'s connections to its target after a swap with delay=0, and keeps the new one\'s', async () => {
    const old = await startSwapTarget({ label: 'old' });
    const next = await startSwapTarget({ label: 'new' });
    targets.push(old, next);
    gw = await startSwapGateway();
    const r1 = await importRevisionOverHttp(gw.admin, SWAP_API, await packSwapProxy({ targetUrl: old.url }));
    const r2 = await importRevisionOverHttp(gw.admin, SWAP_API, await packSwapProxy({ targetUrl: next.url }));
    await deployRevisionOverHttp(gw.admin, SWAP_API, r1);
    client = new Client(gw.url());
    expect(await getRevisionHeader(client)).toBe(toRevisionHeader(r1));
    // Both sides keep idle connections for a minute: only the pool's close can end this one within the bound.
    expect(old.openConnections).toBe(1);

    await deployRevisionOverHttp(gw.admin, SWAP_API, r2, { delaySeconds: 0 });
    expect(await getRevisionHeader(client)).toBe(toRevisionHeader(r2));
    await within(old.waitForOpenConnectionsAtMost(0), 3_000, () => `the old revision still holds ${old.openConnections} connection(s) to its target`);
    expect(next.openConnections).toBe(1);
  });

  it('keeps open target sockets, socket handles and timers bounded over 200 swap cycles', async () => {
    const target = await startSwapTarget({ label: 'only' });
    targets.push(target);
    gw = await startSwapGateway();
    const zip = await packSwapProxy({ targetUrl: target.url });
    const a = await importRevisionOverHttp(gw.admin, SWAP_API, zip);
    const b = await importRevisionOverHttp(gw.admin, SWAP_API, zip);
    await deployRevisionOverHttp(gw.admin, SWAP_API, a);
    client = new Client(gw.url());
    expect(await getRevisionHeader(client)).toBe(toRevisionHeader(a));
    const sockets = countActiveResources('TCPSocketWrap');
    const timers = countActiveResources('Timeout');

    let mostOpen = 0;
    const served: unknown[] = [];
    for (let cycle = 1; cycle <= 200; cycle++) {
      const revision = cycle % 2 === 1 ? b : a;
      await deployRevisionOverHttp(gw.admin, SWAP_API, revision, { delaySeconds: 0 });
      served.push(await getRevisionHeader(client));
      mostOpen = Math.max(mostOpen, target.openConnections);
    }
    await gw.gateway.deployments.settle();
    await within(target.waitForOpenConnectionsAtMost(1), 3_000, () => `${target.openConnections} connections to the target are still open after the drains`);

    expect(served.filter((s, i) => s !== toRevisionHeader(i % 2 === 0 ? b : a))).toEqual([]);
    // Every revision opened a pool of its own (201 in all) and released it: never more than a few open at once.
    expect(target.connectionCount).toBe(201);
    expect(mostOpen).toBeLessThanOrEqual(5);
    expect(countActiveResources('TCPSocketWrap')).toBeLessThanOrEqual(sockets + 5);
    expect(countActiveResources('Timeout')).toBeLessThanOrEqual(timers + 5);
  });
});
