// Mock upstreams for tests: a recording node:http target with failure handlers, and a raw TCP target for garbage.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Name/value pairs as received (all duplicates, original case). */
  rawHeaders: string[];
  body: Buffer;
}

export type TargetHandler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void;

export interface StartedTarget {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connectionCount: number;
  /** Resolves once `count` requests have been received in full (bodies read). */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Echoes `{method, url, headers, bodySha256}` as JSON. */
export const echoHandler: TargetHandler = (_req, res, recorded) => {
  const body = JSON.stringify({
    method: recorded.method,
    url: recorded.url,
    headers: recorded.headers,
    bodySha256: createHash('sha256').update(recorded.body).digest('hex'),
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** A real HTTP/1.1 server on 127.0.0.1, port 0; the handler runs after the request body was read and recorded. */
export async function startTarget(handler: TargetHandler = echoHandler, options: { keepAliveTimeoutMs?: number } = {}): Promise<StartedTarget> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let connectionCount = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      requests.push(recorded);
      for (const w of waiters.filter((x) => requests.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      handler(req, res, recorded);
    });
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.on('connection', (socket: Socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connectionCount() {
      return connectionCount;
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => closeServer(server, sockets),
  };
}

/** A handler that holds every response until `release()` is called; then answers like echoHandler. */
export function createGatedHandler(): { handler: TargetHandler; release(): void } {
  const held: Array<() => void> = [];
  let released = false;
  return {
    handler: (req, res, recorded) => {
      if (released) echoHandler(req, res, recorded);
      else held.push(() => echoHandler(req, res, recorded));
    },
    release() {
      released = true;
      for (const answer of held.splice(0)) answer();
    },
  };
}

/** Accepts and never answers. */
export const hangHandler: TargetHandler = () => {};

/** Sends status and headers with a chunked body, writes the first chunk, then never writes again. */
export const stallMidBodyHandler: TargetHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('first chunk;');
};

/** Streams `count` one-byte chunks, one every `intervalMs`, then ends (a trickling upstream). */
export function createTrickleHandler(count: number, intervalMs: number): TargetHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write('x');
      sent += 1;
      if (sent === count) {
        clearInterval(timer);
        res.end();
      }
    }, intervalMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Sends headers declaring 1000 bytes and half of the body, then destroys the socket. */
export const resetMidBodyHandler: TargetHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' });
  res.write(Buffer.alloc(500, 0x61), () => res.socket?.destroy());
};

/** Closes the connection with a TCP RST before any response byte. */
export const resetBeforeResponseHandler: TargetHandler = (req) => {
  req.socket.resetAndDestroy();
};

export interface RawTarget {
  url: string;
  port: number;
  /** Raw bytes received, one entry per connection. */
  received: Buffer[];
  close(): Promise<void>;
}

/**
 * A raw TCP server: `respond(data, connectionIndex, socket)` runs on every chunk received; write anything to the
 * socket (garbage status lines, bad framing). Returns nothing to stay silent.
 */
export async function startRawTarget(respond: (data: Buffer, connectionIndex: number, socket: Socket) => void): Promise<RawTarget> {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    const index = received.length;
    received.push(Buffer.alloc(0));
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      received[index] = Buffer.concat([received[index] as Buffer, data]);
      respond(data, index, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, received, close: () => closeServer(server, sockets) };
}

/** A port on 127.0.0.1 with nothing listening (bound then released), for connection-refused cases. */
export async function findClosedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function closeServer(server: { close(cb: () => void): unknown }, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
