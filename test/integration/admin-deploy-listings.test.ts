// Deployment listings over the management API (compat §3.8-3.9): exact JSON shapes, empty cases, the XML form,
// and a replaced revision listed as draining during its delay, through a real gateway.
import { DOMParser } from '@xmldom/xmldom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import xpath from 'xpath';
import type { AdminResponse } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** A proxy that answers at its ProxyEndpoint base path, without a target. */
function mockBundle(name: string, basePath: string): Promise<Uint8Array> {
  return packBundle({
    [`apiproxy/${name}.xml`]: `<APIProxy name="${name}"/>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/AM-Answer.xml': '<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo><Set><Payload>ok</Payload></Set></AssignMessage>',
  });
}

interface ServerJson { status: string; type: string[]; uUID: string }

function json<T = unknown>(response: AdminResponse): T {
  expect(response.status, response.text()).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json<T>();
}

/** Replaces every `server` array by its [type, status] pairs after checking both servers are there. */
function withServers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withServers);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => {
    if (key !== 'server') return [key, withServers(v)];
    const servers = v as ServerJson[];
    return [key, servers.map((s) => `${s.type.join()}:${s.status}`)];
  }));
}

const servers = (state: string) => [`message-processor:${state}`, `router:${state}`];
const entry = (name: string, basePath = '/') => ({ configuration: { basePath, steps: [] }, name, server: servers('deployed'), state: 'deployed' });
/** A revision left deployed at another base path after a newer one was deployed (Baton's added flag). */
const leftover = (name: string, basePath: string) => ({ ...entry(name, basePath), baton: { leftover: true } });

describe('deployment listings', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startGateway();
    for (const api of ['weather', 'hotels']) {
      for (let i = 0; i < 3; i++) await gw.gateway.revisions.importRevision({ organization: 'demo', api, bytes: await mockBundle(api, `/${api}`), user: 't', validate: true });
    }
  });
  afterEach(() => gw.close());

  const deploy = async (env: string, api: string, revision: number, query: Record<string, string> = {}) =>
    json(await gw.admin.post(`/v1/o/demo/e/${env}/apis/${api}/revisions/${revision}/deployments`, { query }));

  it('answers every listing with its empty form when nothing is deployed; env+proxy is 400 ApplicationNotDeployed', async () => {
    expect(json(await gw.admin.get('/v1/o/demo/apis/hotels/deployments'))).toEqual({ environment: [], name: 'hotels', organization: 'demo' });
    expect(json(await gw.admin.get('/v1/o/demo/e/test/deployments'))).toEqual({ aPIProxy: [], name: 'test', organization: 'demo' });
    expect(json(await gw.admin.get('/v1/o/demo/apis/hotels/revisions/1/deployments'))).toEqual({ aPIProxy: 'hotels', environment: [], name: '1', organization: 'demo' });
    expect(json(await gw.admin.get('/v1/o/demo/deployments'))).toEqual({ environment: [], name: 'demo' });
    const none = await gw.admin.get('/v1/o/demo/e/test/apis/hotels/deployments');
    expect(none.status).toBe(400);
    expect(none.json()).toEqual({ code: 'distribution.ApplicationNotDeployed', message: 'Application hotels is not deployed in environment test', contexts: [] });
  });

  it('answers 404 for unknown environments, proxies and revisions', async () => {
    const codeOf = async (path: string) => {
      const response = await gw.admin.get(path);
      return [response.status, response.json<{ code: string }>().code];
    };
    expect(await codeOf('/v1/o/demo/apis/ghost/deployments')).toEqual([404, 'messaging.config.beans.ApplicationDoesNotExist']);
    expect(await codeOf('/v1/o/demo/e/nope/deployments')).toEqual([404, 'messaging.config.beans.EnvironmentDoesNotExist']);
    expect(await codeOf('/v1/o/demo/e/nope/apis/hotels/deployments')).toEqual([404, 'messaging.config.beans.EnvironmentDoesNotExist']);
    expect(await codeOf('/v1/o/demo/e/test/apis/ghost/deployments')).toEqual([404, 'messaging.config.beans.ApplicationDoesNotExist']);
    expect(await codeOf('/v1/o/demo/apis/hotels/revisions/9/deployments')).toEqual([404, 'messaging.config.beans.RevisionDoesNotExist']);
    expect(await codeOf('/v1/o/nope/deployments')).toEqual([404, 'messaging.config.beans.OrganizationDoesNotExist']);
  });

  it('lists in the exact shapes: environments and proxies by name, revisions newest first, deployment base paths', async () => {
    await deploy('test', 'weather', 3);
    await deploy('prod', 'hotels', 1);
    await deploy('test', 'hotels', 1, { basepath: '/v1' });
    await deploy('test', 'hotels', 2, { basepath: '/v2' });

    expect(withServers(json(await gw.admin.get('/v1/organizations/demo/apis/hotels/deployments')))).toEqual({
      environment: [
        { name: 'prod', revision: [entry('1')] },
        { name: 'test', revision: [entry('2', '/v2'), leftover('1', '/v1')] },
      ],
      name: 'hotels',
      organization: 'demo',
    });
    expect(withServers(json(await gw.admin.get('/v1/o/demo/environments/test/apis/hotels/deployments/')))).toEqual({
      environment: 'test', name: 'hotels', organization: 'demo', revision: [entry('2', '/v2'), leftover('1', '/v1')],
    });
    expect(withServers(json(await gw.admin.get('/v1/o/demo/e/test/deployments')))).toEqual({
      aPIProxy: [
        { name: 'hotels', revision: [entry('2', '/v2'), leftover('1', '/v1')] },
        { name: 'weather', revision: [entry('3')] },
      ],
      name: 'test',
      organization: 'demo',
    });
    expect(withServers(json(await gw.admin.get('//v1/o/demo/apis/hotels/revisions/1/deployments')))).toEqual({
      aPIProxy: 'hotels',
      environment: [entry('prod'), leftover('test', '/v1')],
      name: '1',
      organization: 'demo',
    });
    expect(withServers(json(await gw.admin.get('/v1/o/demo/deployments', { query: { includeServerStatus: 'false', includeApiConfig: 'false' } })))).toEqual({
      environment: [
        { aPIProxy: [{ name: 'hotels', revision: [entry('1')] }], name: 'prod' },
        {
          aPIProxy: [
            { name: 'hotels', revision: [entry('2', '/v2'), leftover('1', '/v1')] },
            { name: 'weather', revision: [entry('3')] },
          ],
          name: 'test',
        },
      ],
      name: 'demo',
    });
  });

  it('answers the per-proxy listing in XML when Accept asks for application/xml', async () => {
    await deploy('test', 'hotels', 1, { basepath: '/v1' });
    await deploy('test', 'hotels', 2, { basepath: '/v2' });
    await deploy('prod', 'hotels', 1);
    const response = await gw.admin.get('/v1/o/demo/apis/hotels/deployments', { headers: { accept: 'application/xml' } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    const doc = new DOMParser().parseFromString(response.text(), 'text/xml');
    const select = xpath.select as (expression: string, node: unknown) => Array<{ nodeValue?: string | null; textContent?: string | null }>;
    const root = select('/APIProxyDeployments', doc)[0] as unknown;
    expect(select('string(@name)', root)).toBe('hotels');
    const environments = select('Environment', root).map((env) => ({
      name: select('string(@name)', env),
      revisions: select('Revision', env).map((rev) => [select('string(@name)', rev), select('string(State)', rev), select('string((.//BasePath)[1])', rev)]),
    }));
    expect(environments).toEqual([
      { name: 'prod', revisions: [['1', 'deployed', '/']] },
      { name: 'test', revisions: [['2', 'deployed', '/v2'], ['1', 'deployed', '/v1']] },
    ]);
    // JSON when the client also accepts JSON.
    const both = await gw.admin.get('/v1/o/demo/apis/hotels/deployments', { headers: { accept: 'application/xml, application/json' } });
    expect(both.headers['content-type']).toMatch(/^application\/json/);
    // The empty case is a well-formed document too.
    const empty = await gw.admin.get('/v1/o/demo/apis/weather/deployments', { headers: { accept: 'application/xml' } });
    const emptyDoc = new DOMParser().parseFromString(empty.text(), 'text/xml');
    expect(select('count(/APIProxyDeployments/Environment)', emptyDoc)).toBe(0);
  });

  it('lists a replaced revision as deployed and draining during its delay, after the new one, and drops it after', async () => {
    await deploy('test', 'hotels', 1);
    const seamless = json<{ environment: Array<Record<string, unknown>> }>(
      await gw.admin.post('/v1/o/demo/apis/hotels/revisions/2/deployments', { query: { action: 'deploy', env: 'test', override: 'true', delay: '1' } }),
    );
    expect(seamless.environment.map((e) => [e.revision, e.state])).toEqual([['2', 'deployed'], ['1', 'deployed']]);
    expect(seamless.environment[0]!.baton).toBeUndefined();
    const draining = seamless.environment[1]!.baton as { draining: boolean; inflight: number; undeployAt: number };
    expect(draining).toEqual({ draining: true, inflight: 0, undeployAt: expect.any(Number) });
    expect(draining.undeployAt).toBeGreaterThan(Date.now());
    expect(draining.undeployAt).toBeLessThanOrEqual(Date.now() + 1000);

    const listed = json<{ revision: Array<Record<string, unknown>> }>(await gw.admin.get('/v1/o/demo/e/test/apis/hotels/deployments'));
    expect(withServers(listed.revision)).toEqual([entry('2'), { ...entry('1'), baton: { draining: true, inflight: 0, undeployAt: draining.undeployAt } }]);
    const single = json<Record<string, unknown>>(await gw.admin.get('/v1/o/demo/e/test/apis/hotels/revisions/1/deployments'));
    expect(single).toMatchObject({ state: 'deployed', baton: { draining: true, undeployAt: draining.undeployAt } });

    await gw.gateway.deployments.settle();
    expect(withServers(json(await gw.admin.get('/v1/o/demo/apis/hotels/deployments')))).toEqual({
      environment: [{ name: 'test', revision: [entry('2')] }], name: 'hotels', organization: 'demo',
    });
    expect((await gw.admin.get('/v1/o/demo/e/test/apis/hotels/revisions/1/deployments')).status).toBe(400);
  });
});
