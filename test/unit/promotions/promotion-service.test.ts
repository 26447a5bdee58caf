// The promotion service over fakes: one pending per API and target, who may decide, failed accepts, audit.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createPrincipal } from '../../../src/access/create-principal.js';
import type { Principal } from '../../../src/access/principal.js';
import type { AuditEntry, AuditLog } from '../../../src/audit/audit-log.js';
import type { OrganizationConfig } from '../../../src/config.js';
import type { DeploymentRecord } from '../../../src/deployments/deployment-records.js';
import type { DeployInput, DeploymentService, DeployResult, HistoryNoteInput } from '../../../src/deployments/deployment-service.js';
import type { EnvironmentRuntime } from '../../../src/deployments/environment-runtime.js';
import { AdminError } from '../../../src/errors.js';
import { createPromotionService, type PromotionService } from '../../../src/promotions/promotion-service.js';
import type { RevisionRecord } from '../../../src/revisions/revision-records.js';
import type { RevisionService } from '../../../src/revisions/revision-service.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { toReferencingBundle } from './referencing-bundle.js';

const requester = createPrincipal('dev@x.test', 'basic', [{ organization: 'demo', grants: [{ permission: 'API_DEFINITION' }, { permission: 'ENVIRONMENT_API' }] }]);
const approver = createPrincipal('ops@x.test', 'basic', [{ organization: 'demo', grants: [{ permission: 'READ' }, { permission: 'ENVIRONMENT_API' }] }]);
const testOnlyApprover = createPrincipal('qa@x.test', 'basic', [{ organization: 'demo', grants: [{ permission: 'ENVIRONMENT_API', environments: ['test'] }] }]);
const reader = createPrincipal('read@x.test', 'basic', [{ organization: 'demo', grants: [{ permission: 'READ' }] }]);
const admin = createPrincipal('admin@x.test', 'basic', [{ organization: 'demo', grants: [{ permission: 'ADMIN' }] }]);

interface Fixture {
  readonly service: PromotionService;
  readonly store: Store;
  readonly deploys: DeployInput[];
  readonly audit: AuditEntry[];
  /** The next deploy fails with this error. */
  failNextDeploy(err: Error): void;
}

function environment(name: string) {
  return { name, description: '', properties: {}, virtualHosts: [], targetServers: [] };
}

function createFixture(options: { allowSelfApproval?: boolean; prodServers?: readonly string[]; store?: Store } = {}): Fixture {
  const store = options.store ?? createMemoryStore();
  const deploys: DeployInput[] = [];
  const audit: AuditEntry[] = [];
  const records: DeploymentRecord[] = [
    { organization: 'demo', environment: 'test', api: 'orders', revision: 2, basePath: '/orders', deployedAt: 1, deployedBy: 'ci' },
    { organization: 'demo', environment: 'test', api: 'billing', revision: 1, basePath: '/', deployedAt: 1, deployedBy: 'ci' },
  ];
  let failure: Error | undefined;
  const deployments = {
    list: (org: string, filter?: { environment?: string; api?: string }) =>
      records.filter((r) => r.organization === org && r.environment === filter?.environment && r.api === filter?.api),
    async deploy(input: DeployInput): Promise<DeployResult> {
      // A turn of the event loop, so concurrent accepts really overlap.
      await new Promise((resolve) => setImmediate(resolve));
      if (failure) {
        const err = failure;
        failure = undefined;
        throw err;
      }
      deploys.push(input);
      const deployed: DeploymentRecord = { organization: input.organization, environment: input.environment, api: input.api, revision: input.revision, basePath: input.basePath ?? '/', deployedAt: 2, deployedBy: input.user };
      records.push(deployed);
      const history = { id: `h${deploys.length}` } as DeployResult['history'];
      return { deployed, replaced: [], changed: true, leftovers: [], history };
    },
    // The promotion and its history note are one commit; this stand-in stores only the promotion's ops.
    async recordHistoryNote(input: HistoryNoteInput) {
      await store.commit(input.ops ?? []);
      return {};
    },
  } as unknown as DeploymentService;
  const revisions = {
    getApi: (_org: string, api: string) => (['orders', 'billing'].includes(api) ? { name: api } : undefined),
    getRevision: (_org: string, api: string, revision: number) => ({ api, revision } as RevisionRecord),
    loadBundle: async () => toReferencingBundle({ servers: [['payments-1']], virtualHosts: [['default']] }),
  } as unknown as RevisionService;
  const runtime = (servers: readonly string[]) => ({
    options: { virtualHosts: ['default'], targetServers: new Map(servers.map((name) => [name, { name, host: 'h', port: 1, enabled: true }])) },
  }) as unknown as EnvironmentRuntime;
  const organizations: OrganizationConfig[] = [{
    name: 'demo', displayName: 'Demo', properties: {}, environments: [environment('test'), environment('prod')], allowSelfApproval: options.allowSelfApproval ?? false,
  }];
  const auditLog: AuditLog = { record: async (entry) => void audit.push({ ...entry, time: 0 }), list: () => audit };
  let clock = 1000;
  let ids = 0;
  const service = createPromotionService({
    store, revisions, deployments, organizations, audit: auditLog, logger: pino({ level: 'silent' }),
    runtimes: new Map([['demo/test', runtime(['payments-1'])], ['demo/prod', runtime(options.prodServers ?? ['payments-1'])]]),
    now: () => ++clock, createId: () => `p${++ids}`,
  });
  return { service, store, deploys, audit, failNextDeploy: (err) => void (failure = err) };
}

