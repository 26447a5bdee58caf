// findMissingResources: the TargetServers and virtual hosts a revision references that a target environment lacks.
import { describe, expect, it } from 'vitest';
import type { TargetServerDefinition } from '../../../src/dataplane/target-server.js';
import { findMissingResources } from '../../../src/promotions/find-missing-resources.js';
import { toReferencingBundle } from './referencing-bundle.js';

const server = (name: string, enabled = true): [string, TargetServerDefinition] => [name, { name, host: '127.0.0.1', port: 9000, enabled }];

describe('findMissingResources', () => {
  const prod = { environment: 'prod', virtualHosts: ['default', 'secure'], targetServers: new Map([server('payments-1'), server('legacy', false)]) };

  it('finds nothing when every referenced TargetServer and virtual host exists', () => {
    expect(findMissingResources(toReferencingBundle({ servers: [['payments-1'], []], virtualHosts: [['default'], []] }), prod)).toEqual([]);
  });

  it('names each missing or disabled TargetServer and each missing virtual host once', () => {
    const bundle = toReferencingBundle({ servers: [['payments-1', 'payments-2'], ['payments-2', 'legacy']], virtualHosts: [['default', 'partner'], ['partner']] });
    expect(findMissingResources(bundle, prod)).toEqual([
      'TargetServer payments-2 does not exist in environment prod',
      'TargetServer legacy is disabled in environment prod',
      'VirtualHost partner does not exist in environment prod',
    ]);
  });

  it('checks the LoadBalancer of ServiceCallout policies too', () => {
    expect(findMissingResources(toReferencingBundle({ calloutServers: [['payments-1', 'lookup']] }), prod)).toEqual([
      'TargetServer lookup does not exist in environment prod',
    ]);
  });
});
