import { describe, expect, it } from 'vitest';
import { createStatisticsRecorder, OTHER_STATISTIC } from '../../../../src/policies/statistics-collector/create-statistics-recorder.js';
import { statisticsCollectorPolicy, toStatisticValue } from '../../../../src/policies/statistics-collector/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, parsePolicy } from '../policy-test-kit.js';

function counting(): { counts: Map<string, number>; inc(labels: { env: string; proxy: string; statistic: string }): void } {
  const counts = new Map<string, number>();
  return { counts, inc: ({ env, proxy, statistic }) => counts.set(`${env}/${proxy}/${statistic}`, (counts.get(`${env}/${proxy}/${statistic}`) ?? 0) + 1) };
}

describe('StatisticsCollector', () => {
  it('parses Statistics/Statistic with name, ref, type and default text', () => {
    const { config, problems } = parsePolicy(statisticsCollectorPolicy, `<StatisticsCollector name="publishPurchaseDetails">
        <Statistics>
          <Statistic name="productID" ref="product.id" type="string">999999</Statistic>
          <Statistic name="price" ref="product.price" type="float">0</Statistic>
          <Statistic name="channel">web</Statistic>
        </Statistics></StatisticsCollector>`);
    expect(problems).toEqual([]);
    expect(config.statistics).toEqual([
      { name: 'productID', ref: 'product.id', type: 'string', defaultValue: '999999' },
      { name: 'price', ref: 'product.price', type: 'float', defaultValue: '0' },
      { name: 'channel', type: 'string', defaultValue: 'web' },
    ]);
  });

  it('reports bad statistics by element', () => {
    const { problems } = parsePolicy(statisticsCollectorPolicy, `<StatisticsCollector name="SC"><Statistics>
        <Statistic ref="a"/><Statistic name="x y" ref="a"/><Statistic name="n" ref="a" type="decimal"/><Statistic name="empty"/><Statistic name="N" ref="b"/><Statistic name="n" ref="c"/>
      </Statistics></StatisticsCollector>`);
    expect(problems).toEqual([
      'StatisticsCollector SC: <Statistic> needs a name attribute',
      'StatisticsCollector SC: <Statistic name="x y">: a name has letters, digits, "_", "-" and "." (at most 100)',
      'StatisticsCollector SC: <Statistic name="n"> type must be one of string, integer, long, float, double, boolean, got "decimal"',
      'StatisticsCollector SC: <Statistic name="empty"> needs a ref attribute or a default value',
      'StatisticsCollector SC: <Statistic name="N"> appears more than once',
      'StatisticsCollector SC: <Statistic name="n"> appears more than once',
    ]);
    expect(parsePolicy(statisticsCollectorPolicy, '<StatisticsCollector name="SC"/>').problems).toEqual(['StatisticsCollector SC: needs <Statistics> with at least one <Statistic>']);
  });

  it('keeps each value as statistics.<name> in its type, falls back to the default, and counts it', async () => {
    const counter = counting();
    const policy = compilePolicy(statisticsCollectorPolicy, `<StatisticsCollector name="SC"><Statistics>
        <Statistic name="productID" ref="product.id" type="string">999999</Statistic>
        <Statistic name="price" ref="product.price" type="float">0</Statistic>
        <Statistic name="qty" ref="request.queryparam.qty" type="integer"/>
        <Statistic name="gift" ref="request.header.x-gift" type="boolean">false</Statistic>
      </Statistics></StatisticsCollector>`, { services: createTestPolicyServices({ statistics: createStatisticsRecorder('test', counter) }) });
    const ctx = createFlowContext();
    ctx.setVariable('product.price', '12.50');
    ctx.request.queryParams.set('qty', 'many');
    ctx.request.headers.set('x-gift', 'TRUE');
    await policy.execute(ctx);
    expect(ctx.getVariable('statistics.productID')).toBe('999999');
    expect(ctx.getVariable('statistics.price')).toBe(12.5);
    expect(ctx.getVariable('statistics.qty')).toBeUndefined();
    expect(ctx.getVariable('statistics.gift')).toBe(true);
    expect([...counter.counts]).toEqual([['test/api/productID', 1], ['test/api/price', 1], ['test/api/gift', 1]]);
  });

  it('converts values by type', () => {
    expect(toStatisticValue('42', 'integer')).toBe(42);
    expect(toStatisticValue('4294967296', 'integer')).toBeUndefined();
    expect(toStatisticValue('4294967296', 'long')).toBe(4294967296);
    expect(toStatisticValue(7, 'string')).toBe('7');
    expect(toStatisticValue('1e3', 'double')).toBe(1000);
    expect(toStatisticValue('yes', 'boolean')).toBeUndefined();
    expect(toStatisticValue(null, 'string')).toBeUndefined();
  });

  it('caps the distinct statistic names labelled per proxy', () => {
    const counter = counting();
    const recorder = createStatisticsRecorder('prod', counter, 2);
    for (const name of ['a', 'b', 'c', 'a', 'd']) recorder.record('orders', name);
    recorder.record('billing', 'c');
    expect(Object.fromEntries(counter.counts)).toEqual({
      'prod/orders/a': 2, 'prod/orders/b': 1, [`prod/orders/${OTHER_STATISTIC}`]: 2, 'prod/billing/c': 1,
    });
  });
});
