// Prometheus metrics of a real gateway after traffic, failures, deploys and swaps: names, bounded labels, values, the metrics port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createGatedHandler, findClosedPort, startTarget, type StartedTarget } from '../helpers/start-target.js';
import { sampleOf, scrape } from './observability-fixture.js';

const ordersPolicies = {
  'AM-Tag': '<AssignMessage name="AM-Tag"><AssignTo>request</AssignTo><Set><Headers><Header name="x-tag">t</Header></Headers></Set></AssignMessage>',
  'RF-Fail': '<RaiseFault name="RF-Fail"/>',
};

function packOrders(targetUrl: string, label: string): Promise<Uint8Array> {
  return packProxy({
    name: 'orders',
    basePath: '/orders',
    proxyEndpoint: `<PreFlow><Request><Step><Name>AM-Tag</Name></Step></Request></PreFlow>
      <Flows><Flow name="fail"><Condition>proxy.pathsuffix MatchesPath "/fail"</Condition><Request><Step><Name>RF-Fail</Name></Step></Request></Flow></Flows>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(`${targetUrl}/${label}`),
    policies: ordersPolicies,
  });
}

describe('Prometheus metrics of a running gateway', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  let slowTarget: StartedTarget;
  const gate = createGatedHandler();
  const revisionLabels = (proxy: string, revision: number): Record<string, string> => ({ org: 'demo', env: 'test', proxy, revision: String(revision) });

  beforeAll(async () => {
    target = await startTarget();
    slowTarget = await startTarget(gate.handler);
    gw = await startGateway({ customize: (config) => ({ ...config, metrics: { host: '127.0.0.1', port: 0 } }) });
    await gw.deploy('orders', await packOrders(target.url, 'v1'));
    await gw.deploy('down', await packProxy({ name: 'down', basePath: '/down', targetEndpoint: toUrlConnection(`http://127.0.0.1:${await findClosedPort()}`) }));
    await gw.deploy('slow', await packProxy({ name: 'slow', basePath: '/slow', targetEndpoint: toUrlConnection(slowTarget.url, { 'io.timeout.millis': '30000' }) }));
  });
  afterAll(async () => {
    gate.release();
    await gw?.close();
    await target?.close();
    await slowTarget?.close();
  });

  const get = async (path: string): Promise<number> => {
    const res = await request(`${gw.url()}${path}`);
    await res.body.dump();
    return res.statusCode;
  };

  it('counts requests by status class with latency histograms, policy executions and faults, target errors and unrouted requests', async () => {
    expect(await Promise.all([get('/orders/a'), get('/orders/b'), get('/orders/c'), get('/orders/fail'), get('/down/x'), get('/nowhere')])).toEqual([200, 200, 200, 500, 503, 404]);
    const text = await scrape(gw.gateway.adminUrl);
    const orders = revisionLabels('orders', 1);
    expect(sampleOf(text, 'baton_requests_total', { ...orders, status_class: '2xx' })).toBe(3);
    expect(sampleOf(text, 'baton_requests_total', { ...orders, status_class: '5xx' })).toBe(1);
    expect(sampleOf(text, 'baton_requests_total', { ...revisionLabels('down', 1), status_class: '5xx' })).toBe(1);
    expect(sampleOf(text, 'baton_unrouted_requests_total', { org: 'demo', env: 'test', status_class: '4xx' })).toBe(1);
    expect(sampleOf(text, 'baton_request_duration_seconds_count', orders)).toBe(4);
    expect(sampleOf(text, 'baton_request_duration_seconds_bucket', { ...orders, le: '+Inf' })).toBe(4);
    expect(sampleOf(text, 'baton_request_duration_seconds_sum', orders)).toBeGreaterThan(0);
    // The RaiseFault request never reached the target.
    expect(sampleOf(text, 'baton_target_duration_seconds_count', orders)).toBe(3);
    expect(sampleOf(text, 'baton_inflight_requests', orders)).toBe(0);
    expect(sampleOf(text, 'baton_target_errors_total', { ...revisionLabels('down', 1), kind: 'connect' })).toBe(1);
    expect(sampleOf(text, 'baton_policy_executions_total', { org: 'demo', env: 'test', proxy: 'orders', policy_type: 'AssignMessage' })).toBe(4);
    expect(sampleOf(text, 'baton_policy_executions_total', { org: 'demo', env: 'test', proxy: 'orders', policy_type: 'RaiseFault' })).toBe(1);
    expect(sampleOf(text, 'baton_policy_faults_total', { org: 'demo', env: 'test', proxy: 'orders', policy_type: 'RaiseFault' })).toBe(1);
    expect(sampleOf(text, 'baton_policy_faults_total', { policy_type: 'AssignMessage' })).toBeUndefined();
    // Bounded labels only: no path, no client address anywhere.
    expect(text).not.toMatch(/\/orders\/a|127\.0\.0\.1|[{,](path|url|ip|client_ip|client_address)="/);
  });

  it('exports deployment changes by result, store write latency, revision gauges and the process metrics', async () => {
    const conflicting = await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'orders', bytes: await packOrders(target.url, 'v1'), user: 't', validate: true });
    await expect(gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'orders', revision: conflicting.revision, user: 't' })).rejects.toThrow(/conflicts/);
    const text = await scrape(gw.gateway.adminUrl);
    expect(sampleOf(text, 'baton_deployment_changes_total', { org: 'demo', env: 'test', operation: 'deploy', result: 'success' })).toBe(3);
    expect(sampleOf(text, 'baton_deployment_changes_total', { org: 'demo', env: 'test', operation: 'deploy', result: 'failure' })).toBe(1);
    expect(sampleOf(text, 'baton_deployment_change_duration_seconds_count', { operation: 'deploy', result: 'success' })).toBe(3);
    expect(sampleOf(text, 'baton_store_write_duration_seconds_count', { operation: 'commit' })).toBeGreaterThan(0);
    expect(sampleOf(text, 'baton_store_write_duration_seconds_count', { operation: 'blob' })).toBeGreaterThan(0);
    expect(sampleOf(text, 'baton_store_write_failures_total', { operation: 'commit' })).toBe(0);
    expect(sampleOf(text, 'baton_deployed_revisions', { org: 'demo', env: 'test' })).toBe(3);
    expect(sampleOf(text, 'baton_leftover_revisions', { org: 'demo', env: 'test' })).toBe(0);
    expect(sampleOf(text, 'baton_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('keeps the old revision series and adds the new revision after a swap', async () => {
    const next = await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'orders', bytes: await packOrders(target.url, 'v2'), user: 't', validate: true });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'orders', revision: next.revision, override: true, user: 't' });
    expect(await get('/orders/after-swap')).toBe(200);
    expect(target.requests.at(-1)?.url).toBe('/v2/after-swap');
    const text = await scrape(gw.gateway.adminUrl);
    expect(sampleOf(text, 'baton_requests_total', { ...revisionLabels('orders', next.revision), status_class: '2xx' })).toBe(1);
    expect(sampleOf(text, 'baton_requests_total', { ...revisionLabels('orders', 1), status_class: '2xx' })).toBe(3);
    expect(sampleOf(text, 'baton_policy_executions_total', { proxy: 'orders', policy_type: 'AssignMessage' })).toBe(5);
  });

  it('shows a draining revision and its in-flight request until the request ends', async () => {
    const pending = request(`${gw.url()}/slow/held`);
    await slowTarget.waitForRequests(1);
    await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api: 'slow', revision: 1, user: 't' });
    const during = await scrape(gw.gateway.adminUrl);
    expect(sampleOf(during, 'baton_draining_revisions', { org: 'demo', env: 'test' })).toBe(1);
    expect(sampleOf(during, 'baton_inflight_requests', revisionLabels('slow', 1))).toBe(1);
    expect(sampleOf(during, 'baton_deployment_changes_total', { operation: 'undeploy', result: 'success' })).toBe(1);

    gate.release();
    await (await pending).body.dump();
    await gw.gateway.deployments.settle();
    const after = await scrape(gw.gateway.adminUrl);
    expect(sampleOf(after, 'baton_draining_revisions', { org: 'demo', env: 'test' }) ?? 0).toBe(0);
    expect(sampleOf(after, 'baton_inflight_requests', revisionLabels('slow', 1))).toBe(0);
    expect(sampleOf(after, 'baton_requests_total', { ...revisionLabels('slow', 1), status_class: '2xx' })).toBe(1);
    expect(gw.logs.some((l) => l.msg === 'revision drained' && l.api === 'slow' && l.outcome === 'idle')).toBe(true);
  });

  it('serves the same registry on the separate metrics port, without credentials, and nothing else there', async () => {
    const metricsUrl = gw.gateway.metricsUrl!;
    const res = await request(`${metricsUrl}/metrics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.body.text();
    expect(sampleOf(text, 'baton_requests_total', { ...revisionLabels('orders', 1), status_class: '2xx' })).toBe(3);
    const other = await request(`${metricsUrl}/v1/organizations`);
    expect(other.statusCode).toBe(404);
    await other.body.dump();
  });
});
