// Parses the `organizations` section: organizations, their environments and each environment's TargetServers and cache resources.
import type { CacheResourceConfig, EnvironmentConfig, OrganizationConfig, TargetServerConfig } from '../config.js';
import { defaultCacheResource } from './default-config.js';
import { parseVirtualHost, type VirtualHostContext } from './parse-virtual-host.js';
import {
  type ConfigProblems,
  checkUniqueNames,
  elementPath,
  joinPath,
  portRange,
  positiveRange,
  readArray,
  readBoolean,
  readHost,
  readInteger,
  readName,
  readProperties,
  readSection,
  readString,
  required,
  toShownValue,
} from './config-reader.js';

const organizationKeys = ['name', 'displayName', 'properties', 'environments', 'allowSelfApproval'] as const;
const environmentKeys = ['name', 'description', 'properties', 'virtualHosts', 'targetServers', 'caches'] as const;
const cacheKeys = ['name', 'maxEntries', 'maxBytes', 'maxEntryBytes', 'expirySeconds'] as const;
const targetServerKeys = ['name', 'host', 'port', 'enabled', 'ssl'] as const;
const targetServerSslKeys = ['enabled', 'ignoreValidationErrors'] as const;

export function parseOrganizations(problems: ConfigProblems, raw: unknown, fallback: readonly unknown[], context: VirtualHostContext): OrganizationConfig[] {
  const path = 'organizations';
  const items = readArray(problems, raw, path, fallback);
  if (Array.isArray(raw) && raw.length === 0) problems.add(path, 'expected at least one organization');
  const organizations = items.map((item, index) => parseOrganization(problems, item, elementPath(path, item, index), context));
  checkUniqueNames(problems, organizations.map((o) => o.name), path, 'organization');
  return organizations;
}

function parseOrganization(problems: ConfigProblems, raw: unknown, path: string, context: VirtualHostContext): OrganizationConfig {
  const section = readObjectElement(problems, raw, path, organizationKeys);
  const name = readName(problems, section.name, joinPath(path, 'name'));
  const environmentsPath = joinPath(path, 'environments');
  const rawEnvironments = readArray(problems, required(section.environments), environmentsPath, []);
  if (Array.isArray(section.environments) && section.environments.length === 0) problems.add(environmentsPath, 'expected at least one environment');
  const environments = rawEnvironments.map((item, index) => parseEnvironment(problems, item, elementPath(environmentsPath, item, index), context));
  checkUniqueNames(problems, environments.map((e) => e.name), environmentsPath, 'environment');
  return {
    name,
    displayName: readString(problems, section.displayName, joinPath(path, 'displayName'), name),
    properties: readProperties(problems, section.properties, joinPath(path, 'properties')),
    environments,
    allowSelfApproval: readBoolean(problems, section.allowSelfApproval, joinPath(path, 'allowSelfApproval'), false),
  };
}

function parseEnvironment(problems: ConfigProblems, raw: unknown, path: string, context: VirtualHostContext): EnvironmentConfig {
  const section = readObjectElement(problems, raw, path, environmentKeys);
  const virtualHostsPath = joinPath(path, 'virtualHosts');
  const rawVirtualHosts = readArray(problems, required(section.virtualHosts), virtualHostsPath, []);
  // A proxy can only be deployed to an environment that has somewhere to listen.
  if (Array.isArray(section.virtualHosts) && section.virtualHosts.length === 0) problems.add(virtualHostsPath, 'expected at least one virtual host');
  const virtualHosts = rawVirtualHosts.map((item, index) => parseVirtualHost(problems, item, elementPath(virtualHostsPath, item, index), context));
  checkUniqueNames(problems, virtualHosts.map((v) => v.name), virtualHostsPath, 'virtual host');
  const targetServersPath = joinPath(path, 'targetServers');
  const targetServers = readArray(problems, section.targetServers, targetServersPath, []).map((item, index) =>
    parseTargetServer(problems, item, elementPath(targetServersPath, item, index)),
  );
  checkUniqueNames(problems, targetServers.map((t) => t.name), targetServersPath, 'target server');
  const cachesPath = joinPath(path, 'caches');
  const caches = readArray(problems, section.caches, cachesPath, []).map((item, index) => parseCacheResource(problems, item, elementPath(cachesPath, item, index)));
  checkUniqueNames(problems, caches.map((c) => c.name), cachesPath, 'cache');
  return {
    name: readName(problems, section.name, joinPath(path, 'name')),
    description: section.description === undefined ? '' : readString(problems, section.description, joinPath(path, 'description'), ''),
    properties: readProperties(problems, section.properties, joinPath(path, 'properties')),
    virtualHosts,
    targetServers,
    caches,
  };
}

function parseCacheResource(problems: ConfigProblems, raw: unknown, path: string): CacheResourceConfig {
  const section = readObjectElement(problems, raw, path, cacheKeys);
  const maxBytes = readInteger(problems, section.maxBytes, joinPath(path, 'maxBytes'), positiveRange, defaultCacheResource.maxBytes);
  const maxEntryBytesPath = joinPath(path, 'maxEntryBytes');
  const maxEntryBytes = readInteger(problems, section.maxEntryBytes, maxEntryBytesPath, positiveRange, Math.min(defaultCacheResource.maxEntryBytes, maxBytes));
  if (maxEntryBytes > maxBytes && !problems.hasAt(maxEntryBytesPath)) problems.add(maxEntryBytesPath, `expected at most maxBytes (${maxBytes}), got ${maxEntryBytes}`);
  return {
    name: readName(problems, required(section.name), joinPath(path, 'name')),
    maxEntries: readInteger(problems, section.maxEntries, joinPath(path, 'maxEntries'), positiveRange, defaultCacheResource.maxEntries),
    maxBytes,
    maxEntryBytes,
    expirySeconds: readInteger(problems, section.expirySeconds, joinPath(path, 'expirySeconds'), positiveRange, defaultCacheResource.expirySeconds),
  };
}

function parseTargetServer(problems: ConfigProblems, raw: unknown, path: string): TargetServerConfig {
  const section = readObjectElement(problems, raw, path, targetServerKeys);
  const sslPath = joinPath(path, 'ssl');
  const ssl = section.ssl === undefined ? undefined : readSection(problems, section.ssl, sslPath, targetServerSslKeys);
  return {
    name: readName(problems, section.name, joinPath(path, 'name')),
    host: readHost(problems, required(section.host), joinPath(path, 'host'), ''),
    port: readInteger(problems, required(section.port), joinPath(path, 'port'), portRange, 0),
    enabled: readBoolean(problems, section.enabled, joinPath(path, 'enabled'), true),
    ...(ssl
      ? {
          ssl: {
            // Writing an `ssl` block means TLS unless it says otherwise.
            enabled: readBoolean(problems, ssl.enabled, joinPath(sslPath, 'enabled'), true),
            ignoreValidationErrors: readBoolean(problems, ssl.ignoreValidationErrors, joinPath(sslPath, 'ignoreValidationErrors'), false),
          },
        }
      : {}),
  };
}

/** An array element must be an object; unlike an optional section, a missing one is a problem too. */
function readObjectElement(problems: ConfigProblems, raw: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) {
    problems.add(path, `expected an object, got ${toShownValue(raw)}`);
    return {};
  }
  return readSection(problems, raw, path, keys);
}
