// StatisticsCollector through a real gateway: values become statistics.<name> flow variables and counts appear at /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

describe('StatisticsCollector', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway();
    await gw.deploy('shop', await packProxy({
      name: 'shop',
      basePath: '/shop',
      proxyEndpoint: `<PreFlow><Request><Step><Name>SC-Purchase</Name></Step></Request><Response><Step><Name>AM-Echo</Name></Step></Response></PreFlow><RouteRule name="none"/>`,
      policies: {
        'SC-Purchase': `<StatisticsCollector name="SC-Purchase"><Statistics>
            <Statistic name="productID" ref="request.queryparam.product" type="string">unknown</Statistic>
            <Statistic name="price" ref="request.queryparam.price" type="float">0</Statistic>
          </Statistics></StatisticsCollector>`,
        'AM-Echo': '<AssignMessage name="AM-Echo"><AssignTo>response</AssignTo><Set><Payload contentType="text/plain">{statistics.productID} {statistics.price}</Payload></Set></AssignMessage>',
      },
    }));
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('keeps the values as flow variables and counts them in the Prometheus metrics', async () => {
    const first = await request(`${gw.url()}/shop?product=p-1&price=9.5`);
    expect(await first.body.text()).toBe('p-1 9.5');
    const second = await request(`${gw.url()}/shop`);
    expect(await second.body.text()).toBe('unknown 0');
    const metrics = await request(`${gw.gateway.adminUrl}/metrics`);
    const text = await metrics.body.text();
    expect(text).toContain('baton_statistics_collected_total{env="test",proxy="shop",statistic="productID"} 2');
    expect(text).toContain('baton_statistics_collected_total{env="test",proxy="shop",statistic="price"} 2');
    expect(text).toContain('# TYPE baton_message_logging_dropped_total counter');
  });
});
