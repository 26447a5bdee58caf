import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { configProblems } from './config-problems.js';

function withCaches(caches: unknown): unknown {
  return {
    organizations: [{ name: 'acme', environments: [{ name: 'prod', virtualHosts: [{ name: 'default', port: 0 }], caches }] }],
    samples: { enabled: false },
    demoTargets: { enabled: false },
  };
}


describe('environment cache resources in the config', () => {
  it('fills every field left out with the defaults', () => {
    const config = parseConfig(withCaches([{ name: 'tokens' }, { name: 'pages', maxEntries: 50, maxBytes: 1024, expirySeconds: 30 }]), {}, '/srv/baton');
    expect(config.organizations[0]!.environments[0]!.caches).toEqual([
      { name: 'tokens', maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, maxEntryBytes: 1024 * 1024, expirySeconds: 300 },
      { name: 'pages', maxEntries: 50, maxBytes: 1024, maxEntryBytes: 1024, expirySeconds: 30 },
    ]);
  });

  it('has none by default (policies then use the implicit default cache)', () => {
    expect(parseConfig(undefined, {}, '/srv/baton').organizations[0]!.environments[0]!.caches).toEqual([]);
  });

  it('reports every problem with its path', () => {
    expect(configProblems(withCaches([
      { name: 'a', maxEntries: 0, maxBytes: 'big', expirySeconds: 1.5, ttl: 3 },
      { name: 'b', maxBytes: 100, maxEntryBytes: 200 },
      { name: 'b' },
      {},
    ]))).toEqual([
      'organizations.acme.environments.prod.caches.a.ttl: unknown key (expected one of name, maxEntries, maxBytes, maxEntryBytes, expirySeconds)',
      'organizations.acme.environments.prod.caches.a.maxBytes: expected an integer >= 1, got "big"',
      'organizations.acme.environments.prod.caches.a.maxEntries: expected an integer >= 1, got 0',
      'organizations.acme.environments.prod.caches.a.expirySeconds: expected an integer >= 1, got 1.5',
      'organizations.acme.environments.prod.caches.b.maxEntryBytes: expected at most maxBytes (100), got 200',
      'organizations.acme.environments.prod.caches[3].name: expected a name of letters, digits, \'.\', \'_\' or \'-\', got nothing',
      'organizations.acme.environments.prod.caches: duplicate cache name "b"',
    ]);
    expect(configProblems(withCaches('none'))).toEqual(['organizations.acme.environments.prod.caches: expected an array, got "none"']);
  });
});
