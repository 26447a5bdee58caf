// Test helper: a mock upstream for revision-swap tests: labelled echoes, gated trickled streams, upload hashes, socket tracking.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Paths:
 * - `…/stream`: answers 200 with `x-body-sha256` and the first chunk at once, holds the rest until
 *   `releaseStreams()`, then trickles it (`streamChunks` chunks, `streamIntervalMs` apart).
 * - anything else: reads the whole request body, then answers JSON `{ upstream, bodySha256, bytes }`.
 */
export interface SwapTargetOptions {
  /** Echoed as `upstream`, so a test can tell which upstream answered. */
  readonly label: string;
  readonly streamChunks?: number;
  readonly streamChunkBytes?: number;
  readonly streamIntervalMs?: number;
}

export interface SwapEcho {
  readonly upstream: string;
  readonly bodySha256: string;
  readonly bytes: number;
}

export interface SwapTarget {
  readonly url: string;
  /** Request heads received so far (a streamed upload counts as soon as the gateway forwarded its head). */
  readonly heads: number;
  /** Connections accepted so far, and open now. */
  readonly connectionCount: number;
  readonly openConnections: number;
  /** Resolves once `count` heads have arrived whose path (without query) ends with `pathSuffix` (default: any). */
  waitForHeads(count: number, pathSuffix?: string): Promise<void>;
  /** Resolves once at most `count` connections are open (the gateway's pools let go of theirs). */
  waitForOpenConnectionsAtMost(count: number): Promise<void>;
  /** Lets every held stream, and every later one, trickle the rest of its body. */
  releaseStreams(): void;
  close(): Promise<void>;
}

export async function startSwapTarget(options: SwapTargetOptions): Promise<SwapTarget> {
  const streamChunks = options.streamChunks ?? 20;
  const streamChunkBytes = options.streamChunkBytes ?? 4096;
  const streamIntervalMs = options.streamIntervalMs ?? 50;
  const sockets = new Set<Socket>();
  const headPaths: string[] = [];
  const headWaiters: Array<{ count: number; pathSuffix: string; resolve: () => void }> = [];
  const socketWaiters: Array<{ count: number; resolve: () => void }> = [];
  let held: Array<() => void> = [];
  let released = false;
  let connectionCount = 0;

  const countHeads = (pathSuffix: string): number => headPaths.filter((path) => path.endsWith(pathSuffix)).length;
  const notify = <W extends { count: number; resolve: () => void }>(waiters: W[], isMet: (waiter: W) => boolean): void => {
    for (const waiter of waiters.filter(isMet)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const stream = (res: ServerResponse): void => {
    const chunks = Array.from({ length: streamChunks }, () => randomBytes(streamChunkBytes));
    const sha = createHash('sha256');
    for (const chunk of chunks) sha.update(chunk);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-body-sha256': sha.digest('hex') });
    res.write(chunks[0]);
    const trickle = (): void => {
      let next = 1;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        if (next === chunks.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(chunks[next++]);
      }, streamIntervalMs);
      res.on('close', () => clearInterval(timer));
    };
    if (released) trickle();
    else held.push(trickle);
  };

  const echo = (req: IncomingMessage, res: ServerResponse): void => {
    const sha = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      sha.update(chunk);
      bytes += chunk.byteLength;
    });
    req.on('end', () => {
      const body = JSON.stringify({ upstream: options.label, bodySha256: sha.digest('hex'), bytes } satisfies SwapEcho);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    headPaths.push(path);
    notify(headWaiters, (w) => countHeads(w.pathSuffix) >= w.count);
    if (path.endsWith('/stream')) {
      req.resume();
      stream(res);
    } else {
      echo(req, res);
    }
  });
  // Longer than any test: a socket that closes was closed by the gateway's pool, not by this server.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket: Socket) => {
    connectionCount++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      notify(socketWaiters, (w) => sockets.size <= w.count);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get heads() {
      return headPaths.length;
    },
    get connectionCount() {
      return connectionCount;
    },
    get openConnections() {
      return sockets.size;
    },
    waitForHeads(count, pathSuffix = '') {
      if (countHeads(pathSuffix) >= count) return Promise.resolve();
      return new Promise((resolve) => headWaiters.push({ count, pathSuffix, resolve }));
    },
    waitForOpenConnectionsAtMost(count) {
      if (sockets.size <= count) return Promise.resolve();
      return new Promise((resolve) => socketWaiters.push({ count, resolve }));
    },
    releaseStreams() {
      released = true;
      const waiting = held;
      held = [];
      for (const trickle of waiting) trickle();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
