// One virtual host's HTTP or HTTPS listener, with edge timeouts, parser-error answers and a bounded graceful close.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runtimeFaults } from '../errors.js';
import { toFaultBody } from '../engine/fault-response.js';
import type { RequestHandler } from './handle-request.js';
import { SlotList } from './slot-list.js';

export interface ListenerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
  /** Requires and verifies a client certificate (mutual TLS). */
  readonly clientAuth: boolean;
  readonly ciphers?: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: ListenerTls | undefined;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxRequestHeaders: number;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** Stops accepting, lets in-flight requests finish for up to graceMs, then closes what is left. */
  close(graceMs: number): Promise<void>;
}

function rawFault(status: number, reason: string, code: string, text: string): string {
  const body = toFaultBody(text, code);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Answers requests the HTTP parser refused (smuggling attempts, oversized heads) and closes the connection. */
function handleClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const response = err.code === 'HPE_HEADER_OVERFLOW'
    ? rawFault(431, 'Request Header Fields Too Large', runtimeFaults.TooManyHeaders.code, 'request header section too large')
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? rawFault(408, 'Request Timeout', runtimeFaults.RequestTimeout.code, 'Request Timeout')
      : rawFault(400, 'Bad Request', runtimeFaults.BadRequest.code, 'Bad Request');
  socket.end(response);
}

export async function createListener(options: ListenerOptions, requestHandler: RequestHandler): Promise<Listener> {
  // While closing, every response ends its connection: keep-alive clients reconnect elsewhere instead of
  // holding this process open until the grace deadline.
  let closing = false;
  // A SlotList, not a Set: see slot-list.ts.
  const active = new SlotList<http.ServerResponse>();
  const handler: RequestHandler = (req, res) => {
    const handle = active.add(res);
    // `on`, not `once`: see handle-request.ts.
    res.on('close', () => active.remove(handle));
    if (closing) res.shouldKeepAlive = false;
    requestHandler(req, res);
  };
  const serverOptions: http.ServerOptions = {
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    requireHostHeader: true,
  };
  const server = options.tls
    ? https.createServer({
      ...serverOptions,
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.tls.ca,
      requestCert: options.tls.clientAuth,
      rejectUnauthorized: options.tls.clientAuth,
      ciphers: options.tls.ciphers,
      minVersion: options.tls.minVersion ?? 'TLSv1.2',
    }, handler)
    : http.createServer(serverOptions, handler);
  // One more than the limit, so that rawHeaders shows the excess and the request gets 431.
  server.maxHeadersCount = options.maxRequestHeaders + 1;
  server.on('clientError', handleClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: options.host,
    port: address.port,
    scheme: options.tls ? 'https' : 'http',
    async close(graceMs) {
      closing = true;
      for (const res of active.values()) {
        if (!res.headersSent) res.shouldKeepAlive = false;
        else res.once('finish', () => res.socket?.end());
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, graceMs);
        timer.unref();
      });
      await Promise.race([closed, deadline]);
      clearTimeout(timer);
      await closed;
    },
  };
}
