// TargetServers managed through the Edge management API: CRUD, used by LoadBalancer targets and ServiceCallouts at deploy, guarded while deployed, durable, promotion-aware.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { AdminClient, AdminResponse } from '../helpers/admin-client.js';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget, type TargetHandler } from '../helpers/start-target.js';
import { createUserWithRoles } from './promotion-fixture.js';

const env = '/v1/organizations/demo/environments';
const named = (name: string): TargetHandler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(name);
};

function expectError(response: AdminResponse, status: number, code: string): string {
  expect(response.status, response.text()).toBe(status);
  const body = response.json<{ code: string; message: string }>();
  expect(body.code).toBe(code);
  return body.message;
}

function balancedProxy(name: string, server: string): Promise<Uint8Array> {
  return packProxy({
    name,
    basePath: `/${name}`,
    targetEndpoint: `<HTTPTargetConnection><LoadBalancer><Server name="${server}"/></LoadBalancer><Path>/</Path></HTTPTargetConnection>`,
  });
}

function calloutProxy(name: string, server: string): Promise<Uint8Array> {
  return packProxy({
    name,
    basePath: `/${name}`,
    proxyEndpoint: `<PreFlow><Request><Step><Name>SC</Name></Step></Request><Response><Step><Name>AM</Name></Step></Response></PreFlow><RouteRule name="none"/>`,
    policies: {
      SC: `<ServiceCallout name="SC"><Response>out</Response><HTTPTargetConnection><LoadBalancer><Server name="${server}"/></LoadBalancer></HTTPTargetConnection></ServiceCallout>`,
      AM: '<AssignMessage name="AM"><AssignTo>response</AssignTo><Set><Payload contentType="text/plain">via {out.content}</Payload></Set></AssignMessage>',
    },
  });
}

async function text(url: string): Promise<string> {
  const res = await request(url);
  return `${res.statusCode} ${await res.body.text()}`;
}

