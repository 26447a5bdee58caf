// W3C trace context through a real gateway: traceparent always reaches the target (same trace, new parent id); spans exported over OTLP when on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';
const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

function packEcho(targetUrl: string): Promise<Uint8Array> {
  return packProxy({ name: 'traced', basePath: '/traced', targetEndpoint: toUrlConnection(targetUrl) });
}

/** The traceparent fields the target received for the last request. */
function receivedTrace(target: StartedTarget): { traceId: string; parentId: string; flags: string; tracestate: unknown } {
  const headers = target.requests.at(-1)!.headers;
  const match = traceparent.exec(String(headers.traceparent));
  if (!match) throw new Error(`the target got no valid traceparent: ${String(headers.traceparent)}`);
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]!, tracestate: headers.tracestate };
}

describe('trace context propagation with tracing off', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('traced', await packEcho(target.url));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  const call = async (headers: Record<string, string>): Promise<void> => {
    const res = await request(`${gw.url()}/traced/x`, { headers });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  };

  it("continues the client's trace with a new parent id, keeping the sampled flag and tracestate", async () => {
    await call({ traceparent: `00-${traceId}-${parentId}-01`, tracestate: 'vendor=abc,other=1' });
    const first = receivedTrace(target);
    expect(first).toMatchObject({ traceId, flags: '01', tracestate: 'vendor=abc,other=1' });
    expect(first.parentId).not.toBe(parentId);
    await call({ traceparent: `00-${traceId}-${parentId}-00` });
    const second = receivedTrace(target);
    expect(second).toMatchObject({ traceId, flags: '00' });
    expect(second.parentId).not.toBe(first.parentId);
  });

  it('starts a trace when the client sent none or an invalid one, and drops a tracestate without a valid traceparent', async () => {
    await call({ tracestate: 'orphan=1' });
    const started = receivedTrace(target);
    expect(started.traceId).not.toBe(traceId);
    expect(started.tracestate).toBeUndefined();
    await call({ traceparent: `00-${traceId.toUpperCase()}-${parentId}-01`, tracestate: 'vendor=abc' });
    const restarted = receivedTrace(target);
    expect(restarted.traceId).not.toBe(traceId);
    expect(restarted.traceId).not.toBe(started.traceId);
    expect(restarted.tracestate).toBeUndefined();
  });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A fake OTLP/HTTP collector: keeps every exported span and the resource attributes. */
async function startCollector(): Promise<{ url: string; spans: OtlpSpan[]; resources: unknown[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const resources: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as {
        resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
      };
      for (const rs of body.resourceSpans) {
        resources.push(rs.resource);
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, spans, resources, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('span export with tracing on', () => {
  it('exports a server span in the client trace and a target span whose id is the parent id the target received', async () => {
    const collector = await startCollector();
    const target = await startTarget();
    const gw = await startGateway({
      customize: (config) => ({ ...config, tracing: { enabled: true, otlpEndpoint: collector.url, serviceName: 'baton-it', sampleRatio: 1 } }),
    });
    try {
      await gw.deploy('traced', await packEcho(target.url));
      const res = await request(`${gw.url()}/traced/items`, { headers: { traceparent: `00-${traceId}-${parentId}-01`, 'x-request-id': 'traced-1' } });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      const received = receivedTrace(target);
      expect(received).toMatchObject({ traceId, flags: '01' });
      // close() flushes the batch processor: every span ended so far is exported before it resolves.
      await gw.close();

      const server = collector.spans.find((s) => s.kind === 2);
      const client = collector.spans.find((s) => s.kind === 3);
      expect(server).toMatchObject({ traceId, parentSpanId: parentId, name: 'GET /traced' });
      expect(client).toMatchObject({ traceId, spanId: received.parentId, parentSpanId: server!.spanId });
      const attributes = Object.fromEntries(server!.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
      expect(attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/traced/items', 'baton.proxy': 'traced', 'baton.request_id': 'traced-1' });
      expect(Number(attributes['http.response.status_code'])).toBe(200);
      expect(JSON.stringify(collector.resources)).toContain('baton-it');
    } finally {
      await gw.close();
      await target.close();
      await collector.close();
    }
  });
});
