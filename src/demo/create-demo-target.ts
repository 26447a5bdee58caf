// A small node:http server the sample bundles call: it echoes requests and serves canned JSON, XML, statuses and delays.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoTargetOptions {
  /** Reported in every answer (`"target"` field and `X-Demo-Target` header). */
  readonly name: string;
  readonly host: string;
  /** 0 picks a free port; listen() reports the bound one. */
  readonly port: number;
}

export interface DemoTarget {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;
const maxDelayMs = 10_000;
// Longer than the gateway's pooled-connection idle time (keepalive.timeout.millis, 60 s), so the pool closes idle
// sockets first and never sends on one this server is closing (reliability-security §3.9).
const keepAliveTimeoutMs = 65_000;

const catalogItems = [
  { id: 1, name: 'Espresso cup', price: 4.5, currency: 'EUR' },
  { id: 2, name: 'Pour-over kettle', price: 39, currency: 'EUR' },
  { id: 3, name: 'Burr grinder', price: 120, currency: 'EUR' },
] as const;

type Body = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large' };

export function createDemoTarget(options: DemoTargetOptions): DemoTarget {
  const { name } = options;
  const pendingDelays = new Set<NodeJS.Timeout>();
  // Counts GET /counter answers, so a cached response (the same number again) is visible from the client.
  let counter = 0;

  function send(res: ServerResponse, status: number, contentType: string | undefined, body: string): void {
    res.statusCode = status;
    res.setHeader('X-Demo-Target', name);
    // RFC 9110 §15.3.5, §15.4.5: 204 and 304 carry no content.
    if (contentType === undefined || status === 204 || status === 304) {
      res.end();
      return;
    }
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }

  function sendJson(res: ServerResponse, status: number, value: unknown): void {
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const search = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
    const isRead = req.method === 'GET' || req.method === 'HEAD';

    if (isRead && path === '/json') {
      sendJson(res, 200, { target: name, items: catalogItems });
      return;
    }
    if (isRead && path === '/counter') {
      counter += 1;
      sendJson(res, 200, { target: name, counter, servedAt: new Date().toISOString() });
      return;
    }
    if (isRead && path === '/xml') {
      send(res, 200, 'application/xml; charset=utf-8', toCatalogXml(name));
      return;
    }
    const statusMatch = /^\/status\/(\d+)$/.exec(path);
    if (statusMatch) {
      const status = Number(statusMatch[1]);
      // 1xx are interim responses, not something a final answer can carry.
      if (status < 200 || status > 599) sendJson(res, 400, { target: name, error: `status must be 200-599, got ${statusMatch[1]}` });
      else sendJson(res, status, { target: name, status });
      return;
    }
    const delayMatch = /^\/delay\/(\d+)$/.exec(path);
    if (delayMatch) {
      const delayMs = Math.min(Number(delayMatch[1]), maxDelayMs);
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        sendJson(res, 200, { target: name, delayMs });
      }, delayMs);
      pendingDelays.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        pendingDelays.delete(timer);
      });
      return;
    }
    sendJson(res, 200, {
      target: name,
      method: req.method,
      path,
      query: toQueryObject(search),
      headers: req.headers,
      body: body.toString('utf8'),
    });
  }

  const server = createServer({ keepAliveTimeout: keepAliveTimeoutMs }, (req, res) => {
    readBody(req).then(
      (body) => {
        if (body.kind === 'too-large') {
          // The rest of the body is not read: close the connection rather than leave it unsynchronised.
          res.setHeader('Connection', 'close');
          sendJson(res, 413, { target: name, error: `request body exceeds ${maxBodyBytes} bytes` });
          return;
        }
        handle(req, res, body.bytes);
      },
      () => res.destroy(),
    );
  });

  return {
    listen() {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(options.port, options.host, () => {
          server.off('error', onError);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      for (const timer of pendingDelays) clearTimeout(timer);
      pendingDelays.clear();
      return new Promise((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readBody(req: IncomingMessage): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBodyBytes) {
        req.off('data', onData);
        req.pause();
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ kind: 'ok', bytes: Buffer.concat(chunks) }));
    req.once('error', reject);
  });
}

/** A repeated parameter becomes an array; built with fromEntries so names like `__proto__` stay plain keys. */
function toQueryObject(search: string): Record<string, string | string[]> {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(search)) {
    const values = grouped.get(key);
    if (values) values.push(value);
    else grouped.set(key, [value]);
  }
  return Object.fromEntries([...grouped].map(([key, values]) => [key, values.length === 1 ? values[0] as string : values]));
}

function toCatalogXml(name: string): string {
  const items = catalogItems
    .map((item) => `  <item id="${item.id}"><name>${escapeXml(item.name)}</name><price currency="${item.currency}">${item.price.toFixed(2)}</price></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<catalog target="${escapeXml(name)}">\n${items}\n</catalog>\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
