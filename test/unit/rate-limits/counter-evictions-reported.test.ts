// Evicting live rate-limit counters is visible: baton_rate_limit_counter_evictions_total{env,proxy} and one warning per policy.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createPolicyRuntime } from '../../../src/create-policy-runtime.js';
import { createMetrics } from '../../../src/metrics/create-metrics.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';

describe('rate-limit counter evictions', () => {
  it('are counted per environment and proxy, and warned about once per policy', async () => {
    const config = parseConfig({ limits: { maxRateLimitIdentifiersPerPolicy: 1 } }, {}, '/tmp/baton-evictions');
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }));
    const metrics = createMetrics({ leftoverRevisions: () => new Map(), deployedRevisions: () => new Map() });
    const runtime = createPolicyRuntime({ config, store: createMemoryStore(), logger, now: () => 0, metrics, targetServers: () => new Map() });
    try {
      const { rateLimits } = runtime.forEnvironment('demo', 'test');
      const scope = { apiName: 'orders', policyName: 'Q' };
      for (const id of ['a', 'b', 'c']) rateLimits.consumeQuota(scope, id, { type: 'default', interval: 1, timeUnit: 'minute', allow: 5, weight: 1 }, 0);
      expect(await metrics.registry.metrics()).toContain('baton_rate_limit_counter_evictions_total{env="test",proxy="orders"} 2');
      expect(logs.filter((l) => l.policy === 'Q' && l.api === 'orders')).toHaveLength(1);
    } finally {
      await runtime.close();
    }
  });
});
