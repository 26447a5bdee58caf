import { describe, expect, it } from 'vitest';
import { builtInRoles } from '../../../src/access/built-in-roles.js';
import { createPrincipal } from '../../../src/access/create-principal.js';
import { permissions, type Permission } from '../../../src/access/principal.js';

/** role → permission → [org-level check, env test, env prod]. */
const matrix: Record<string, Record<Permission, readonly [boolean, boolean, boolean]>> = {
  orgadmin: {
    READ: [true, true, true],
    API_DEFINITION: [true, true, true],
    DEPLOY_UNDEPLOY: [true, true, true],
    ENVIRONMENT_API: [true, true, true],
    API_MANAGEMENT: [true, true, true],
    ADMIN: [true, true, true],
  },
  opsadmin: {
    READ: [true, true, true],
    API_DEFINITION: [false, false, false],
    DEPLOY_UNDEPLOY: [true, true, true],
    ENVIRONMENT_API: [true, true, true],
    API_MANAGEMENT: [false, false, false],
    ADMIN: [false, false, false],
  },
  businessuser: {
    READ: [true, true, true],
    API_DEFINITION: [false, false, false],
    DEPLOY_UNDEPLOY: [false, false, false],
    ENVIRONMENT_API: [false, false, false],
    API_MANAGEMENT: [false, false, false],
    ADMIN: [false, false, false],
  },
  user: {
    READ: [true, true, true],
    API_DEFINITION: [true, true, true],
    DEPLOY_UNDEPLOY: [false, true, false],
    ENVIRONMENT_API: [false, false, false],
    API_MANAGEMENT: [false, false, false],
    ADMIN: [false, false, false],
  },
};

const cases = Object.entries(matrix).flatMap(([role, row]) =>
  permissions.flatMap((permission) => {
    const [orgLevel, inTest, inProd] = row[permission];
    return [
      [role, permission, undefined, orgLevel],
      [role, permission, 'test', inTest],
      [role, permission, 'prod', inProd],
    ] as const;
  }),
);

describe('built-in roles (Apigee orgadmin, opsadmin, businessuser, user)', () => {
  it('are exactly the four of the matrix', () => {
    expect([...builtInRoles.keys()].sort()).toEqual(Object.keys(matrix).sort());
  });

  it.each(cases)('%s has %s in env %s: %s', (role, permission, environment, allowed) => {
    const principal = createPrincipal('u@example.com', 'basic', [{ organization: 'demo', grants: builtInRoles.get(role) ?? [] }]);
    expect(principal.has(permission, 'demo', environment)).toBe(allowed);
    // Nothing carries over to another organization.
    expect(principal.has(permission, 'other', environment)).toBe(false);
    expect(principal.isAdmin).toBe(role === 'orgadmin');
  });

  it('adds up roles: the broadest grant wins, per organization', () => {
    const principal = createPrincipal('u@example.com', 'bearer', [
      { organization: 'demo', grants: [{ permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }] },
      { organization: 'demo', grants: [{ permission: 'DEPLOY_UNDEPLOY', environments: ['prod'] }] },
      { organization: 'other', grants: builtInRoles.get('orgadmin') ?? [] },
    ]);
    expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'test')).toBe(true);
    expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'prod')).toBe(true);
    expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'dev')).toBe(false);
    expect(principal.has('DEPLOY_UNDEPLOY', 'demo')).toBe(false);
    expect(principal.has('ADMIN', 'demo')).toBe(false);
    expect(principal.has('ENVIRONMENT_API', 'other', 'anything')).toBe(true);
    expect(principal.isAdmin).toBe(true);
    expect(principal.method).toBe('bearer');
  });

  it('has no permission in organizations named like Object.prototype members', () => {
    const principal = createPrincipal('u@example.com', 'basic', [{ organization: 'demo', grants: builtInRoles.get('businessuser') ?? [] }]);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(principal.has('READ', name)).toBe(false);
    }
  });
});