describe('TargetServers managed per environment', () => {
  let gw: TestGateway;
  let dataDir: string;
  let a: StartedTarget;
  let b: StartedTarget;
  let admin: AdminClient;

  const start = () => startGateway({
    dataDir,
    targetServers: [{ name: 'configured', host: '127.0.0.1', port: 1, enabled: true }],
    customize: (config) => ({ ...config, organizations: config.organizations.map((o) => ({ ...o, allowSelfApproval: true })) }),
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-ts-'));
    [a, b] = await Promise.all([startTarget(named('backend-a')), startTarget(named('backend-b'))]);
    gw = await start();
    admin = gw.admin;
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([a?.close(), b?.close()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, lists, reads and replaces TargetServers with Edge JSON', async () => {
    const created = await admin.post(`${env}/test/targetservers`, { json: { name: 'orders', host: '127.0.0.1', port: a.port, isEnabled: true } });
    expect(created.status, created.text()).toBe(201);
    expect(created.json()).toEqual({ name: 'orders', host: '127.0.0.1', port: a.port, isEnabled: true });
    expect((await admin.get(`${env}/test/targetservers`)).json()).toEqual(['configured', 'orders']);
    expect((await admin.get(`${env}/prod/targetservers`)).json()).toEqual(['configured']);
    const replaced = await admin.put(`${env}/test/targetservers/orders`, {
      json: { name: 'orders', host: 'localhost', port: 8443, isEnabled: false, sSLInfo: { enabled: 'true', ignoreValidationErrors: false } },
    });
    expect(replaced.status, replaced.text()).toBe(200);
    expect((await admin.get(`${env}/test/targetservers/orders`)).json()).toEqual({
      name: 'orders', host: 'localhost', port: 8443, isEnabled: false, sSLInfo: { enabled: true, clientAuthEnabled: false, ignoreValidationErrors: false },
    });
  });

  it('refuses duplicates, bad bodies, unknown names and changes to configured TargetServers', async () => {
    expectError(await admin.post(`${env}/test/targetservers`, { json: { name: 'configured', host: 'h', port: 80 } }), 409, 'messaging.config.beans.TargetServerAlreadyExists');
    expect(expectError(await admin.post(`${env}/test/targetservers`, { json: { name: 'x', host: 'h', port: 'eighty' } }), 400, 'messaging.config.beans.InvalidParameter'))
      .toBe('port: expected an integer 1-65535');
    expectError(await admin.get(`${env}/test/targetservers/nope`), 404, 'messaging.config.beans.TargetServerDoesNotExist');
    expectError(await admin.put(`${env}/test/targetservers/nope`, { json: { host: 'h', port: 1 } }), 404, 'messaging.config.beans.TargetServerDoesNotExist');
    expectError(await admin.delete(`${env}/test/targetservers/configured`), 409, 'baton.targetservers.ConfiguredTargetServer');
    expectError(await admin.put(`${env}/test/targetservers/configured`, { json: { host: 'h', port: 2 } }), 409, 'baton.targetservers.ConfiguredTargetServer');
    expectError(await admin.get(`${env}/nowhere/targetservers`), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
  });

  it('needs ENVIRONMENT_API or API_MANAGEMENT to change them, READ to see them', async () => {
    const viewer = await createUserWithRoles(gw, 'viewer@example.com', ['businessuser']);
    const operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
    expect((await viewer.get(`${env}/test/targetservers`)).status).toBe(200);
    expectError(await viewer.post(`${env}/test/targetservers`, { json: { name: 'v', host: 'h', port: 1 } }), 403, 'security.Forbidden');
    const made = await operator.post(`${env}/test/targetservers`, { json: { name: 'by-ops', host: 'h', port: 1 } });
    expect(made.status, made.text()).toBe(201);
    expect((await operator.delete(`${env}/test/targetservers/by-ops`)).json()).toMatchObject({ name: 'by-ops' });
  });

  it('LoadBalancers and ServiceCallouts deployed after a change use it; deployed revisions keep theirs until redeployed', async () => {
    await admin.post(`${env}/test/targetservers`, { json: { name: 'lb-backend', host: '127.0.0.1', port: a.port } });
    await gw.deploy('balanced', await balancedProxy('balanced', 'lb-backend'));
    await gw.deploy('enriched', await calloutProxy('enriched', 'lb-backend'));
    expect(await text(`${gw.url()}/balanced`)).toBe('200 backend-a');
    expect(await text(`${gw.url()}/enriched`)).toBe('200 via backend-a');

    expect((await admin.put(`${env}/test/targetservers/lb-backend`, { json: { host: '127.0.0.1', port: b.port } })).status).toBe(200);
    expect(await text(`${gw.url()}/balanced`)).toBe('200 backend-a');
    // A new revision, deployed seamlessly over the first: compiled now, it gets the new definition.
    const record = await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'balanced', bytes: await balancedProxy('balanced', 'lb-backend'), user: 'test', validate: true });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'balanced', revision: record.revision, override: true, user: 'test' });
    expect(await text(`${gw.url()}/balanced`)).toBe('200 backend-b');
  });

  it('refuses to delete or disable a TargetServer deployed revisions need (409), and deletes it once they are gone', async () => {
    const message = expectError(await admin.delete(`${env}/test/targetservers/lb-backend`), 409, 'baton.targetservers.TargetServerInUse');
    expect(message).toContain('balanced revision 2 (TargetEndpoint default uses TargetServer lb-backend, which does not exist)');
    expect(message).toContain('enriched revision 1 (ServiceCallout SC uses TargetServer lb-backend, which does not exist)');
    expect(message).not.toContain('balanced revision 1');
    expectError(await admin.put(`${env}/test/targetservers/lb-backend`, { json: { host: '127.0.0.1', port: b.port, isEnabled: false } }), 409, 'baton.targetservers.TargetServerInUse');
    expect(await text(`${gw.url()}/balanced`)).toBe('200 backend-b');

    for (const [api, revision] of [['balanced', 2], ['enriched', 1]] as const) {
      await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api, revision, user: 'test' });
    }
    expect((await admin.delete(`${env}/test/targetservers/lb-backend`)).status).toBe(200);
    expectError(await admin.get(`${env}/test/targetservers/lb-backend`), 404, 'messaging.config.beans.TargetServerDoesNotExist');
    const refused = await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'balanced', revision: 2, user: 'test' }).catch((err: unknown) => err);
    expect(String((refused as Error).message)).toMatch(/lb-backend/);
  });

  it('promotions check the live TargetServers of the target environment', async () => {
    await admin.post(`${env}/test/targetservers`, { json: { name: 'shared', host: '127.0.0.1', port: a.port } });
    await gw.deploy('promoted', await balancedProxy('promoted', 'shared'));
    const requested = await admin.post('/v1/organizations/demo/apis/promoted/promotions', { json: { from: 'test', to: 'prod' } });
    expect(requested.status, requested.text()).toBe(201);
    const id = requested.json<{ id: string }>().id;
    expect(expectError(await admin.post(`/v1/organizations/demo/promotions/${id}/accept`, { json: {} }), 409, 'baton.promotions.MissingEnvironmentResources'))
      .toContain('TargetServer shared does not exist in environment prod');
    await admin.post(`${env}/prod/targetservers`, { json: { name: 'shared', host: '127.0.0.1', port: b.port } });
    const accepted = await admin.post(`/v1/organizations/demo/promotions/${id}/accept`, { json: {} });
    expect(accepted.status, accepted.text()).toBe(200);
    expect(await text(`${gw.url('prod')}/promoted`)).toBe('200 backend-b');
  });

  it('keeps API-managed TargetServers across a restart, and restores deployments that use them', async () => {
    await gw.close();
    gw = await start();
    admin = gw.admin;
    expect((await admin.get(`${env}/test/targetservers`)).json()).toEqual(['configured', 'orders', 'shared']);
    expect(await text(`${gw.url()}/promoted`)).toBe('200 backend-a');
    expect(await text(`${gw.url('prod')}/promoted`)).toBe('200 backend-b');
  });
});