async function codeOf(run: Promise<unknown>): Promise<string> {
  const err: unknown = await run.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected the call to fail').toBeInstanceOf(AdminError);
  return (err as AdminError).code;
}

const requestOrders = (service: PromotionService, by: Principal = requester, comment?: string) =>
  service.request({ organization: 'demo', api: 'orders', from: 'test', to: 'prod', ...(comment !== undefined ? { comment } : {}) }, by);

describe('requesting a promotion', () => {
  it('records a pending promotion of the revision serving in the source environment, and audits it', async () => {
    const { service, audit } = createFixture();
    const promotion = await requestOrders(service, requester, 'ready for prod');
    expect(promotion).toMatchObject({
      id: 'p1', organization: 'demo', api: 'orders', revision: 2, from: 'test', to: 'prod', state: 'pending',
      comment: 'ready for prod', requestedBy: 'dev@x.test', sourceBasePath: '/orders',
      history: [{ action: 'request', by: 'dev@x.test', comment: 'ready for prod' }],
    });
    expect(audit).toEqual([expect.objectContaining({
      operation: 'request-promotion', user: 'dev@x.test', target: 'apis/orders/promotions/p1', result: 'success',
      details: expect.objectContaining({ promotion: 'p1', revision: 2, from: 'test', to: 'prod', comment: 'ready for prod', status: 201 }),
    })]);
  });

  it('lets exactly one of concurrent requests for the same API and target through; the others name it', async () => {
    const { service } = createFixture();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => requestOrders(service)));
    const created = results.filter((r) => r.status === 'fulfilled');
    expect(created).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(r.reason).toMatchObject({ code: 'baton.promotions.PromotionPending', status: 409, details: { pending: 'p1' } });
      expect((r.reason as Error).message).toContain('p1');
    }
    // Another API to the same target is independent.
    await expect(service.request({ organization: 'demo', api: 'billing', from: 'test', to: 'prod' }, requester)).resolves.toMatchObject({ state: 'pending' });
  });

  it('allows a new request once the pending one is rejected or accepted', async () => {
    const { service } = createFixture();
    const first = await requestOrders(service);
    await service.reject('demo', first.id, { reason: 'not yet' }, approver);
    const second = await requestOrders(service);
    await service.accept('demo', second.id, {}, approver);
    await expect(requestOrders(service)).resolves.toMatchObject({ id: 'p3', state: 'pending' });
  });

  it('checks existence, permission and input, auditing refusals', async () => {
    const { service, audit } = createFixture();
    expect(await codeOf(service.request({ organization: 'nope', api: 'orders', from: 'test', to: 'prod' }, requester))).toBe('messaging.config.beans.OrganizationDoesNotExist');
    expect(await codeOf(requestOrders(service, approver))).toBe('security.Forbidden');
    expect(await codeOf(service.request({ organization: 'demo', api: 'orders', from: 'test', to: 'qa' }, requester))).toBe('messaging.config.beans.EnvironmentDoesNotExist');
    expect(await codeOf(service.request({ organization: 'demo', api: 'orders', from: 'test', to: 'test' }, requester))).toBe('messaging.config.beans.InvalidParameter');
    expect(await codeOf(service.request({ organization: 'demo', api: 'ghost', from: 'test', to: 'prod' }, requester))).toBe('messaging.config.beans.ApplicationDoesNotExist');
    expect(await codeOf(service.request({ organization: 'demo', api: 'orders', from: 'prod', to: 'test' }, requester))).toBe('distribution.ApplicationNotDeployed');
    expect(audit.map((e) => [e.result, e.details?.status])).toEqual([[`failure`, 404], ['failure', 403], ['failure', 404], ['failure', 400], ['failure', 404], ['failure', 400]]);
  });
});

