// The organization-level `allowSelfApproval` config key that lets an ADMIN accept their own promotion.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';

const withOrganization = (extra: Record<string, unknown>): unknown => ({
  organizations: [{ name: 'acme', environments: [{ name: 'prod', virtualHosts: [{ name: 'default', port: 8080 }] }], ...extra }],
  samples: { enabled: false },
});

describe('organizations[].allowSelfApproval', () => {
  it('is false unless set', () => {
    expect(parseConfig(withOrganization({}), {}, '/srv/baton').organizations[0]!.allowSelfApproval).toBe(false);
    expect(parseConfig(withOrganization({ allowSelfApproval: true }), {}, '/srv/baton').organizations[0]!.allowSelfApproval).toBe(true);
  });

  it('must be a boolean', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig(withOrganization({ allowSelfApproval: 'yes' }), {}, '/srv/baton');
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual(['organizations.acme.allowSelfApproval: expected true or false, got "yes"']);
  });
});
