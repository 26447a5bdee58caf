// Requests in flight while a revision leaves (plan A.2, A.7): across a swap they finish whole on the old revision while
// new ones get the new revision; across an undeploy with a delay the revision serves until the delay ends, then 404s.
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as pace } from 'node:timers/promises';
import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { deployRevisionOverHttp, importRevisionOverHttp } from '../../helpers/deploy-over-http.js';
import type { TestGateway } from '../../helpers/start-gateway.js';
import { startLoad } from '../../helpers/start-load.js';
import { startSwapTarget, type SwapEcho, type SwapTarget } from '../../helpers/start-swap-target.js';
import { SWAP_API, packSwapProxy, startSwapGateway, toRevisionHeader } from './swap-fixture.js';

interface Finished {
  readonly status: number;
  readonly revision: unknown;
  readonly sha256Matches: boolean;
  readonly bytes: number;
  /** A transport error instead of an answer (reset, premature close). */
  readonly error?: string;
}

function toFailed(err: unknown): Finished {
  return { status: 0, revision: undefined, sha256Matches: false, bytes: 0, error: String((err as { code?: unknown }).code ?? err) };
}

/** A GET whose upstream sends the first chunk, then (once released) trickles the rest. */
async function streamThroughGateway(origin: string): Promise<Finished> {
  const client = new Client(origin);
  try {
    const response = await client.request({ method: 'GET', path: '/swap/stream' });
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of response.body) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).byteLength;
    }
    return { status: response.statusCode, revision: response.headers['x-baton-revision'], sha256Matches: hash.digest('hex') === response.headers['x-body-sha256'], bytes };
  } catch (err) {
    return toFailed(err);
  } finally {
    await client.close();
  }
}

const uploadChunkBytes = 64 * 1024;
const uploadChunks = 16;

/** A POST of 1 MiB: the first chunk goes at once, the rest only when `finish()` trickles it. */
function startUpload(origin: string): { done: Promise<Finished>; finish(): Promise<void> } {
  const chunks = Array.from({ length: uploadChunks }, () => randomBytes(uploadChunkBytes));
  const sha256 = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
  const body = new PassThrough();
  // A failed upload shows in `done`; writes after the gateway dropped it must not crash the run.
  body.on('error', () => {});
  body.write(chunks[0]);
  const client = new Client(origin);
  const done = client.request({ method: 'POST', path: '/swap/upload', body, headers: { 'content-type': 'application/octet-stream' } })
    .then(async (response): Promise<Finished> => {
      const echo = (await response.body.json()) as SwapEcho;
      return { status: response.statusCode, revision: response.headers['x-baton-revision'], sha256Matches: echo.bodySha256 === sha256, bytes: echo.bytes };
    })
    .catch(toFailed)
    .finally(() => client.close());
  return {
    done,
    async finish() {
      for (const chunk of chunks.slice(1)) {
        await pace(40);
        body.write(chunk);
      }
      body.end();
    },
  };
}

// Plan A.2: slow streams and slow uploads started before a swap.
describe('in-flight requests across a revision swap', () => {
  let gw: TestGateway | undefined;
  let target: SwapTarget | undefined;
  afterEach(async () => {
    await gw?.close();
    await target?.close();
    gw = undefined;
    target = undefined;
  });

  it.each([0, 1])('finish streams and uploads on the old revision with delay=%i; new requests get the new one', async (delaySeconds) => {
    target = await startSwapTarget({ label: 'only', streamChunks: 20, streamChunkBytes: 4096, streamIntervalMs: 50 });
    gw = await startSwapGateway();
    const zip = await packSwapProxy({ targetUrl: target.url });
    const r1 = await importRevisionOverHttp(gw.admin, SWAP_API, zip);
    const r2 = await importRevisionOverHttp(gw.admin, SWAP_API, zip);
    await deployRevisionOverHttp(gw.admin, SWAP_API, r1);
    const origin = gw.url();
    const load = startLoad({ origin, request: { path: '/swap/echo' }, connections: 2, maxDurationMs: 10_000 });

    const streams = Array.from({ length: 4 }, () => streamThroughGateway(origin));
    const uploads = Array.from({ length: 3 }, () => startUpload(origin));
    // Every one of them has been routed (the gateway forwarded its head) before the deploy starts.
    await Promise.all([target.waitForHeads(streams.length, '/stream'), target.waitForHeads(uploads.length, '/upload')]);

    const deployed = await deployRevisionOverHttp(gw.admin, SWAP_API, r2, { delaySeconds });
    // The old revision takes no new traffic from here on, even while its delay runs.
    expect([...gw.gateway.runtimes.get('demo/test')!.deployed.keys()]).toEqual([toRevisionHeader(r2)]);
    const burst = await Promise.all(Array.from({ length: 10 }, async () => {
      const client = new Client(origin);
      try {
        const response = await client.request({ method: 'GET', path: '/swap/echo' });
        await response.body.arrayBuffer();
        return response.headers['x-baton-revision'];
      } finally {
        await client.close();
      }
    }));
    expect(burst).toEqual(Array(10).fill(toRevisionHeader(r2)));

    target.releaseStreams();
    const finished = await Promise.all([...streams, ...uploads.map(async (u) => {
      await u.finish();
      return u.done;
    })]);
    const summary = await load.stop();

    expect(finished.map((f) => [f.status, f.revision, f.sha256Matches, f.error])).toEqual(Array(7).fill([200, toRevisionHeader(r1), true, undefined]));
    expect(finished.map((f) => f.bytes)).toEqual([...Array(4).fill(20 * 4096), ...Array(3).fill(uploadChunks * uploadChunkBytes)]);
    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    const late = summary.results.filter((r) => r.startedAtMs > deployed.returnedAtMs);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((r) => r.revision !== toRevisionHeader(r2))).toEqual([]);

    await gw.gateway.deployments.settle();
    const listing = await gw.admin.get(`/v1/organizations/demo/apis/${SWAP_API}/deployments`);
    expect(listing.json<{ environment: Array<{ revision: Array<{ name: string }> }> }>().environment.flatMap((e) => e.revision.map((r) => r.name))).toEqual([String(r2)]);
  });
});

