// Counted policies: executions and faults per policy type, through sync and async execute, with parse and close untouched.
import { describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { createPolicyRegistry } from '../../../src/policies/policy-registry.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../../../src/policies/policy-type.js';
import { createPolicyMetrics, toCountedPolicyRegistry } from '../../../src/metrics/policy-metrics.js';
import type { FlowContext } from '../../../src/engine/flow-context.js';

type Behaviour = 'ok' | 'throw' | 'resolve' | 'reject';

const close = vi.fn();
const parse = vi.fn(() => ({ parsed: true }));
const testType: PolicyType<{ parsed: boolean }> = {
  type: 'Test',
  parse,
  compile: (_config, ctx): CompiledPolicy => ({
    readsContent: true,
    close,
    execute() {
      const behaviour = ctx.policy.name as Behaviour;
      if (behaviour === 'throw') throw new Error('sync fault');
      if (behaviour === 'resolve') return Promise.resolve();
      if (behaviour === 'reject') return Promise.reject(new Error('async fault'));
      return undefined;
    },
  }),
};

function compileContext(name: Behaviour, proxy = 'orders'): PolicyCompileContext {
  return {
    policy: { name, type: 'Test', file: `policies/${name}.xml`, enabled: true, continueOnError: false, config: {} },
    resources: new Map(), organization: 'demo', apiName: proxy, revision: 1, environment: 'test', services: {} as PolicyCompileContext['services'],
  };
}

describe('toCountedPolicyRegistry', () => {
  const registry = new Registry();
  const metrics = createPolicyMetrics(registry);
  const counted = toCountedPolicyRegistry(createPolicyRegistry([testType as PolicyType]), metrics);
  const ctx = {} as FlowContext;
  const compile = (name: Behaviour, proxy?: string): CompiledPolicy => counted.get('Test')!.compile({}, compileContext(name, proxy));

  it('keeps parse, readsContent, close and the supported types of the wrapped registry', async () => {
    expect(counted.supportedTypes).toEqual(['Test']);
    expect(counted.get('Unknown')).toBeUndefined();
    expect(counted.get('Test')).toBe(counted.get('Test'));
    expect(counted.get('Test')!.parse({} as never, {} as never)).toEqual({ parsed: true });
    const policy = compile('ok');
    expect(policy.readsContent).toBe(true);
    await policy.close?.();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('counts executions and faults of sync and async policies, and rethrows the fault unchanged', async () => {
    const cell = metrics.forPolicy('demo', 'test', 'orders', 'Test');
    const before = { executions: cell.executions, faults: cell.faults };
    expect(compile('ok').execute(ctx)).toBeUndefined();
    expect(() => compile('throw').execute(ctx)).toThrow('sync fault');
    await expect(compile('resolve').execute(ctx)).resolves.toBeUndefined();
    await expect(compile('reject').execute(ctx)).rejects.toThrow('async fault');
    expect(cell.executions - before.executions).toBe(4);
    expect(cell.faults - before.faults).toBe(2);
  });

  it('exports both counters per proxy and policy type', async () => {
    compile('ok', 'billing').execute(ctx);
    const text = await registry.metrics();
    expect(text).toContain('baton_policy_executions_total{org="demo",env="test",proxy="billing",policy_type="Test"} 1');
    expect(text).toMatch(/baton_policy_faults_total\{org="demo",env="test",proxy="orders",policy_type="Test"\} 2/);
    expect(text).not.toMatch(/baton_policy_faults_total\{[^}]*proxy="billing"/);
  });
});
