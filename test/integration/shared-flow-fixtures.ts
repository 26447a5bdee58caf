// Fixtures for the shared flow and flow hook tests: bundle zips, policy XML and management calls.
import { expect } from 'vitest';
import type { AdminClient, AdminResponse } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';

export const zipHeaders = { 'content-type': 'application/octet-stream' };

export interface SharedFlowSpec {
  /** Step names of `<SharedFlow name="default">`, in order. */
  readonly steps: readonly string[];
  /** Policy XML by policy name. */
  readonly policies: Readonly<Record<string, string>>;
}

/** A shared flow bundle zip: `sharedflowbundle/<name>.xml`, `sharedflows/default.xml`, `policies/*.xml`. */
export function packSharedFlow(name: string, spec: SharedFlowSpec): Promise<Uint8Array> {
  const files: Record<string, string> = {
    [`sharedflowbundle/${name}.xml`]: `<SharedFlowBundle revision="1" name="${name}"><DisplayName>${name}</DisplayName><SharedFlows><SharedFlow>default</SharedFlow></SharedFlows></SharedFlowBundle>`,
    'sharedflowbundle/sharedflows/default.xml': `<SharedFlow name="default">${spec.steps.map((s) => `<Step><Name>${s}</Name></Step>`).join('')}</SharedFlow>`,
  };
  for (const [policy, xml] of Object.entries(spec.policies)) files[`sharedflowbundle/policies/${policy}.xml`] = xml;
  return packBundle(files);
}

/** AssignMessage setting one header of the flow's message (templates resolve; unresolved ones are empty). */
export function setHeaderPolicy(name: string, header: string, value: string): string {
  return `<AssignMessage name="${name}"><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables><Set><Headers><Header name="${header}">${value}</Header></Headers></Set></AssignMessage>`;
}

/** AssignMessage appending `,<mark>` to the flow variable `trace`: the order steps ran in. */
export function tracePolicy(name: string, mark: string): string {
  return `<AssignMessage name="${name}"><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables><AssignVariable><Name>trace</Name><Template>{trace},${mark}</Template></AssignVariable></AssignMessage>`;
}

export function flowCalloutPolicy(name: string, sharedFlow: string, parameters = ''): string {
  return `<FlowCallout name="${name}"><SharedFlowBundle>${sharedFlow}</SharedFlowBundle>${parameters}</FlowCallout>`;
}

export async function importSharedFlow(admin: AdminClient, name: string, zip: Uint8Array): Promise<AdminResponse> {
  return admin.post('/v1/organizations/demo/sharedflows', { query: { action: 'import', name }, body: zip, headers: zipHeaders });
}

export async function deploySharedFlow(admin: AdminClient, name: string, revision: number, options: { environment?: string; override?: boolean } = {}): Promise<AdminResponse> {
  const query = options.override === undefined ? undefined : { override: options.override };
  return admin.post(`/v1/organizations/demo/environments/${options.environment ?? 'test'}/sharedflows/${name}/revisions/${revision}/deployments`, query ? { query } : {});
}

export async function undeploySharedFlow(admin: AdminClient, name: string, revision: number, environment = 'test'): Promise<AdminResponse> {
  return admin.delete(`/v1/organizations/demo/environments/${environment}/sharedflows/${name}/revisions/${revision}/deployments`);
}

/** Imports and deploys one revision through the API, failing the test on any refusal. */
export async function importAndDeploySharedFlow(admin: AdminClient, name: string, zip: Uint8Array, options: { environment?: string; override?: boolean } = {}): Promise<number> {
  const imported = await importSharedFlow(admin, name, zip);
  expect(imported.status, imported.text()).toBe(201);
  const revision = Number(imported.json<{ revision: string }>().revision);
  const deployed = await deploySharedFlow(admin, name, revision, options);
  expect(deployed.status, deployed.text()).toBe(200);
  return revision;
}

export function expectAdminError(response: AdminResponse, status: number, code: string): { code: string; message: string } {
  expect(response.status, response.text()).toBe(status);
  const body = response.json<{ code: string; message: string }>();
  expect(body.code).toBe(code);
  return body;
}
