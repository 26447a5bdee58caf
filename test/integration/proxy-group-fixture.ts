// Shared setup of the proxy group integration tests: group calls over HTTP, users with tokens, served labels.
import { expect } from 'vitest';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { importRevisionOverHttp } from '../helpers/deploy-over-http.js';
import { packMockProxy } from '../helpers/pack-mock-proxy.js';
import type { TestGateway } from '../helpers/start-gateway.js';
import { createUserWithRoles } from './promotion-fixture.js';

export const groupsPath = '/v1/organizations/demo/proxygroups';

export function apiOpsPath(group: string, environment: string, project = 'demo'): string {
  return `/apiops/projects/${project}/apiProxyGroups/${group}/environments/${environment}/`;
}

export function groupDeploymentsPath(group: string, environment: string): string {
  return `/v1/organizations/demo/environments/${environment}/proxygroups/${group}/deployments`;
}

/** Imports a mock proxy answering `{"rev": label}` at `basePath`; returns the revision. */
export function importMock(gw: TestGateway, api: string, basePath: string, label: string): Promise<number> {
  return packMockProxy(api, basePath, label).then((zip) => importRevisionOverHttp(gw.admin, api, zip));
}

export async function createGroup(client: AdminClient, body: Record<string, unknown>): Promise<AdminResponse> {
  return client.post(groupsPath, { json: body });
}

export function expectBody(response: AdminResponse, status: number): Record<string, unknown> {
  expect(response.status, response.text()).toBe(status);
  return response.json<Record<string, unknown>>();
}

export interface Grant {
  readonly permissions: readonly string[];
  readonly environments?: readonly string[];
}

/** A user with a role of these grants in `demo`, signed in with Basic credentials and with a personal access token. */
export async function createTokenUser(gw: TestGateway, email: string, grants: readonly Grant[]): Promise<{ basic: AdminClient; bearer: AdminClient; token: string }> {
  const role = `role-${email.split('@')[0]!}`;
  expect((await gw.admin.post('/v1/organizations/demo/userroles', { json: { role: [{ name: role }] } })).status).toBe(201);
  for (const grant of grants) {
    const granted = await gw.admin.post(`/v1/organizations/demo/userroles/${role}/permissions`, { json: grant });
    expect(granted.status, granted.text()).toBe(201);
  }
  const basic = await createUserWithRoles(gw, email, [role]);
  const created = await basic.post(`/v1/users/${email}/tokens`, { json: { name: 'apiops' } });
  expect(created.status, created.text()).toBe(201);
  const { token } = created.json<{ token: string }>();
  return { basic, bearer: adminClient(gw.gateway.adminUrl, { token }), token };
}
