// HistogramCell series scrape exactly like prom-client's own histograms (same buckets, cumulative counts, sum and count).
import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { HistogramCell, registerCellHistogram } from '../../../src/metrics/histogram-cell.js';

const bounds = [0.01, 0.1, 1];

describe('HistogramCell', () => {
  it('counts each observation in the first bucket whose bound holds it, the rest above every bound', () => {
    const cell = new HistogramCell(bounds);
    for (const value of [0.005, 0.01, 0.05, 0.5, 2, 30]) cell.observe(value);
    expect([...cell.counts]).toEqual([2, 1, 1, 2]);
    expect(cell.count).toBe(6);
    expect(cell.sum).toBeCloseTo(32.565, 10);
  });

  it('scrapes to the same text as a prom-client histogram fed the same observations', async () => {
    const observations: Array<[string, number]> = [['a', 0.004], ['a', 0.2], ['b', 0.05], ['a', 7], ['b', 0.1]];

    const native = new Registry();
    const histogram = new Histogram({ name: 'x_seconds', help: 'x', labelNames: ['proxy'], buckets: bounds, registers: [native] });
    for (const [proxy, value] of observations) histogram.observe({ proxy }, value);

    const cells = new Map<string, HistogramCell>();
    for (const [proxy, value] of observations) {
      if (!cells.has(proxy)) cells.set(proxy, new HistogramCell(bounds));
      cells.get(proxy)!.observe(value);
    }
    const fromCells = new Registry();
    registerCellHistogram({
      name: 'x_seconds', help: 'x', labelNames: ['proxy'], bounds, registry: fromCells,
      cells: () => [...cells].map(([proxy, cell]) => ({ labels: { proxy }, cell })),
    });

    expect(await fromCells.metrics()).toBe(await native.metrics());
  });

  it('reads the cells at every scrape', async () => {
    const registry = new Registry();
    const cell = new HistogramCell(bounds);
    registerCellHistogram({ name: 'y_seconds', help: 'y', labelNames: ['k'], bounds, registry, cells: () => [{ labels: { k: 'v' }, cell }] });
    expect(await registry.metrics()).toContain('y_seconds_count{k="v"} 0');
    cell.observe(0.5);
    expect(await registry.metrics()).toContain('y_seconds_count{k="v"} 1');
    expect(await registry.metrics()).toContain('y_seconds_bucket{le="1",k="v"} 1');
    const [json] = await registry.getMetricsAsJSON();
    expect(json?.values).toContainEqual(expect.objectContaining({ metricName: 'y_seconds_bucket', labels: { le: 1, k: 'v' }, value: 1 }));
  });
});
