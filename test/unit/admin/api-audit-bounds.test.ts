// Audit records of API changes stay bounded whatever text a request carries (a 1 MB developer email, a huge map name).
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AdminDeps } from '../../../src/admin/admin-deps.js';
import { withApiAudit } from '../../../src/admin/routes/api-audit.js';
import type { AuditEntry } from '../../../src/audit/audit-log.js';
import { AdminError } from '../../../src/errors.js';
import { defaultConfig } from '../../../src/config/default-config.js';

function auditDeps(): { entries: Array<Omit<AuditEntry, 'time'>>; deps: Pick<AdminDeps, 'audit' | 'config'> } {
  const entries: Array<Omit<AuditEntry, 'time'>> = [];
  const deps = {
    audit: { record: async (entry: Omit<AuditEntry, 'time'>) => void entries.push(entry), list: () => [] },
    config: { limits: defaultConfig.limits } as AdminDeps['config'],
  };
  return { entries, deps };
}

const request = { principal: { user: 'ops@example.com' }, headers: { 'content-type': 'application/json' } } as unknown as FastifyRequest;

describe('API change audit records', () => {
  it('a refused change naming a 1 MB developer keeps a bounded target', async () => {
    const { entries, deps } = auditDeps();
    const email = `${'a'.repeat(1024 * 1024)}@example.com`;
    await expect(withApiAudit(deps, request, { organization: 'demo', operation: 'create-developer', target: `developers/${email}` }, async () => {
      throw new AdminError('Forbidden', ['ops@example.com', 'API_MANAGEMENT']);
    })).rejects.toThrow(AdminError);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ operation: 'create-developer', result: 'failure', details: { status: 403, code: 'security.Forbidden' } });
    expect(entries[0]!.target.length).toBeLessThanOrEqual(256);
    expect(entries[0]!.target.startsWith('developers/aaa')).toBe(true);
  });

  it('a successful change bounds its target and its success target, and the organization', async () => {
    const { entries, deps } = auditDeps();
    const long = 'm'.repeat(100_000);
    await withApiAudit(deps, request, { organization: long, operation: 'create-kvm', target: `keyvaluemaps/${long}`, successTarget: () => `keyvaluemaps/${long}/entries` }, async () => 'ok');
    expect(entries[0]!.target.length).toBeLessThanOrEqual(256);
    expect(entries[0]!.organization.length).toBeLessThanOrEqual(256);
  });
});
