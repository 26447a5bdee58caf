// Access-log lines of a real gateway: one per request with its fields, configurable off, and no secret in any log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { adminClient } from '../helpers/admin-client.js';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import { waitForLogLine } from './observability-fixture.js';

const secrets = {
  bearer: 'SECRET-BEARER-1x9',
  query: 'SECRET-QUERY-2x9',
  apiKeyHeader: 'SECRET-HEADER-3x9',
  privateVariable: 'SECRET-PRIVATE-4x9',
  adminPassword: 'SECRET-ADMIN-5x9',
  cookie: 'SECRET-COOKIE-6x9',
  unroutedQuery: 'SECRET-QUERY-7x9',
  wrongPassword: 'SECRET-WRONG-8x9',
};

function packVault(targetUrl: string): Promise<Uint8Array> {
  return packProxy({
    name: 'vault',
    basePath: '/vault',
    proxyEndpoint: `<PreFlow><Request><Step><Name>AM-Private</Name></Step><Step><Name>RF-Ignored</Name></Step></Request></PreFlow>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(targetUrl),
    policies: {
      'AM-Private': `<AssignMessage name="AM-Private"><AssignVariable><Name>private.dbPassword</Name><Value>${secrets.privateVariable}</Value></AssignVariable>
        <Set><Headers><Header name="x-db">{private.dbPassword}</Header></Headers></Set><AssignTo>request</AssignTo></AssignMessage>`,
      // A suppressed fault is logged (warn): that line must not carry request data either.
      'RF-Ignored': '<RaiseFault name="RF-Ignored" continueOnError="true"/>',
    },
  });
}

describe('access log', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway({ customize: (config) => ({ ...config, admin: { ...config.admin, password: secrets.adminPassword } }) });
    await gw.deploy('vault', await packVault(target.url));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it('writes one line per request with its fields, the path without its query string', async () => {
    const res = await request(`${gw.url()}/vault/items/7?apikey=${secrets.query}&page=2`, {
      headers: { authorization: `Bearer ${secrets.bearer}`, 'x-api-key': secrets.apiKeyHeader, cookie: `session=${secrets.cookie}`, 'x-request-id': 'access-log-1' },
    });
    expect(res.statusCode).toBe(200);
    const body = await res.body.text();
    const line = await waitForLogLine(gw.logs, (l) => l.access === true && l.requestId === 'access-log-1');
    expect(gw.logs.filter((l) => l.access === true && l.requestId === 'access-log-1')).toHaveLength(1);
    expect(line).toMatchObject({
      msg: 'request', level: 30, org: 'demo', env: 'test', proxy: 'vault', revision: 1, vhost: 'default',
      method: 'GET', path: '/vault/items/7', status: 200, targetStatus: 200, clientIp: '127.0.0.1', requestId: 'access-log-1', completed: true,
    });
    expect(typeof line.time).toBe('number');
    expect(line.durationMs).toEqual(expect.any(Number));
    // Headers and body went over the wire for this response.
    expect(line.bytes).toBeGreaterThan(Buffer.byteLength(body));
  });

  it('logs refused and unrouted requests too, without a proxy', async () => {
    const res = await request(`${gw.url()}/nowhere/x?token=${secrets.unroutedQuery}`, { headers: { 'x-request-id': 'access-log-2' } });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
    const line = await waitForLogLine(gw.logs, (l) => l.access === true && l.requestId === 'access-log-2');
    expect(line).toMatchObject({ org: 'demo', env: 'test', method: 'GET', path: '/nowhere/x', status: 404, msg: 'request' });
    expect(line).not.toHaveProperty('proxy');
  });

  it('never logs credentials: Authorization, API keys in the query or a header, cookies, private variables, admin passwords', async () => {
    const admin = adminClient(gw.gateway.adminUrl, { user: 'admin@baton.test', password: secrets.adminPassword });
    expect((await admin.get('/v1/organizations/demo/apis')).status).toBe(200);
    const intruder = adminClient(gw.gateway.adminUrl, { user: 'admin@baton.test', password: secrets.wrongPassword });
    expect((await intruder.get('/v1/organizations/demo/apis')).status).toBe(401);
    // The private variable did reach the target (so it existed), it just never reached a log line.
    expect(target.requests.some((r) => r.headers['x-db'] === secrets.privateVariable)).toBe(true);
    expect(gw.logs.some((l) => l.msg === 'suppressed policy error')).toBe(true);

    // Closed first, so every line of every request above has been written.
    await gw.close();
    const everything = JSON.stringify(gw.logs);
    for (const [name, secret] of Object.entries(secrets)) expect(everything.includes(secret), `${name} leaked into the log`).toBe(false);
  });
});

describe('access log switched off', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway({ customize: (config) => ({ ...config, logging: { ...config.logging, accessLog: false } }) });
    await gw.deploy('vault', await packVault(target.url));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it('writes no access line, while other lines still go out', async () => {
    for (const path of ['/vault/a', '/nowhere']) {
      const res = await request(`${gw.url()}${path}`);
      await res.body.dump();
    }
    await gw.close();
    expect(gw.logs.filter((l) => l.access === true)).toEqual([]);
    expect(gw.logs.some((l) => l.msg === 'deployed')).toBe(true);
  });
});
