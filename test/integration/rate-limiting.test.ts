// Quota and SpikeArrest through a real gateway: faults (500, or 429 by organization property), FaultRules, and counters kept across a swap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

// Flexi windows of an hour and a rate of 1pm: the real clock cannot cross a boundary during the test.
const QUOTA = `<Quota name="Q-PerApp" type="flexi"><Identifier ref="request.header.x-app"/><Allow count="3"/>
  <Interval>1</Interval><TimeUnit>hour</TimeUnit></Quota>`;
const SPIKE = '<SpikeArrest name="SA-Burst"><Rate>1pm</Rate></SpikeArrest>';

function limitedProxy(name: string, basePath: string, targetUrl: string, marker: string): Promise<Uint8Array> {
  return packProxy({
    name,
    basePath,
    proxyEndpoint: `
      <FaultRules><FaultRule name="quota"><Step><Name>AM-QuotaFault</Name></Step><Condition>fault.name = "QuotaViolation"</Condition></FaultRule></FaultRules>
      <PreFlow><Request>
        <Step><Name>SA-Burst</Name><Condition>request.header.x-spike = "yes"</Condition></Step>
        <Step><Name>Q-PerApp</Name><Condition>request.header.x-spike != "yes"</Condition></Step>
      </Request><Response><Step><Name>AM-Report</Name><Condition>request.header.x-spike != "yes"</Condition></Step></Response></PreFlow>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(targetUrl),
    policies: {
      'Q-PerApp': QUOTA,
      'SA-Burst': SPIKE,
      'AM-Report': `<AssignMessage name="AM-Report"><AssignTo>response</AssignTo><Set><Headers>
        <Header name="X-Quota-Available">{ratelimit.Q-PerApp.available.count}</Header>
        <Header name="X-Marker">${marker}</Header></Headers></Set></AssignMessage>`,
      'AM-QuotaFault': `<AssignMessage name="AM-QuotaFault"><Set><Headers><Header name="X-Fault">{fault.name}</Header></Headers></Set></AssignMessage>`,
    },
  });
}

async function call(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await request(`${base}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

describe('rate limiting through a real gateway (default organization)', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('limited', await limitedProxy('limited', '/limited', target.url, 'r1'));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it('lets each app through up to its quota, then answers Apigee\'s QuotaViolation with 500 and runs the FaultRule', async () => {
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await call(gw.url(), '/limited/items', { 'x-app': 'alpha' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.headers['x-quota-available'])).toEqual(['2', '1', '0']);
    const refused = await call(gw.url(), '/limited/items', { 'x-app': 'alpha' });
    expect(refused.status).toBe(500);
    expect(refused.headers['content-type']).toBe('application/json');
    expect(refused.headers['x-fault']).toBe('QuotaViolation');
    expect(JSON.parse(refused.text)).toEqual({
      fault: { faultstring: 'Rate limit quota violation. Quota limit  exceeded. Identifier : alpha', detail: { errorcode: 'policies.ratelimit.QuotaViolation', requestId: expect.any(String) } },
    });
    expect((await call(gw.url(), '/limited/items', { 'x-app': 'beta' })).status).toBe(200);
  });

  it('answers SpikeArrestViolation with 500 once the rate is used', async () => {
    expect((await call(gw.url(), '/limited/burst', { 'x-spike': 'yes' })).status).toBe(200);
    const refused = await call(gw.url(), '/limited/burst', { 'x-spike': 'yes' });
    expect(refused.status).toBe(500);
    expect(JSON.parse(refused.text)).toMatchObject({ fault: { detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } } });
  });

  it('keeps every quota when revision 2 replaces revision 1', async () => {
    for (let i = 0; i < 2; i += 1) expect((await call(gw.url(), '/limited/items', { 'x-app': 'gamma' })).status).toBe(200);
    const record = await gw.gateway.revisions.importRevision({
      organization: 'demo', api: 'limited', bytes: await limitedProxy('limited', '/limited', target.url, 'r2'), user: 'test', validate: true,
    });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'limited', revision: record.revision, override: true, delaySeconds: 0, user: 'test' });
    const third = await call(gw.url(), '/limited/items', { 'x-app': 'gamma' });
    expect(third.status).toBe(200);
    expect(third.headers['x-baton-revision']).toBe(`limited/${record.revision}`);
    expect(third.headers['x-marker']).toBe('r2');
    expect(third.headers['x-quota-available']).toBe('0');
    expect((await call(gw.url(), '/limited/items', { 'x-app': 'gamma' })).status).toBe(500);
    // Counters of the first revision carried over too.
    expect((await call(gw.url(), '/limited/items', { 'x-app': 'alpha' })).status).toBe(500);
    expect((await call(gw.url(), '/limited/burst', { 'x-spike': 'yes' })).status).toBe(500);
  });

  it('refuses a bundle with an invalid spike arrest rate at import', async () => {
    const zip = await packProxy({
      name: 'badrate', basePath: '/badrate', proxyEndpoint: '<PreFlow><Request><Step><Name>SA</Name></Step></Request></PreFlow><RouteRule name="null"/>',
      policies: { SA: '<SpikeArrest name="SA"><Rate>30s</Rate></SpikeArrest>' },
    });
    const res = await gw.admin.post('/v1/organizations/demo/apis', {
      query: { action: 'import', name: 'badrate', validate: true }, body: zip, headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(400);
    expect(res.json<{ code: string; message: string }>()).toMatchObject({
      code: 'messaging.config.beans.InvalidBundle', message: expect.stringContaining('Invalid spike arrest rate 30s.'),
    });
  });
});

describe('rate limiting when the organization sets features.isHTTPStatusTooManyRequestEnabled', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway({
      customize: (config) => ({
        ...config,
        organizations: config.organizations.map((org) => ({ ...org, properties: { ...org.properties, 'features.isHTTPStatusTooManyRequestEnabled': 'true' } })),
      }),
    });
    await gw.deploy('limited', await limitedProxy('limited', '/limited', target.url, 'r1'));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it('answers Quota and SpikeArrest violations with 429 and the same fault body', async () => {
    for (let i = 0; i < 3; i += 1) expect((await call(gw.url(), '/limited/x', { 'x-app': 'alpha' })).status).toBe(200);
    const quota = await call(gw.url(), '/limited/x', { 'x-app': 'alpha' });
    expect(quota.status).toBe(429);
    expect(JSON.parse(quota.text)).toMatchObject({ fault: { detail: { errorcode: 'policies.ratelimit.QuotaViolation' } } });
    expect((await call(gw.url(), '/limited/x', { 'x-spike': 'yes' })).status).toBe(200);
    const spike = await call(gw.url(), '/limited/x', { 'x-spike': 'yes' });
    expect(spike.status).toBe(429);
    expect(JSON.parse(spike.text)).toMatchObject({ fault: { detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } } });
  });
});