describe('accepting a promotion', () => {
  it('deploys with a seamless swap where the proxy serves in the source, records the result and audits it', async () => {
    const { service, deploys, audit } = createFixture();
    const { id } = await requestOrders(service, requester, 'go');
    const accepted = await service.accept('demo', id, { delaySeconds: 5, comment: 'approved' }, approver);
    expect(deploys).toEqual([{
      organization: 'demo', environment: 'prod', api: 'orders', revision: 2, basePath: '/orders', override: true, delaySeconds: 5, user: 'ops@x.test',
      history: { kind: 'promotion', description: 'approved', source: `promotion ${id}` },
    }]);
    expect(accepted).toMatchObject({
      state: 'accepted', decidedBy: 'ops@x.test', lastAttempt: { result: 'success', by: 'ops@x.test' },
      deployment: { environment: 'prod', basePath: '/orders', revision: 2, replaced: [], changed: true, historyId: 'h1' },
    });
    expect(accepted.history.map((h) => h.action)).toEqual(['request', 'accept']);
    expect(audit.at(-1)).toMatchObject({ operation: 'accept-promotion', user: 'ops@x.test', target: `apis/orders/promotions/${id}`, result: 'success', details: { basePath: '/orders', comment: 'approved', status: 200 } });
    // An API already promoted is promoted again at the base path it now has in the target.
    const again = await requestOrders(service);
    await service.accept('demo', again.id, {}, approver);
    expect(deploys[1]).toMatchObject({ basePath: '/orders', delaySeconds: 0, history: { description: 'Promoted orders revision 2 from test to prod' } });
  });

  it('deploys once when accepted twice at the same time; the other is told it is no longer pending', async () => {
    const { service, deploys } = createFixture();
    const { id } = await requestOrders(service);
    const [a, b] = await Promise.allSettled([service.accept('demo', id, {}, approver), service.accept('demo', id, {}, admin)]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = [a, b].find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).toMatchObject({ code: 'baton.promotions.PromotionNotPending', status: 409 });
    expect(deploys).toHaveLength(1);
    expect(await codeOf(service.reject('demo', id, {}, approver))).toBe('baton.promotions.PromotionNotPending');
  });

  it('leaves the promotion pending with the reason when the target lacks a TargetServer, without deploying', async () => {
    const { service, deploys, audit } = createFixture({ prodServers: [] });
    const { id } = await requestOrders(service);
    const err = await service.accept('demo', id, {}, approver).catch((e: unknown) => e as AdminError);
    expect(err).toMatchObject({ code: 'baton.promotions.MissingEnvironmentResources', status: 409, details: { missing: ['TargetServer payments-1 does not exist in environment prod'] } });
    expect(deploys).toEqual([]);
    const after = service.get('demo', id, reader);
    expect(after).toMatchObject({ state: 'pending', lastAttempt: { result: 'failure', by: 'ops@x.test', reason: 'TargetServer payments-1 does not exist in environment prod' } });
    expect(after.history.map((h) => h.action)).toEqual(['request', 'accept-failed']);
    expect(audit.at(-1)).toMatchObject({ operation: 'accept-promotion', result: 'failure', details: { status: 409, code: 'baton.promotions.MissingEnvironmentResources' } });
    expect(service.listTasks('demo', 'prod', approver).map((p) => p.id)).toEqual([id]);
  });

  it('leaves the promotion pending with the reason when the deploy fails, and rethrows its error', async () => {
    const fixture = createFixture();
    const { id } = await requestOrders(fixture.service);
    fixture.failNextDeploy(new AdminError('BasePathConflict', ['/orders', 4, 'other', 'demo']));
    expect(await codeOf(fixture.service.accept('demo', id, {}, approver))).toBe('messaging.config.beans.BasePathConflict');
    expect(fixture.service.get('demo', id, reader).lastAttempt?.reason).toMatch(/^Path \/orders conflicts/);
    fixture.failNextDeploy(new Error('disk on fire at /var/lib/secret'));
    await expect(fixture.service.accept('demo', id, {}, approver)).rejects.toThrow('disk on fire');
    expect(fixture.service.get('demo', id, reader).lastAttempt?.reason).not.toContain('secret');
    await expect(fixture.service.accept('demo', id, {}, approver)).resolves.toMatchObject({ state: 'accepted' });
  });

  it('needs ENVIRONMENT_API on the target, and a second person unless an ADMIN may approve their own', async () => {
    const plain = createFixture();
    const mine = await requestOrders(plain.service);
    expect(await codeOf(plain.service.accept('demo', mine.id, {}, reader))).toBe('security.Forbidden');
    expect(await codeOf(plain.service.accept('demo', mine.id, {}, testOnlyApprover))).toBe('security.Forbidden');
    expect(await codeOf(plain.service.reject('demo', mine.id, {}, testOnlyApprover))).toBe('security.Forbidden');
    expect(await codeOf(plain.service.accept('demo', mine.id, {}, requester))).toBe('baton.promotions.SelfApprovalForbidden');
    expect(await codeOf(plain.service.accept('demo', 'p404', {}, approver))).toBe('baton.promotions.PromotionDoesNotExist');

    const byAdmin = await plain.service.reject('demo', mine.id, {}, approver).then(() => requestOrders(plain.service, admin));
    expect(await codeOf(plain.service.accept('demo', byAdmin.id, {}, admin))).toBe('baton.promotions.SelfApprovalForbidden');

    const allowing = createFixture({ allowSelfApproval: true });
    const own = await requestOrders(allowing.service);
    expect(await codeOf(allowing.service.accept('demo', own.id, {}, requester))).toBe('baton.promotions.SelfApprovalForbidden');
    await allowing.service.reject('demo', own.id, {}, approver);
    const adminOwn = await requestOrders(allowing.service, admin);
    await expect(allowing.service.accept('demo', adminOwn.id, {}, admin)).resolves.toMatchObject({ state: 'accepted', decidedBy: 'admin@x.test' });
  });
});

