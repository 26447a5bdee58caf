// A target response body streamed through a real gateway: large bodies under client backpressure, and a client leaving mid-body.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const CHUNK = Buffer.alloc(64 * 1024, 'b');
const CHUNKS = 128; // 8 MiB: far past every buffer on the way, so the target is paused and resumed many times

describe('target response bodies through a real gateway', () => {
  let gw: TestGateway;
  let big: StartedTarget;
  let endless: StartedTarget;
  let echo: StartedTarget;
  /** Resolves when the endless target's response closes without having finished. */
  let endlessAborted: Promise<void> = Promise.resolve();
  let endlessHead: () => void = () => {};
  const client = new Agent({ pipelining: 0 });

  beforeAll(async () => {
    big = await startTarget((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(CHUNK.byteLength * CHUNKS) });
      let sent = 0;
      const writeMore = (): void => {
        while (sent < CHUNKS) {
          sent++;
          if (!res.write(CHUNK)) {
            res.once('drain', writeMore);
            return;
          }
        }
        res.end();
      };
      writeMore();
    });
    endless = await startTarget((_req, res) => {
      endlessAborted = new Promise((resolve) => res.on('close', () => {
        if (!res.writableFinished) resolve();
      }));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk;');
      endlessHead();
    });
    echo = await startTarget();
    gw = await startGateway();
    for (const [name, url] of [['big', big.url], ['endless', endless.url], ['echo', echo.url]] as const) {
      await gw.deploy(name, await packProxy({ name, basePath: `/${name}`, targetEndpoint: toUrlConnection(url) }));
    }
  });
  afterAll(async () => {
    await client.close();
    await gw?.close();
    await Promise.all([big, endless, echo].map((t) => t?.close()));
  });

  it('streams an 8 MiB body intact to a client that reads slowly', async () => {
    const res = await request(`${gw.url()}/big/x`, { dispatcher: client });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(CHUNK.byteLength * CHUNKS));
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of res.body) {
      hash.update(chunk as Buffer);
      received += (chunk as Buffer).byteLength;
      // Reading one chunk per macrotask keeps the gateway's client response full, so it pauses the target.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const expected = createHash('sha256');
    for (let i = 0; i < CHUNKS; i++) expected.update(CHUNK);
    expect(received).toBe(CHUNK.byteLength * CHUNKS);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  });

  it('a client leaving mid-body aborts the target request, and the gateway keeps serving', async () => {
    const headSent = new Promise<void>((resolve) => {
      endlessHead = resolve;
    });
    const res = await request(`${gw.url()}/endless/x`, { dispatcher: client });
    await headSent;
    expect(res.statusCode).toBe(200);
    for await (const chunk of res.body) {
      expect((chunk as Buffer).toString()).toBe('first chunk;');
      break;
    }
    // Without the abort the target's response would stay open until io.timeout.millis (55 s) and this would time out.
    await endlessAborted;
    const again = await request(`${gw.url()}/echo/after`, { dispatcher: client });
    expect(again.statusCode).toBe(200);
    expect(((await again.body.json()) as { url: string }).url).toBe('/after');
  });
});
