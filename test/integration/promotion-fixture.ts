// Shared setup of the promotion integration tests: bundles, users with roles, and the promotion calls over HTTP.
import { expect } from 'vitest';
import { request } from 'undici';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { importRevisionOverHttp } from '../helpers/deploy-over-http.js';
import { packBundle } from '../helpers/pack-bundle.js';
import type { TestGateway } from '../helpers/start-gateway.js';

export const org = '/v1/organizations/demo';

export interface PromotionBody {
  id: string;
  organization: string;
  api: string;
  revision: string;
  from: string;
  to: string;
  state: 'pending' | 'accepted' | 'rejected';
  comment?: string;
  requestedBy: string;
  requestedAt: number;
  decidedBy?: string;
  decidedAt?: number;
  reason?: string;
  deployment?: { environment: string; basePath: string; revision: string; replaced: string[]; changed: boolean; historyId?: string };
  lastAttempt?: { at: number; by: string; result: 'success' | 'failure'; reason?: string };
  history: Array<{ at: number; by: string; action: string; comment?: string; reason?: string }>;
}

/** A proxy at `basePath` answering `{"rev": label}` without a target; optionally a LoadBalancer TargetEndpoint over `server` (never called). */
export function mockBundle(name: string, basePath: string, label: string, options: { server?: string } = {}): Promise<Uint8Array> {
  const files: Record<string, string> = {
    [`apiproxy/${name}.xml`]: `<APIProxy name="${name}"/>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/AM-Answer.xml': `<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo>
      <Set><Payload contentType="application/json">{"rev":"${label}"}</Payload></Set></AssignMessage>`,
  };
  if (options.server !== undefined) {
    files['apiproxy/targets/lb.xml'] = `<TargetEndpoint name="lb">
      <HTTPTargetConnection><LoadBalancer><Server name="${options.server}"/></LoadBalancer><Path>/</Path></HTTPTargetConnection>
    </TargetEndpoint>`;
  }
  return packBundle(files);
}

/** A proxy at `basePath` forwarding to `targetUrl`. */
export function forwardingBundle(name: string, basePath: string, targetUrl: string): Promise<Uint8Array> {
  return packBundle({
    [`apiproxy/${name}.xml`]: `<APIProxy name="${name}"/>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
    </ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default"><HTTPTargetConnection><URL>${targetUrl}</URL></HTTPTargetConnection></TargetEndpoint>`,
  });
}

/** Imports the bundle and deploys it (as the administrator) to `environment`; returns the revision. */
export async function importAndDeploy(gw: TestGateway, api: string, zip: Uint8Array, environment: string, basePath = '/'): Promise<number> {
  const revision = await importRevisionOverHttp(gw.admin, api, zip);
  const deployed = await gw.admin.post(`${org}/environments/${environment}/apis/${api}/revisions/${revision}/deployments`, { query: { override: true, basepath: basePath } });
  expect(deployed.status, deployed.text()).toBe(200);
  return revision;
}

/** A new user holding `roles` in `demo`, signed in with Basic credentials. */
export async function createUserWithRoles(gw: TestGateway, emailId: string, roles: readonly string[]): Promise<AdminClient> {
  const password = `${emailId}-password`;
  const created = await gw.admin.post('/v1/users', { json: { emailId, password } });
  expect(created.status, created.text()).toBe(201);
  for (const role of roles) {
    const added = await gw.admin.post(`${org}/userroles/${role}/users`, { query: { id: emailId }, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(added.status, added.text()).toBe(201);
  }
  return adminClient(gw.gateway.adminUrl, { user: emailId, password });
}

/** A custom role with these permissions (optionally only in some environments). */
export async function createRole(gw: TestGateway, name: string, permissions: readonly string[], environments?: readonly string[]): Promise<void> {
  expect((await gw.admin.post(`${org}/userroles`, { json: { role: [{ name }] } })).status).toBe(201);
  const granted = await gw.admin.post(`${org}/userroles/${name}/permissions`, { json: { permissions, ...(environments ? { environments } : {}) } });
  expect(granted.status, granted.text()).toBe(201);
}

export function requestPromotion(client: AdminClient, api: string, body: Record<string, unknown>): Promise<AdminResponse> {
  return client.post(`${org}/apis/${api}/promotions`, { json: body });
}

export function decide(client: AdminClient, id: string, decision: 'accept' | 'reject', body: Record<string, unknown> = {}): Promise<AdminResponse> {
  return client.post(`${org}/promotions/${id}/${decision}`, { json: body });
}

/** The `rev` a data-plane GET answered with, or its status when it was not 200. */
export async function servedLabel(url: string): Promise<string | number> {
  const response = await request(url);
  if (response.statusCode !== 200) {
    await response.body.text();
    return response.statusCode;
  }
  return ((await response.body.json()) as { rev: string }).rev;
}

/** The error body's code, after checking the status. */
export function expectError(response: AdminResponse, status: number, code: string): Record<string, unknown> {
  expect(response.status, response.text()).toBe(status);
  const body = response.json<Record<string, unknown>>();
  expect(body.code).toBe(code);
  return body;
}
