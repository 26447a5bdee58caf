import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { PolicyFault } from '../../../../src/errors.js';
import { createKvmCipher } from '../../../../src/kvms/create-kvm-cipher.js';
import { createKvmService } from '../../../../src/kvms/create-kvm-service.js';
import type { KvmScope } from '../../../../src/kvms/kvm-scope.js';
import { createMemoryStore } from '../../../../src/store/create-memory-store.js';
import type { Store } from '../../../../src/store/store.js';
import { keyValueMapOperationsPolicy } from '../../../../src/policies/key-value-map-operations/execute.js';
import type { PolicyServices } from '../../../../src/policies/policy-services.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const env: KvmScope = { kind: 'environment', organization: 'org', environment: 'test' };

function run(services: PolicyServices, xml: string, vars: Record<string, unknown> = {}): Promise<FlowContext> {
  const policy = compilePolicy(keyValueMapOperationsPolicy, xml, { services });
  const ctx = createFlowContext();
  for (const [name, value] of Object.entries(vars)) ctx.setVariable(name, value);
  return Promise.resolve(policy.execute(ctx)).then(() => ctx);
}

describe('KeyValueMapOperations execute', () => {
  it('gets a value, by index from a multi-valued entry, with a composite key joined by __', async () => {
    const services = createTestPolicyServices();
    await services.kvms.createMap(env, { name: 'FooKVM', encrypted: false, entries: [{ name: 'FooKey_1', values: ['foo', 'bar'] }, { name: 'a__b', values: ['composite'] }] });
    const ctx = await run(services, `
      <KeyValueMapOperations name="Get" mapIdentifier="FooKVM">
        <Get assignTo="first" index="1"><Key><Parameter>FooKey_1</Parameter></Key></Get>
        <Get assignTo="second" index="2"><Key><Parameter>FooKey_1</Parameter></Key></Get>
        <Get assignTo="third" index="3"><Key><Parameter>FooKey_1</Parameter></Key></Get>
        <Get assignTo="all"><Key><Parameter>FooKey_1</Parameter></Key></Get>
        <Get assignTo="composite"><Key><Parameter>a</Parameter><Parameter ref="flow.part"/></Key></Get>
        <Get assignTo="missing"><Key><Parameter>nope</Parameter></Key></Get>
        <Get assignTo="unresolved"><Key><Parameter ref="flow.unset"/></Key></Get>
      </KeyValueMapOperations>`, { 'flow.part': 'b', unresolved: 'kept' });
    expect(['first', 'second', 'third', 'all', 'composite', 'missing', 'unresolved'].map((v) => ctx.getVariable(v)))
      .toEqual(['foo', 'bar', undefined, 'foo,bar', 'composite', undefined, 'kept']);
  });

  it('puts from refs and literals durably before the step ends, respecting override, and deletes', async () => {
    const services = createTestPolicyServices();
    await run(services, `
      <KeyValueMapOperations name="Put" mapIdentifier="urlMapper">
        <Put><Key><Parameter ref="flow.hash"/></Key><Value ref="flow.url"/><Value>second</Value></Put>
      </KeyValueMapOperations>`, { 'flow.hash': 'h1', 'flow.url': 'http://x' });
    expect(services.kvms.read(env, 'urlMapper', 'h1', 0)?.values).toEqual(['http://x', 'second']);
    await run(services, '<KeyValueMapOperations name="P" mapIdentifier="urlMapper"><Put><Key><Parameter>h1</Parameter></Key><Value>ignored</Value></Put></KeyValueMapOperations>');
    expect(services.kvms.read(env, 'urlMapper', 'h1', 0)?.values).toEqual(['http://x', 'second']);
    await run(services, '<KeyValueMapOperations name="P" mapIdentifier="urlMapper"><Put override="true"><Key><Parameter>h1</Parameter></Key><Value>replaced</Value></Put></KeyValueMapOperations>');
    expect(services.kvms.read(env, 'urlMapper', 'h1', 0)?.values).toEqual(['replaced']);
    await run(services, '<KeyValueMapOperations name="D" mapIdentifier="urlMapper"><Delete><Key><Parameter>h1</Parameter></Key></Delete></KeyValueMapOperations>');
    expect(services.kvms.read(env, 'urlMapper', 'h1', 0)).toBeUndefined();
  });

  it('keeps scopes apart: environment, organization, API proxy and revision (policy)', async () => {
    const services = createTestPolicyServices();
    for (const scope of ['environment', 'organization', 'apiproxy', 'policy']) {
      await run(services, `<KeyValueMapOperations name="P" mapIdentifier="m"><Scope>${scope}</Scope><Put override="true"><Key><Parameter>k</Parameter></Key><Value>${scope}</Value></Put></KeyValueMapOperations>`);
    }
    expect(services.kvms.read({ kind: 'organization', organization: 'org' }, 'm', 'k', 0)?.values).toEqual(['organization']);
    expect(services.kvms.read(env, 'm', 'k', 0)?.values).toEqual(['environment']);
    expect(services.kvms.read({ kind: 'apiproxy', organization: 'org', api: 'api' }, 'm', 'k', 0)?.values).toEqual(['apiproxy']);
    expect(services.kvms.read({ kind: 'revision', organization: 'org', api: 'api', revision: 1 }, 'm', 'k', 0)?.values).toEqual(['policy']);
  });

  it('assigns values of an encrypted map only to private. variables (SetVariableFailed, value never in the message)', async () => {
    const services = createTestPolicyServices();
    await services.kvms.createMap(env, { name: 'creds', encrypted: true, entries: [{ name: 'password', values: ['top-secret'] }] });
    const ok = await run(services, '<KeyValueMapOperations name="G" mapIdentifier="creds"><Get assignTo="private.password"><Key><Parameter>password</Parameter></Key></Get></KeyValueMapOperations>');
    expect(ok.getVariable('private.password')).toBe('top-secret');
    const policy = compilePolicy(keyValueMapOperationsPolicy, '<KeyValueMapOperations name="G" mapIdentifier="creds"><Get assignTo="password"><Key><Parameter>password</Parameter></Key></Get></KeyValueMapOperations>', { services });
    const ctx = createFlowContext();
    const fault = await executeExpectingFault(policy, ctx);
    expect(fault).toBeInstanceOf(PolicyFault);
    expect((fault as PolicyFault).errorCode).toBe('steps.keyvaluemapoperations.SetVariableFailed');
    expect((fault as PolicyFault).status).toBe(500);
    expect((fault as PolicyFault).message).not.toContain('top-secret');
    expect(ctx.getVariable('password')).toBeUndefined();
  });

  it('seeds InitialEntries once, on the first request, and never over an existing map', async () => {
    const services = createTestPolicyServices();
    const xml = `
      <KeyValueMapOperations name="Seed" mapIdentifier="seeded">
        <InitialEntries><Entry><Key><Parameter>k</Parameter><Parameter>x</Parameter></Key><Value>initial</Value></Entry></InitialEntries>
        <Get assignTo="value"><Key><Parameter>k</Parameter><Parameter>x</Parameter></Key></Get>
      </KeyValueMapOperations>`;
    const policy = compilePolicy(keyValueMapOperationsPolicy, xml, { services });
    expect(services.kvms.listMaps(env)).toEqual([]);
    const first = createFlowContext();
    await policy.execute(first);
    expect(first.getVariable('value')).toBe('initial');
    await services.kvms.updateEntry(env, 'seeded', { name: 'k__x', values: ['changed'] });
    const again = compilePolicy(keyValueMapOperationsPolicy, xml, { services });
    const second = createFlowContext();
    await again.execute(second);
    expect(second.getVariable('value')).toBe('changed');
  });
});

