// Data-plane metric cells: one object per revision, status classes, and the series a scrape exports.
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createDataplaneMetrics } from '../../../src/metrics/dataplane-metrics.js';

describe('createDataplaneMetrics', () => {
  it('gives the same cells for the same revision, and separate ones per organization, environment, proxy and revision', () => {
    const metrics = createDataplaneMetrics(new Registry());
    const cells = metrics.forRevision('demo', 'test', 'orders', 1);
    expect(metrics.forRevision('demo', 'test', 'orders', 1)).toBe(cells);
    for (const other of [metrics.forRevision('acme', 'test', 'orders', 1), metrics.forRevision('demo', 'prod', 'orders', 1), metrics.forRevision('demo', 'test', 'billing', 1), metrics.forRevision('demo', 'test', 'orders', 2)]) {
      expect(other).not.toBe(cells);
    }
  });

  it('exports requests by status class, latencies, in-flight requests and target errors by kind', async () => {
    const registry = new Registry();
    const metrics = createDataplaneMetrics(registry);
    const cells = metrics.forRevision('demo', 'test', 'orders', 3);
    cells.observeRequest(200, 0.002);
    cells.observeRequest(204, 0.003);
    cells.observeRequest(503, 0.2);
    cells.observeRequest(499, 1.5);
    cells.targetSeconds.observe(0.001);
    cells.countTargetError('connect');
    cells.countTargetError('connect');
    cells.inflight = 2;
    metrics.forUnrouted('demo', 'test').observe(404);

    const text = await registry.metrics();
    const labels = 'org="demo",env="test",proxy="orders",revision="3"';
    expect(text).toContain(`baton_requests_total{${labels},status_class="2xx"} 2`);
    expect(text).toContain(`baton_requests_total{${labels},status_class="4xx"} 1`);
    expect(text).toContain(`baton_requests_total{${labels},status_class="5xx"} 1`);
    expect(text).not.toContain('status_class="3xx"');
    expect(text).toContain(`baton_request_duration_seconds_count{${labels}} 4`);
    expect(text).toContain(`baton_request_duration_seconds_bucket{le="0.0025",${labels}} 1`);
    expect(text).toContain(`baton_target_duration_seconds_count{${labels}} 1`);
    expect(text).toContain(`baton_inflight_requests{${labels}} 2`);
    expect(text).toContain(`baton_target_errors_total{${labels},kind="connect"} 2`);
    expect(text).toContain('baton_unrouted_requests_total{org="demo",env="test",status_class="4xx"} 1');
  });

  it('keeps counting across scrapes (counters never go back)', async () => {
    const registry = new Registry();
    const metrics = createDataplaneMetrics(registry);
    metrics.forRevision('demo', 'test', 'orders', 1).observeRequest(200, 0.01);
    await registry.metrics();
    metrics.forRevision('demo', 'test', 'orders', 1).observeRequest(200, 0.01);
    expect(await registry.metrics()).toContain('baton_requests_total{org="demo",env="test",proxy="orders",revision="1",status_class="2xx"} 2');
  });
});
