// AccessControl through a real gateway: True-Client-IP and X-Forwarded-For count only when the TCP peer is in dataplane.trustedProxies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const denyLoopback = '<AccessControl name="ACL-DenyLoopback"><IPRules noRuleMatchAction="ALLOW"><MatchRule action="DENY"><SourceAddress mask="8">127.0.0.0</SourceAddress></MatchRule></IPRules></AccessControl>';

async function deployGuard(gw: TestGateway): Promise<void> {
  await gw.deploy('guard', await packProxy({
    name: 'guard',
    basePath: '/guard',
    proxyEndpoint: '<PreFlow><Request><Step><Name>ACL-DenyLoopback</Name></Step></Request></PreFlow><RouteRule name="mock"/>',
    policies: { 'ACL-DenyLoopback': denyLoopback },
  }));
}

async function statusOf(gw: TestGateway, headers: Record<string, string>): Promise<number> {
  const res = await request(`${gw.url()}/guard`, { headers });
  await res.body.dump();
  return res.statusCode;
}

describe('AccessControl and forwarded client addresses', () => {
  let direct: TestGateway;
  let behindProxy: TestGateway;

  beforeAll(async () => {
    direct = await startGateway();
    behindProxy = await startGateway({ customize: (config) => ({ ...config, dataplane: { ...config.dataplane, trustedProxies: ['127.0.0.1/32'] } }) });
    await deployGuard(direct);
    await deployGuard(behindProxy);
  });
  afterAll(async () => {
    await direct.close();
    await behindProxy.close();
  });

  it('by default, a client cannot escape a rule by sending True-Client-IP or X-Forwarded-For', async () => {
    expect(await statusOf(direct, {})).toBe(403);
    expect(await statusOf(direct, { 'true-client-ip': '203.0.113.5' })).toBe(403);
    expect(await statusOf(direct, { 'x-forwarded-for': '203.0.113.5' })).toBe(403);
  });

  it('behind a trusted proxy, True-Client-IP is the address checked (as on Apigee)', async () => {
    expect(await statusOf(behindProxy, {})).toBe(403);
    expect(await statusOf(behindProxy, { 'true-client-ip': '203.0.113.5' })).toBe(200);
  });
});
