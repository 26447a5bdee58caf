// Gateway close(): in-flight requests finish, new connections are refused, and close resolves (STYLE §3, gateway.ts).
import { describe, expect, it } from 'vitest';
import { Client } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { isConnectionRefused } from '../helpers/raw-exchange.js';
import { startGateway } from '../helpers/start-gateway.js';
import { createGatedHandler, startTarget } from '../helpers/start-target.js';

/** Resolves once a connection to the port is refused; each attempt waits for the previous one's outcome (no sleeps). */
async function untilRefused(port: number, maxAttempts = 500): Promise<number> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (await isConnectionRefused(port)) return attempt;
  }
  throw new Error(`port ${port} still accepts connections after ${maxAttempts} attempts`);
}

describe('graceful shutdown', () => {
  it('lets an in-flight request finish with 200 while refusing new connections, then resolves', async () => {
    const gate = createGatedHandler();
    const target = await startTarget(gate.handler);
    const gw = await startGateway({ timeouts: { shutdownGraceMs: 5_000 } });
    const port = Number(new URL(gw.url()).port);
    const client = new Client(gw.url());
    let closing: Promise<void> | undefined;
    try {
      await gw.deploy('slow', await packProxy({ name: 'slow', basePath: '/slow', targetEndpoint: toUrlConnection(target.url, { 'io.timeout.millis': '10000' }) }));
      // reset: the client asks for Connection: close, so close() is not also waiting for an idle keep-alive socket.
      const inFlight = client.request({ path: '/slow/x', method: 'GET', reset: true });
      inFlight.catch(() => {});
      await target.waitForRequests(1);

      let closed = false;
      closing = gw.close().then(() => {
        closed = true;
      });
      await untilRefused(port);
      expect(closed).toBe(false);

      const releasedAt = performance.now();
      gate.release();
      const res = await inFlight;
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as { url: string }).url).toBe('/x');
      await closing;
      // Resolved by the finished request, not by the grace deadline (5 s).
      expect(performance.now() - releasedAt).toBeLessThan(2_000);
      expect(await isConnectionRefused(port)).toBe(true);
    } finally {
      gate.release();
      await client.destroy();
      await (closing ?? gw.close());
      await target.close();
    }
  });

  // Responses finishing while the listener closes carry Connection: close, so close() need not wait for the grace deadline.
  it('closes a keep-alive connection as soon as its in-flight response is done, not at the grace deadline', async () => {
    const gate = createGatedHandler();
    const target = await startTarget(gate.handler);
    const gw = await startGateway({ timeouts: { shutdownGraceMs: 1_000 } });
    const client = new Client(gw.url());
    let closing: Promise<void> | undefined;
    try {
      await gw.deploy('slow', await packProxy({ name: 'slow', basePath: '/slow', targetEndpoint: toUrlConnection(target.url, { 'io.timeout.millis': '10000' }) }));
      const inFlight = client.request({ path: '/slow/x', method: 'GET' });
      inFlight.catch(() => {});
      await target.waitForRequests(1);
      closing = gw.close();
      await untilRefused(Number(new URL(gw.url()).port));
      const releasedAt = performance.now();
      gate.release();
      const res = await inFlight;
      expect(res.statusCode).toBe(200);
      await res.body.text();
      await closing;
      expect(performance.now() - releasedAt).toBeLessThan(600);
    } finally {
      gate.release();
      await client.destroy();
      await (closing ?? gw.close());
      await target.close();
    }
  });

  it('cuts a request still running at the grace deadline, and close resolves', async () => {
    const gate = createGatedHandler();
    const target = await startTarget(gate.handler);
    const gw = await startGateway({ timeouts: { shutdownGraceMs: 200 } });
    const client = new Client(gw.url());
    let closing: Promise<void> | undefined;
    try {
      await gw.deploy('stuck', await packProxy({ name: 'stuck', basePath: '/stuck', targetEndpoint: toUrlConnection(target.url, { 'io.timeout.millis': '10000' }) }));
      const outcome = client.request({ path: '/stuck/x', method: 'GET' }).then(
        async (res) => `answered ${res.statusCode}: ${await res.body.text()}`,
        (err: { code?: string }) => err.code ?? 'error',
      );
      await target.waitForRequests(1);
      const startedAt = performance.now();
      closing = gw.close();
      await closing;
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      expect(await outcome).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    } finally {
      gate.release();
      await client.destroy();
      await (closing ?? gw.close());
      await target.close();
    }
  });
});
