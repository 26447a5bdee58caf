import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadDriver, type LoadDriver } from '../../../src/rollout/create-load-driver.js';
import type { RolloutSample } from '../../../src/rollout/rollout-sample.js';

type Behaviour = 'answer' | 'close' | 'reset' | 'hang';

/** A raw HTTP/1.1 server on port 0 that treats the n-th request (1-based, over all connections) as `plan(n)` says. */
async function startRawServer(plan: (n: number) => Behaviour): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        buffered = buffered.slice(end + 4);
        count += 1;
        const behaviour = plan(count);
        if (behaviour === 'answer') socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nX-Baton-Revision: orders/7\r\n\r\nok');
        else if (behaviour === 'close') socket.end();
        else if (behaviour === 'reset') socket.resetAndDestroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/orders`, server, sockets };
}

describe('createLoadDriver', () => {
  let driver: LoadDriver | undefined;
  let stopServer: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await driver?.close();
    await stopServer?.();
    driver = undefined;
    stopServer = undefined;
  });

  it('turns answers, premature closes, resets and timeouts into samples', async () => {
    const plan = (n: number): Behaviour => (n === 3 ? 'close' : n === 6 ? 'reset' : n === 9 ? 'hang' : 'answer');
    const { url, server, sockets } = await startRawServer(plan);
    stopServer = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    const samples: RolloutSample[] = [];
    let enough: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      enough = resolve;
    });
    driver = createLoadDriver({
      url, connections: 1, overallRate: undefined, method: 'GET', body: undefined, headers: {}, revisionHeader: 'x-baton-revision',
      requestTimeoutS: 1, maxDurationS: 30, now: () => performance.now(),
    }, (sample) => {
      samples.push(sample);
      if (samples.length === 20) enough();
    });
    await reached;
    await driver.close();
    driver = undefined;

    const failures = samples.filter((s) => 'error' in s).map((s) => ('error' in s ? [s.error, s.code] : []));
    expect(failures).toEqual([['reset', 'premature close'], ['reset', 'ECONNRESET'], ['timeout', 'timeout']]);
    const answers = samples.filter((s) => 'status' in s);
    expect(answers.length).toBeGreaterThanOrEqual(17);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200, revision: 'orders/7' });
      expect(answer.completedAtMs).toBeGreaterThanOrEqual(answer.startedAtMs);
    }
    const timeout = samples.find((s) => 'error' in s && s.error === 'timeout')!;
    expect(timeout.completedAtMs - timeout.startedAtMs).toBeGreaterThanOrEqual(990);
  });

  it('drops what finishes after close() and closes every connection', async () => {
    const { url, server, sockets } = await startRawServer(() => 'answer');
    let allClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      allClosed = resolve;
    });
    server.on('connection', (socket: Socket) => socket.on('close', () => {
      if (sockets.size === 0) allClosed();
    }));
    stopServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    let count = 0;
    let first: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      first = resolve;
    });
    driver = createLoadDriver({
      url, connections: 2, overallRate: undefined, method: 'POST', body: Buffer.from('{}'), headers: { 'content-type': 'application/json' },
      revisionHeader: 'x-baton-revision', requestTimeoutS: 5, maxDurationS: 30, now: () => performance.now(),
    }, (sample) => {
      expect(sample).toMatchObject({ status: 200 });
      count += 1;
      first();
    });
    await started;
    await driver.close();
    driver = undefined;
    const seen = count;
    await closed;
    expect(count).toBe(seen);
  });

  it('refuses options autocannon rejects', () => {
    expect(() => createLoadDriver({
      url: 'http://127.0.0.1:1/', connections: 1, overallRate: undefined, method: 'GET', body: undefined, headers: {},
      revisionHeader: 'x-baton-revision', requestTimeoutS: 0.5, maxDurationS: 1, now: () => performance.now(),
    }, () => undefined)).toThrow('timeout must be greater than 0');
  });
});
