// Test helper: imports and deploys revisions through the management API, timing when each answer arrived.
import { performance } from 'node:perf_hooks';
import type { AdminClient, AdminResponse } from './admin-client.js';

export interface TimedAdminResponse {
  readonly response: AdminResponse;
  /** performance.now() when the call was sent, and once its whole answer was read ("the deploy call returned"). */
  readonly sentAtMs: number;
  readonly returnedAtMs: number;
}

export interface DeployOverHttpOptions {
  readonly environment?: string;
  readonly override?: boolean;
  readonly delaySeconds?: number;
}

/** `POST …/environments/{env}/apis/{api}/revisions/{rev}/deployments?override=…&delay=…` (compat §3.1). */
export async function deployOverHttp(admin: AdminClient, api: string, revision: number, options: DeployOverHttpOptions = {}): Promise<TimedAdminResponse> {
  const environment = options.environment ?? 'test';
  const sentAtMs = performance.now();
  const response = await admin.post(`/v1/organizations/demo/environments/${environment}/apis/${api}/revisions/${revision}/deployments`, {
    query: { override: options.override ?? true, delay: options.delaySeconds ?? 0 },
  });
  return { response, sentAtMs, returnedAtMs: performance.now() };
}

/** `POST …/apis?action=import&name={api}` with the zip as the body; validate is left at its default (false). */
export function importOverHttp(admin: AdminClient, api: string, zip: Uint8Array): Promise<AdminResponse> {
  return admin.post('/v1/organizations/demo/apis', { query: { action: 'import', name: api }, body: zip, headers: { 'content-type': 'application/octet-stream' } });
}

/** Imports and returns the new revision number; throws with the answer when the import is refused. */
export async function importRevisionOverHttp(admin: AdminClient, api: string, zip: Uint8Array): Promise<number> {
  const response = await importOverHttp(admin, api, zip);
  if (response.status !== 201) throw new Error(`import of ${api} answered ${response.status}: ${response.text()}`);
  return Number(response.json<{ revision: string }>().revision);
}

/** Deploys and throws with the answer unless it is 200. */
export async function deployRevisionOverHttp(admin: AdminClient, api: string, revision: number, options: DeployOverHttpOptions = {}): Promise<TimedAdminResponse> {
  const timed = await deployOverHttp(admin, api, revision, options);
  if (timed.response.status !== 200) throw new Error(`deploy of ${api} revision ${revision} answered ${timed.response.status}: ${timed.response.text()}`);
  return timed;
}
