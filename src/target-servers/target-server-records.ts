// TargetServers created through the management API: the stored record, its key, and the Edge JSON view.
import type { TargetServerDefinition } from '../dataplane/target-server.js';

export const TARGET_SERVERS = 'targetservers';

/** One TargetServer of an environment, as stored (API-managed ones only; configured ones live in the config). */
export interface TargetServerRecord {
  readonly organization: string;
  readonly environment: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly isEnabled: boolean;
  readonly description?: string;
  /** Present when the TargetServer has its own TLS settings (they win over the HTTPTargetConnection's SSLInfo). */
  readonly ssl?: { readonly enabled: boolean; readonly ignoreValidationErrors: boolean };
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
}

/** Edge's TargetServer JSON (`sSLInfo` is spelled that way for legacy reasons). */
export interface TargetServerJson {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly isEnabled: boolean;
  readonly description?: string;
  readonly sSLInfo?: { readonly enabled: boolean; readonly clientAuthEnabled: false; readonly ignoreValidationErrors: boolean };
}

/** Where a TargetServer comes from: the config file (read-only through the API) or the management API. */
export type TargetServerSource = 'config' | 'api';

export function toTargetServerKey(organization: string, environment: string, name: string): string {
  return `${organization}/${environment}/${name}`;
}

export function toTargetServerKeyPrefix(organization: string, environment: string): string {
  return `${organization}/${environment}/`;
}

export function toDefinition(record: Pick<TargetServerRecord, 'name' | 'host' | 'port' | 'isEnabled' | 'ssl'>): TargetServerDefinition {
  return { name: record.name, host: record.host, port: record.port, enabled: record.isEnabled, ...(record.ssl ? { ssl: { ...record.ssl } } : {}) };
}

export function toTargetServerJson(definition: TargetServerDefinition, description?: string): TargetServerJson {
  return {
    name: definition.name,
    host: definition.host,
    port: definition.port,
    isEnabled: definition.enabled,
    ...(description !== undefined && description !== '' ? { description } : {}),
    ...(definition.ssl ? { sSLInfo: { enabled: definition.ssl.enabled, clientAuthEnabled: false as const, ignoreValidationErrors: definition.ssl.ignoreValidationErrors } } : {}),
  };
}
