import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { BatonConfig } from '../../../src/config.js';
import { AdminError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import { createTargetServerRegistry } from '../../../src/target-servers/create-target-server-registry.js';
import { findLoadBalancerProblem } from '../../../src/target-servers/list-load-balancer-uses.js';
import { parseTargetServerJson } from '../../../src/target-servers/parse-target-server-json.js';
import { TARGET_SERVERS, toTargetServerKey, type TargetServerRecord } from '../../../src/target-servers/target-server-records.js';

function problemOf(body: Record<string, unknown>, pathName?: string): string {
  try {
    parseTargetServerJson(body, pathName);
  } catch (err) {
    expect(err).toBeInstanceOf(AdminError);
    return (err as AdminError).message;
  }
  throw new Error('expected a 400');
}

describe('TargetServer JSON', () => {
  it("reads Edge's JSON, string booleans and port included", () => {
    expect(parseTargetServerJson({ name: 'ts-1', host: 'backend.internal', port: '8443', isEnabled: 'false', sSLInfo: { enabled: 'true', clientAuthEnabled: 'false', ignoreValidationErrors: false, ciphers: [], protocols: [] } }))
      .toEqual({ name: 'ts-1', host: 'backend.internal', port: 8443, isEnabled: false, ssl: { enabled: true, ignoreValidationErrors: false } });
    expect(parseTargetServerJson({ host: '::1', port: 80, description: 'local' }, 'local')).toEqual({ name: 'local', host: '::1', port: 80, isEnabled: true, description: 'local' });
  });

  it('names the field of every refusal', () => {
    expect(problemOf({ host: 'h', port: 1 })).toBe('name: required');
    expect(problemOf({ name: '../x', host: 'h', port: 1 })).toMatch(/^name: expected letters/);
    expect(problemOf({ name: 'a', host: 'h', port: 1 }, 'b')).toMatch(/cannot be renamed/);
    expect(problemOf({ name: 'a', host: 'bad host', port: 1 })).toMatch(/^host: expected a host name/);
    expect(problemOf({ name: 'a', host: 'h', port: 0 })).toBe('port: expected an integer 1-65535');
    expect(problemOf({ name: 'a', host: 'h', port: 1, enabled: false })).toBe('enabled: unknown field of a TargetServer');
    expect(problemOf({ name: 'a', host: 'h', port: 1, sSLInfo: { clientAuthEnabled: true } })).toMatch(/^sSLInfo.clientAuthEnabled: mutual TLS/);
    expect(problemOf({ name: 'a', host: 'h', port: 1, sSLInfo: { trustStore: 'ref://ts' } })).toMatch(/^sSLInfo.trustStore: not supported/);
    expect(problemOf({ name: 'a', host: 'h', port: 1, protocol: 'GRPC' })).toBe('protocol: only HTTP is supported');
  });
});

describe('TargetServer registry', () => {
  const config = {
    organizations: [{ name: 'demo', environments: [{ name: 'test', targetServers: [{ name: 'configured', host: 'c.internal', port: 80, enabled: true }] }] }],
  } as unknown as BatonConfig;
  const stored = (name: string): TargetServerRecord => ({
    organization: 'demo', environment: 'test', name, host: `${name}.internal`, port: 8080, isEnabled: true, createdAt: 1, createdBy: 'u', lastModifiedAt: 1, lastModifiedBy: 'u',
  });

  it('merges configured and stored TargetServers into one live map per environment; configured names win', async () => {
    const store = createMemoryStore();
    await store.commit([
      { collection: TARGET_SERVERS, key: toTargetServerKey('demo', 'test', 'api-made'), value: stored('api-made') },
      { collection: TARGET_SERVERS, key: toTargetServerKey('demo', 'test', 'configured'), value: stored('configured') },
    ]);
    const registry = createTargetServerRegistry({ config, store, logger: pino({ level: 'silent' }) });
    const live = registry.forEnvironment('demo', 'test');
    expect(registry.names('demo', 'test')).toEqual(['api-made', 'configured']);
    expect(live.get('configured')?.host).toBe('c.internal');
    expect(registry.get('demo', 'test', 'configured')?.source).toBe('config');
    expect(registry.get('demo', 'test', 'api-made')?.source).toBe('api');

    registry.apply(stored('later'), { organization: 'demo', environment: 'test', name: 'later' });
    expect(live.get('later')).toEqual({ name: 'later', host: 'later.internal', port: 8080, enabled: true });
    registry.apply(null, { organization: 'demo', environment: 'test', name: 'api-made' });
    expect(live.has('api-made')).toBe(false);
    expect(() => registry.apply(null, { organization: 'demo', environment: 'test', name: 'configured' })).toThrow(/configured/);
  });

  it('tells which LoadBalancer a set of TargetServers would break', () => {
    const servers = new Map([['a', { name: 'a', host: 'h', port: 1, enabled: false }], ['b', { name: 'b', host: 'h', port: 2, enabled: true }]]);
    expect(findLoadBalancerProblem({ where: 'TargetEndpoint default', servers: ['a', 'b'] }, servers)).toBeUndefined();
    expect(findLoadBalancerProblem({ where: 'TargetEndpoint default', servers: ['a'] }, servers)).toBe('TargetEndpoint default would have no enabled TargetServer');
    expect(findLoadBalancerProblem({ where: 'ServiceCallout SC', servers: ['a', 'c'] }, servers)).toBe('ServiceCallout SC uses TargetServer c, which does not exist');
  });
});
