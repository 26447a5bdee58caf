// limits.maxBufferedBodyBytes through a real gateway: a body a policy reads is capped (413), a pass-through body streams.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const LIMIT_BYTES = 1024;

describe('buffered body limit', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  const client = new Agent();

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway({ limits: { maxBufferedBodyBytes: LIMIT_BYTES } });
    await gw.deploy('reads', await packProxy({
      name: 'reads',
      basePath: '/reads',
      proxyEndpoint: `<PreFlow><Request><Step><Name>EV-Json</Name></Step><Step><Name>AM-Header</Name></Step></Request></PreFlow>
        <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
      targetEndpoint: toUrlConnection(target.url),
      policies: {
        'EV-Json': `<ExtractVariables name="EV-Json"><Source>request</Source><VariablePrefix>in</VariablePrefix>
          <JSONPayload><Variable name="id"><JSONPath>$.id</JSONPath></Variable></JSONPayload></ExtractVariables>`,
        'AM-Header': `<AssignMessage name="AM-Header"><Set><Headers><Header name="X-Id">{in.id}</Header></Headers></Set></AssignMessage>`,
      },
    }));
    await gw.deploy('streams', await packProxy({ name: 'streams', basePath: '/streams', targetEndpoint: toUrlConnection(target.url) }));
  });
  afterAll(async () => {
    await client.close();
    await gw?.close();
    await target?.close();
  });

  function post(path: string, body: string | Buffer, contentType: string) {
    return request(`${gw.url()}${path}`, { dispatcher: client, method: 'POST', body, headers: { 'content-type': contentType } });
  }

  it('a body a policy reads, within the limit, is extracted and forwarded', async () => {
    const body = JSON.stringify({ id: 'abc', pad: 'x'.repeat(200) });
    const res = await post('/reads/x', body, 'application/json');
    expect(res.statusCode).toBe(200);
    const echoed = (await res.body.json()) as { headers: Record<string, string>; bodySha256: string };
    expect(echoed.headers['x-id']).toBe('abc');
    expect(echoed.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  // The 413 must reach the client: the over-limit body is discarded, not destroyed with its socket.
  it('a body a policy reads, past the limit, gets 413 TooBigBody and never reaches the target', async () => {
    const before = target.requests.length;
    const body = JSON.stringify({ id: 'abc', pad: 'x'.repeat(8 * LIMIT_BYTES) });
    const res = await post('/reads/x', body, 'application/json');
    expect(res.statusCode).toBe(413);
    expect(await res.body.json()).toEqual({ fault: { faultstring: `request body exceeds ${LIMIT_BYTES} bytes`, detail: { errorcode: 'protocol.http.TooBigBody', requestId: expect.any(String) } } });
    expect(target.requests.length).toBe(before);
  });

  it('a body one byte past the limit is refused too', async () => {
    const json = JSON.stringify({ id: 'abc', pad: '' });
    const body = JSON.stringify({ id: 'abc', pad: 'x'.repeat(LIMIT_BYTES + 1 - json.length) });
    expect(Buffer.byteLength(body)).toBe(LIMIT_BYTES + 1);
    const res = await post('/reads/x', body, 'application/json');
    expect(res.statusCode).toBe(413);
    await res.body.text();
  });

  it('a pass-through body much larger than the limit streams through intact', async () => {
    const body = randomBytes(1024 * LIMIT_BYTES);
    const res = await post('/streams/upload', body, 'application/octet-stream');
    expect(res.statusCode).toBe(200);
    const echoed = (await res.body.json()) as { bodySha256: string };
    expect(echoed.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(target.requests.at(-1)?.body.length).toBe(body.length);
  });
});
