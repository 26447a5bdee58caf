// Virtual hosts through a real gateway (compat §4, §7.1): binding by <VirtualHost>, the self-signed https listener, unknown names.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request, type Dispatcher } from 'undici';
import { BundleError } from '../../src/errors.js';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

interface Echo {
  url: string;
  headers: Record<string, string>;
}

describe('virtual hosts and TLS', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  let https: Agent;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    https = new Agent({ connect: { ca: await readFile(gw.gateway.selfSignedCertificate!), servername: 'localhost' } });
    await gw.deploy('sec', await packProxy({ name: 'sec', basePath: '/sec', virtualHosts: ['secure'], targetEndpoint: toUrlConnection(target.url) }));
    await gw.deploy('both', await packProxy({ name: 'both', basePath: '/both', targetEndpoint: toUrlConnection(target.url) }));
    await gw.deploy('plain', await packProxy({ name: 'plain', basePath: '/plain', virtualHosts: ['default'], targetEndpoint: toUrlConnection(target.url) }));
    await gw.deploy('prodonly', await packProxy({ name: 'prodonly', basePath: '/prodonly', targetEndpoint: toUrlConnection(target.url) }), { environment: 'prod' });
  });
  afterAll(async () => {
    await https?.close();
    await gw?.close();
    await target?.close();
  });

  async function get(base: string, path: string, dispatcher?: Dispatcher): Promise<{ status: number; body: unknown }> {
    const res = await request(`${base}${path}`, dispatcher ? { dispatcher } : {});
    return { status: res.statusCode, body: await res.body.json() };
  }

  const notFound = (vhost: string, path: string): unknown => ({
    status: 404,
    body: { fault: { faultstring: `Unable to identify proxy for host: ${vhost} and url: ${path}`, detail: { errorcode: 'messaging.adaptors.http.flow.ApplicationNotFound', requestId: expect.any(String) } } },
  });

  it('the secure virtual host is https with the self-signed certificate', () => {
    expect(gw.url('test', 'secure')).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(gw.url('test', 'default')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a ProxyEndpoint naming <VirtualHost>secure</VirtualHost> serves only on https', async () => {
    const secure = await get(gw.url('test', 'secure'), '/sec/x', https);
    expect(secure.status).toBe(200);
    expect((secure.body as Echo).url).toBe('/x');
    expect((secure.body as Echo).headers['x-forwarded-proto']).toBe('https');
    expect(await get(gw.url('test', 'default'), '/sec/x')).toEqual(notFound('default', '/sec/x'));
  });

  it('a ProxyEndpoint naming only default serves only on http', async () => {
    expect((await get(gw.url('test', 'default'), '/plain/x')).status).toBe(200);
    expect(await get(gw.url('test', 'secure'), '/plain/x', https)).toEqual(notFound('secure', '/plain/x'));
  });

  it('a ProxyEndpoint without <VirtualHost> serves on both', async () => {
    const plain = await get(gw.url('test', 'default'), '/both/y');
    const secure = await get(gw.url('test', 'secure'), '/both/y', https);
    expect([plain.status, secure.status]).toEqual([200, 200]);
    expect((plain.body as Echo).headers['x-forwarded-proto']).toBe('http');
    expect((secure.body as Echo).headers['x-forwarded-proto']).toBe('https');
  });

  it('a deployment serves only in its own environment', async () => {
    expect((await get(gw.url('prod', 'default'), '/prodonly/z')).status).toBe(200);
    expect(await get(gw.url('test', 'default'), '/prodonly/z')).toEqual(notFound('default', '/prodonly/z'));
  });

  it('a ProxyEndpoint naming an unknown virtual host fails to deploy, naming it and the environment; nothing changes', async () => {
    const runtime = gw.gateway.runtimes.get('demo/test')!;
    const tableBefore = runtime.getRouteTable();
    const deploymentsBefore = gw.gateway.deployments.list('demo');
    const err = await gw.deploy('ghost', await packProxy({ name: 'ghost', basePath: '/ghost', virtualHosts: ['nosuch'], targetEndpoint: toUrlConnection(target.url) }))
      .then(() => new Error('expected the deploy to fail'), (e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).message).toMatch(/virtual host nosuch/);
    expect((err as BundleError).message).toMatch(/environment test/);
    expect((err as BundleError).problems).toEqual([
      { file: 'proxies/default.xml', message: 'ProxyEndpoint default uses virtual host nosuch, which environment test does not have' },
    ]);
    expect(runtime.getRouteTable()).toBe(tableBefore);
    expect(gw.gateway.deployments.list('demo')).toEqual(deploymentsBefore);
    expect(await get(gw.url('test', 'default'), '/ghost/x')).toEqual(notFound('default', '/ghost/x'));
    expect((await get(gw.url('test', 'secure'), '/sec/x', https)).status).toBe(200);
  });
});