describe('rejecting and listing', () => {
  it('rejects with a reason, drops the task and keeps the history', async () => {
    const { service, audit } = createFixture();
    const { id } = await requestOrders(service);
    expect(service.listTasks('demo', 'prod', approver).map((p) => p.id)).toEqual([id]);
    const rejected = await service.reject('demo', id, { reason: 'freeze' }, approver);
    expect(rejected).toMatchObject({ state: 'rejected', reason: 'freeze', decidedBy: 'ops@x.test' });
    expect(rejected.history.map((h) => [h.action, h.reason])).toEqual([['request', undefined], ['reject', 'freeze']]);
    expect(service.listTasks('demo', 'prod', approver)).toEqual([]);
    expect(audit.at(-1)).toMatchObject({ operation: 'reject-promotion', result: 'success', details: { reason: 'freeze' } });
  });

  it('filters the organization list by API, state and target; tasks need ENVIRONMENT_API there', async () => {
    const { service } = createFixture();
    const orders = await requestOrders(service);
    const billing = await service.request({ organization: 'demo', api: 'billing', from: 'test', to: 'prod' }, requester);
    await service.reject('demo', billing.id, {}, approver);
    expect(service.list('demo', {}, reader).map((p) => p.id)).toEqual([orders.id, billing.id]);
    expect(service.list('demo', { state: 'pending' }, reader).map((p) => p.id)).toEqual([orders.id]);
    expect(service.list('demo', { api: 'billing', to: 'prod' }, reader).map((p) => p.id)).toEqual([billing.id]);
    expect(service.list('demo', { to: 'test' }, reader)).toEqual([]);
    expect(await codeOf(Promise.resolve().then(() => service.list('demo', {}, testOnlyApprover)))).toBe('security.Forbidden');
    expect(await codeOf(Promise.resolve().then(() => service.listTasks('demo', 'prod', testOnlyApprover)))).toBe('security.Forbidden');
    expect(service.listTasks('demo', 'test', testOnlyApprover)).toEqual([]);
  });

  it('keeps promotions and their history in the store: a new service over it sees them', async () => {
    const first = createFixture();
    const { id } = await requestOrders(first.service);
    await first.service.accept('demo', id, {}, approver).catch(() => undefined);
    const second = createFixture({ store: first.store });
    expect(second.service.get('demo', id, reader)).toMatchObject({ id, state: 'accepted' });
  });
});