// Plan A.7: an undeploy with a delay under load.

/** The fault code of a data-plane error body, or `ok` for a 2xx. */
function toOutcome(status: number, body: Buffer): string {
  if (status >= 200 && status < 300) return 'ok';
  try {
    return `${status} ${String((JSON.parse(body.toString('utf8')) as { fault?: { detail?: { errorcode?: unknown } } }).fault?.detail?.errorcode)}`;
  } catch {
    return `${status} (no fault body)`;
  }
}

describe('undeploy with a delay', () => {
  let gw: TestGateway | undefined;
  let target: SwapTarget | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await gw?.close();
    await target?.close();
    client = undefined;
    gw = undefined;
    target = undefined;
  });

  it('keeps serving for the delay, then answers the no-proxy 404; requests in flight finish with 200', async () => {
    target = await startSwapTarget({ label: 'only', streamChunks: 10, streamIntervalMs: 30 });
    gw = await startSwapGateway();
    const revision = await importRevisionOverHttp(gw.admin, SWAP_API, await packSwapProxy({ targetUrl: target.url }));
    await deployRevisionOverHttp(gw.admin, SWAP_API, revision);
    const load = startLoad({
      origin: gw.url(),
      request: { path: '/swap/undeploy' },
      connections: 4,
      maxDurationMs: 10_000,
      describe: (response) => toOutcome(response.status, response.body),
    });
    await load.waitFor((r) => r.status === 200);
    client = new Client(gw.url());
    const stream = client.request({ method: 'GET', path: '/swap/stream' });
    await target.waitForHeads(1, '/stream');

    const sentAtMs = performance.now();
    const undeployed = await gw.admin.delete(`/v1/organizations/demo/environments/test/apis/${SWAP_API}/revisions/${revision}/deployments`, { query: { delay: 1 } });
    expect(undeployed.status).toBe(200);
    expect(undeployed.json<{ state: string }>().state).toBe('undeployed');
    const first404 = await load.waitFor((r) => r.status === 404);
    // The stream started before the undeploy outlives the revision's routing, and still ends whole.
    target.releaseStreams();
    const response = await stream;
    const hash = createHash('sha256');
    for await (const chunk of response.body) hash.update(chunk as Buffer);
    const checkedAtMs = performance.now();
    await load.waitFor((r) => r.startedAtMs > checkedAtMs);
    const summary = await load.stop();

    expect([response.statusCode, response.headers['x-baton-revision'], hash.digest('hex') === response.headers['x-body-sha256']]).toEqual([200, toRevisionHeader(revision), true]);
    expect(summary.errors).toBe(0);
    expect([...new Set(summary.results.map((r) => r.label))].sort()).toEqual(['404 messaging.adaptors.http.flow.ApplicationNotFound', 'ok']);
    // No 404 before the delay is over, and no 200 for a request started after the first 404.
    expect(first404.endedAtMs - sentAtMs).toBeGreaterThanOrEqual(1_000);
    expect(summary.results.filter((r) => r.status === 404 && r.endedAtMs - sentAtMs < 1_000)).toEqual([]);
    expect(summary.results.filter((r) => r.status === 200 && r.startedAtMs > first404.endedAtMs)).toEqual([]);
    await gw.gateway.deployments.settle();
    expect((await gw.admin.get(`/v1/organizations/demo/apis/${SWAP_API}/deployments`)).json<{ environment: unknown[] }>().environment).toEqual([]);
  });
});
