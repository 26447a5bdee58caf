import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { echoHandler, startTarget, type StartedTarget } from '../helpers/start-target.js';

const root = (name: string): string => `<APIProxy name="${name}"><Description>test</Description></APIProxy>`;

function passThrough(name: string, basePath: string, url: string, extra: Record<string, string> = {}): Promise<Uint8Array> {
  return packBundle({
    [`apiproxy/${name}.xml`]: root(name),
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
    </ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default"><HTTPTargetConnection><URL>${url}</URL>
      <Properties><Property name="io.timeout.millis">1500</Property><Property name="connect.timeout.millis">1000</Property></Properties>
    </HTTPTargetConnection></TargetEndpoint>`,
    ...extra,
  });
}

/** Sends raw bytes and resolves with everything the server wrote until it closed the connection (send `Connection: close`). */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('end', () => resolve(data));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write(payload);
  });
}

describe('a real gateway in front of a real target', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget((req, res, recorded) => {
      if (recorded.url.startsWith('/hop')) {
        res.writeHead(200, { connection: 'X-Internal', 'x-internal': 'secret', 'x-kept': 'yes', 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (recorded.url.startsWith('/status/')) {
        res.writeHead(Number(recorded.url.slice('/status/'.length)), { 'content-type': 'text/plain' });
        res.end('target says no');
        return;
      }
      echoHandler(req, res, recorded);
    });
    gw = await startGateway();
    await gw.deploy('pt', await passThrough('pt', '/pt', target.url));
    await gw.deploy('deep', await passThrough('deep', '/pt/deeper', `${target.url}/deep-base`));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it('forwards method, path suffix and query to the target and streams the answer back', async () => {
    const res = await request(`${gw.url()}/pt/a/b?x=1&y=two`, { headers: { 'x-custom': 'v' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-baton-revision']).toBe('pt/1');
    const echoed = (await res.body.json()) as { method: string; url: string; headers: Record<string, string> };
    expect(echoed.method).toBe('GET');
    expect(echoed.url).toBe('/a/b?x=1&y=two');
    expect(echoed.headers['x-custom']).toBe('v');
    expect(echoed.headers.host).toBe(`127.0.0.1:${target.port}`);
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
  });

  it('routes to the longest base path on a segment boundary', async () => {
    const deep = (await (await request(`${gw.url()}/pt/deeper/x`)).body.json()) as { url: string };
    expect(deep.url).toBe('/deep-base/x');
    const shallow = (await (await request(`${gw.url()}/pt/deeperx`)).body.json()) as { url: string };
    expect(shallow.url).toBe('/deeperx');
  });

  it('streams a 2 MB request body to the target intact', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    const res = await request(`${gw.url()}/pt/upload`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    const echoed = (await res.body.json()) as { method: string; bodySha256: string };
    expect(echoed.method).toBe('POST');
    expect(echoed.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('answers an unknown base path with ApplicationNotFound', async () => {
    const res = await request(`${gw.url()}/nothing-here/x`);
    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toEqual({
      fault: { faultstring: 'Unable to identify proxy for host: default and url: /nothing-here/x', detail: { errorcode: 'messaging.adaptors.http.flow.ApplicationNotFound', requestId: expect.any(String) } },
    });
  });

  it('strips hop-by-hop headers in both directions (RFC 9110 §7.6.1)', async () => {
    const before = target.requests.length;
    // A raw request: HTTP clients rewrite Connection themselves.
    const reply = await rawExchange(Number(new URL(gw.url()).port), [
      'GET /pt/hop HTTP/1.1', 'Host: x', 'Connection: close, X-Hop', 'X-Hop: 1', 'Keep-Alive: timeout=5', 'Proxy-Connection: keep-alive',
      'Proxy-Authorization: Basic eDp5', 'TE: trailers', 'Upgrade: h2c', 'X-End-To-End: kept', '', '',
    ].join('\r\n'));
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply.toLowerCase()).not.toContain('x-internal');
    expect(reply.toLowerCase()).toContain('x-kept: yes');
    const seen = target.requests[before]!.headers;
    expect(seen['x-hop']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen['proxy-connection']).toBeUndefined();
    expect(seen.upgrade).toBeUndefined();
    expect(seen['x-end-to-end']).toBe('kept');
  });

  it('returns a target error status unchanged when no fault rule handles it', async () => {
    const res = await request(`${gw.url()}/pt/status/404`);
    expect(res.statusCode).toBe(404);
    expect(await res.body.text()).toBe('target says no');
  });

  it('refuses smuggling attempts with 400 and never reaches the target', async () => {
    const port = new URL(gw.url()).port;
    const before = target.requests.length;
    const reply = await rawExchange(Number(port), 'POST /pt/x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /pt/pipelined HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply.match(/HTTP\/1\.1/g)).toHaveLength(1);
    const dup = await rawExchange(Number(port), 'GET /pt/x HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
    expect(dup).toMatch(/^HTTP\/1\.1 400/);
    expect(target.requests.length).toBe(before);
  });

  it('answers 431 to too many header fields and 400 to dot-segments', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 150; i++) headers[`x-h${i}`] = 'v';
    expect((await request(`${gw.url()}/pt/x`, { headers })).statusCode).toBe(431);
    const port = Number(new URL(gw.url()).port);
    expect(await rawExchange(port, 'GET /pt/../admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawExchange(port, 'GET /pt/%2e%2e/admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
  });

  it('uses only the path of an absolute-form request target', async () => {
    const port = Number(new URL(gw.url()).port);
    const reply = await rawExchange(port, 'GET http://evil.example/pt/abs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply).toContain('"url":"/abs"');
    expect(reply).toContain(`"host":"127.0.0.1:${target.port}"`);
  });
});

describe('a header a policy builds from request data', () => {
  it('becomes a controlled 500 fault when it carries CR/LF, never a split header', async () => {
    const gw = await startGateway();
    try {
      await gw.deploy('inject', await packBundle({
        'apiproxy/inject.xml': root('inject'),
        'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
          <HTTPProxyConnection><BasePath>/inject</BasePath></HTTPProxyConnection>
          <PreFlow><Response><Step><Name>AM-Echo</Name></Step></Response></PreFlow>
          <RouteRule name="mock"/>
        </ProxyEndpoint>`,
        'apiproxy/policies/AM-Echo.xml': `<AssignMessage name="AM-Echo"><AssignTo>response</AssignTo>
          <Set><Headers><Header name="X-Echo">{request.queryparam.v}</Header></Headers></Set></AssignMessage>`,
      }));
      const ok = await request(`${gw.url()}/inject?v=plain`);
      expect(ok.headers['x-echo']).toBe('plain');
      await ok.body.text();
      const res = await request(`${gw.url()}/inject?v=a%0d%0aX-Injected:%20yes`);
      expect(res.statusCode).toBe(500);
      expect(res.headers['x-injected']).toBeUndefined();
      expect(((await res.body.json()) as { fault: { detail: { errorcode: string } } }).fault.detail.errorcode).toMatch(/InvalidHeader/);
    } finally {
      await gw.close();
    }
  });
});

describe('the query string', () => {
  it('reaches the target exactly as sent while no policy changed the parameters', async () => {
    const target = await startTarget();
    const gw = await startGateway();
    try {
      await gw.deploy('q', await passThrough('q', '/q', target.url));
      const res = await request(`${gw.url()}/q/x?wsdl&b=+x&c=%2F`);
      expect(((await res.body.json()) as { url: string }).url).toBe('/x?wsdl&b=+x&c=%2F');
    } finally {
      await gw.close();
      await target.close();
    }
  });
});
