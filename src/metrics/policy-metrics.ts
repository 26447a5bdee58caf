// Policy executions and faults per policy type, counted by wrapping each compiled policy at deploy (the flow runner stays unaware).
import { Counter, type Registry } from 'prom-client';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { CompiledPolicy, PolicyType } from '../policies/policy-type.js';

/** Counts of one policy type in one proxy of one environment (all revisions together). */
export class PolicyCell {
  readonly labels: Readonly<{ org: string; env: string; proxy: string; policy_type: string }>;
  executions = 0;
  faults = 0;

  constructor(labels: PolicyCell['labels']) {
    this.labels = labels;
  }
}

export interface PolicyMetrics {
  forPolicy(org: string, env: string, proxy: string, policyType: string): PolicyCell;
}

export function createPolicyMetrics(registry: Registry): PolicyMetrics {
  const cells = new Map<string, PolicyCell>();
  new Counter({
    name: 'baton_policy_executions_total',
    help: 'Policy steps executed (their condition held), by policy type',
    labelNames: ['org', 'env', 'proxy', 'policy_type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of cells.values()) if (cell.executions > 0) this.inc(cell.labels, cell.executions);
    },
  });
  new Counter({
    name: 'baton_policy_faults_total',
    help: 'Policy steps that raised a fault (continueOnError ones included), by policy type',
    labelNames: ['org', 'env', 'proxy', 'policy_type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of cells.values()) if (cell.faults > 0) this.inc(cell.labels, cell.faults);
    },
  });
  return {
    forPolicy(org, env, proxy, policyType) {
      const key = `${org}\0${env}\0${proxy}\0${policyType}`;
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = new PolicyCell({ org, env, proxy, policy_type: policyType })));
      return cell;
    },
  };
}

/** The compiled policy with a counting execute: one increment, and no allocation unless the policy itself is async. */
function toCountedPolicy(inner: CompiledPolicy, cell: PolicyCell): CompiledPolicy {
  const onFault = (err: unknown): never => {
    cell.faults++;
    throw err;
  };
  return {
    readsContent: inner.readsContent,
    ...(inner.close ? { close: () => inner.close?.() } : {}),
    execute(ctx) {
      cell.executions++;
      let result: void | Promise<void>;
      try {
        result = inner.execute(ctx);
      } catch (err) {
        return onFault(err);
      }
      return result === undefined ? undefined : result.then(undefined, onFault);
    },
  };
}

/** A registry whose policy types compile into counted policies; parsing is unchanged. */
export function toCountedPolicyRegistry(registry: PolicyRegistry, metrics: PolicyMetrics): PolicyRegistry {
  const counted = new Map<string, PolicyType>();
  return {
    supportedTypes: registry.supportedTypes,
    get(typeName) {
      const known = counted.get(typeName);
      if (known) return known;
      const inner = registry.get(typeName);
      if (!inner) return undefined;
      const type: PolicyType = {
        type: inner.type,
        parse: (el, ctx) => inner.parse(el, ctx),
        compile: (config, ctx) => toCountedPolicy(inner.compile(config, ctx), metrics.forPolicy(ctx.organization, ctx.environment, ctx.apiName, inner.type)),
      };
      counted.set(typeName, type);
      return type;
    },
  };
}
