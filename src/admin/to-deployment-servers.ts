// The `server[]` of deployment JSON: one message processor and one router per environment, with stable UUIDs.
import { createHash } from 'node:crypto';

export type DeploymentState = 'deployed' | 'undeployed';

export interface DeploymentServerJson {
  readonly status: DeploymentState;
  readonly type: readonly [string];
  readonly uUID: string;
}

const serverTypes = ['message-processor', 'router'] as const;

/**
 * A UUID derived from the organization, environment and server type (SHA-256, RFC 9562 version 8 layout): the
 * same on every call and after a restart, so tooling that remembers server UUIDs sees the same servers.
 */
function toServerUuid(organization: string, environment: string, type: string): string {
  const hash = createHash('sha256').update(`baton-server\0${organization}\0${environment}\0${type}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Every status equals `state`: deploy tooling reports a partial failure for each entry that differs (compat §3.6). */
export function toDeploymentServers(organization: string, environment: string, state: DeploymentState): DeploymentServerJson[] {
  return serverTypes.map((type) => ({ status: state, type: [type] as const, uUID: toServerUuid(organization, environment, type) }));
}
