// Flow variables as a real request sets them (compat §10), read back through a mock proxy's JSON payload template.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const FIELDS: Record<string, string> = {
  basepath: 'proxy.basepath',
  pathsuffix: 'proxy.pathsuffix',
  verb: 'request.verb',
  querystring: 'request.querystring',
  xa: 'request.header.x-a',
  xaCount: 'request.header.x-a.values.count',
  clientIp: 'client.ip',
  environment: 'environment.name',
  api: 'apiproxy.name',
  revision: 'apiproxy.revision',
  virtualHost: 'virtualhost.name',
  uri: 'request.uri',
};

/** `{ "basepath": "{proxy.basepath}", … }`: literal JSON braces around references (compat §11). */
const payload = `{ ${Object.entries(FIELDS).map(([key, variable]) => `"${key}": "{${variable}}"`).join(', ')} }`;

function mockProxy(): Promise<Uint8Array> {
  return packProxy({
    name: 'vars',
    basePath: '/vars',
    proxyEndpoint: '<PreFlow><Response><Step><Name>AM-Vars</Name></Step></Response></PreFlow><RouteRule name="mock"/>',
    policies: {
      'AM-Vars': `<AssignMessage name="AM-Vars"><AssignTo>response</AssignTo><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <Set><Payload contentType="application/json">${payload}</Payload></Set></AssignMessage>`,
    },
  });
}

describe('flow variables seen by a real request', () => {
  let gw: TestGateway;
  let https: Agent;

  beforeAll(async () => {
    gw = await startGateway();
    https = new Agent({ connect: { ca: await readFile(gw.gateway.selfSignedCertificate!), servername: 'localhost' } });
    const zip = await mockProxy();
    await gw.deploy('vars', zip);
    await gw.deploy('vars', zip, { environment: 'prod', basePath: '/d' });
  });
  afterAll(async () => {
    await https?.close();
    await gw?.close();
  });

  it('reports the request, the proxy and the environment', async () => {
    const res = await request(`${gw.url()}/vars/a/b?x=1&y=two`, { method: 'POST', body: '', headers: { 'x-a': ['first, second', 'third'] } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(await res.body.json()).toEqual({
      basepath: '/vars',
      pathsuffix: '/a/b',
      verb: 'POST',
      querystring: 'x=1&y=two',
      xa: 'first',
      xaCount: '3',
      clientIp: '127.0.0.1',
      environment: 'test',
      api: 'vars',
      revision: '1',
      virtualHost: 'default',
      uri: '/vars/a/b?x=1&y=two',
    });
  });

  it('gives an empty suffix and query at the base path itself, and 0 values for a missing header', async () => {
    const res = await request(`${gw.url()}/vars`);
    expect(await res.body.json()).toMatchObject({ basepath: '/vars', pathsuffix: '', verb: 'GET', querystring: '', xa: '', xaCount: '0', uri: '/vars' });
  });

  it('names the secure virtual host on https', async () => {
    const res = await request(`${gw.url('test', 'secure')}/vars/s`, { dispatcher: https, headers: { 'x-a': 'only' } });
    expect(await res.body.json()).toMatchObject({ virtualHost: 'secure', pathsuffix: '/s', xa: 'only', xaCount: '1' });
  });

  it('includes the deployment base path in proxy.basepath and names the environment', async () => {
    const res = await request(`${gw.url('prod')}/d/vars/p?k=v`);
    expect(await res.body.json()).toMatchObject({ basepath: '/d/vars', pathsuffix: '/p', environment: 'prod', uri: '/d/vars/p?k=v', querystring: 'k=v' });
  });
});