describe('KeyValueMapOperations Put bounds', () => {
  const put = (key: string, override = false) =>
    `<KeyValueMapOperations name="Put" mapIdentifier="visits"><Put override="${override}"><Key><Parameter>${key}</Parameter></Key><Value>v</Value></Put></KeyValueMapOperations>`;

  it('refuses a new entry in a full map with keyvaluemap.service.keyvaluemap_entry_limit_exceeded; replacing one still works', async () => {
    const store = createMemoryStore();
    const services = createTestPolicyServices({ kvms: createKvmService({ store, cipher: createKvmCipher(randomBytes(32)), now: Date.now, maxEntriesPerMap: 2 }) });
    await run(services, put('a'));
    await run(services, put('b'));
    const ctx = createFlowContext();
    const fault = await executeExpectingFault(compilePolicy(keyValueMapOperationsPolicy, put('c'), { services }), ctx);
    expect(fault).toMatchObject({ errorCode: 'keyvaluemap.service.keyvaluemap_entry_limit_exceeded', status: 500 });
    expect((fault as PolicyFault).message).toContain('visits');
    expect(services.kvms.read(env, 'visits', 'c', 0)).toBeUndefined();
    await run(services, put('a', true));
    expect(services.kvms.listKeys(env, 'visits', { count: 10 })).toEqual(['a', 'b']);
  });

  it('gives up waiting for a commit that does not end with keyvaluemap.service.keyvaluemap_commit_timeout', async () => {
    const base = createMemoryStore();
    const stuck: Store = { ...base, commit: () => new Promise<void>(() => {}) };
    const services = createTestPolicyServices({ kvms: createKvmService({ store: stuck, cipher: createKvmCipher(randomBytes(32)), now: Date.now, requestCommitTimeoutMs: 20 }) });
    const fault = await executeExpectingFault(compilePolicy(keyValueMapOperationsPolicy, put('a'), { services }), createFlowContext());
    expect(fault).toMatchObject({ errorCode: 'keyvaluemap.service.keyvaluemap_commit_timeout', status: 503 });
  });
});
