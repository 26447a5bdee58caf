// Javascript steps through a real gateway: request, target and response flows, includes, properties, print, httpClient, and the fault body.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { echoHandler, startTarget, type StartedTarget } from '../helpers/start-target.js';

function scriptedBundle(targetUrl: string): Promise<Uint8Array> {
  const step = (name: string) => `<Step><Name>${name}</Name></Step>`;
  return packBundle({
    'apiproxy/scripted.xml': '<APIProxy name="scripted"><Description>test</Description></APIProxy>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>/scripted</BasePath></HTTPProxyConnection>
      <PreFlow name="PreFlow"><Request>${step('Prepare')}</Request><Response>${step('Reshape')}</Response></PreFlow>
      <Flows><Flow name="broken"><Condition>proxy.pathsuffix = "/broken"</Condition><Request>${step('Broken')}</Request></Flow></Flows>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
    </ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default">
      <PreFlow name="PreFlow"><Request>${step('Retarget')}</Request></PreFlow>
      <HTTPTargetConnection><URL>${targetUrl}/unused</URL></HTTPTargetConnection>
    </TargetEndpoint>`,
    'apiproxy/policies/Prepare.xml': `<Javascript name="Prepare" timeLimit="3000">
      <Properties><Property name="lookup">${targetUrl}/lookup</Property></Properties>
      <IncludeURL>jsc://util.js</IncludeURL>
      <ResourceURL>jsc://prepare.js</ResourceURL>
    </Javascript>`,
    'apiproxy/policies/Retarget.xml': `<Javascript name="Retarget" timeLimit="3000"><Source><![CDATA[
      context.targetRequest.url = '${targetUrl}/orders/' + context.getVariable('order.id');
    ]]></Source></Javascript>`,
    'apiproxy/policies/Reshape.xml': '<Javascript name="Reshape" timeLimit="3000"><ResourceURL>jsc://reshape.js</ResourceURL></Javascript>',
    'apiproxy/policies/Broken.xml': '<Javascript name="Broken" timeLimit="3000"><ResourceURL>jsc://broken.js</ResourceURL></Javascript>',
    'apiproxy/resources/jsc/util.js': "function shout(text) {\n  return String(text).toUpperCase();\n}\n",
    'apiproxy/resources/jsc/prepare.js': [
      "var id = context.getVariable('request.queryparam.id');",
      "context.setVariable('order.id', id);",
      "request.headers['X-Shout'] = shout(request.headers['x-word']);",
      'var lookup = httpClient.get(properties.lookup + "?id=" + id);',
      'lookup.waitForComplete();',
      "context.setVariable('order.lookup', JSON.parse(lookup.getResponse().content).url);",
      "print('prepared order', id);",
    ].join('\n'),
    'apiproxy/resources/jsc/reshape.js': [
      'var echoed = JSON.parse(response.content);',
      'response.headers["X-Flow"] = context.flow;',
      'response.content = JSON.stringify({ targetPath: echoed.url, shout: echoed.headers["x-shout"], lookup: context.getVariable("order.lookup") });',
    ].join('\n'),
    'apiproxy/resources/jsc/broken.js': "var fine = 1;\nundefinedFunction(fine);\n",
  });
}

describe('Javascript through a real gateway', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget(echoHandler);
    gw = await startGateway();
    await gw.deploy('scripted', await scriptedBundle(target.url));
  });

  afterAll(async () => {
    await gw.close();
    await target.close();
  });

  it('runs scripts in the request, target and response flows', async () => {
    const res = await request(`${gw.url()}/scripted/orders?id=42`, { headers: { 'x-word': 'hello' } });
    const body = await res.body.json();
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-flow']).toBe('PROXY_RESP_FLOW');
    expect(body).toEqual({ targetPath: '/orders/42', shout: 'HELLO', lookup: '/lookup?id=42' });
    expect(target.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['/lookup?id=42', '/orders/42']));
  });

  it('logs print output at debug with the policy', async () => {
    await (await request(`${gw.url()}/scripted/orders?id=7`)).body.dump();
    const printed = gw.logs.filter((line) => line.msg === 'javascript print' && line.policy === 'Prepare');
    expect(printed.map((line) => [line.level, line.print])).toContainEqual([20, 'prepared order 7']);
  });

  it('answers a script error with the ScriptExecutionFailed fault, naming file and line', async () => {
    const res = await request(`${gw.url()}/scripted/broken`);
    expect(res.statusCode).toBe(500);
    expect(await res.body.json()).toMatchObject({
      fault: {
        faultstring: 'Execution of Broken failed with error: Javascript runtime error: "ReferenceError: undefinedFunction is not defined. (broken.js:2)"',
        detail: { errorcode: 'steps.javascript.ScriptExecutionFailed' },
      },
    });
  });

  it('refuses a bundle whose script does not compile, or whose include is missing, naming the file', async () => {
    const bundle = (files: Record<string, string>, include = '') => packBundle({
      'apiproxy/badjs.xml': '<APIProxy name="badjs"><Description>test</Description></APIProxy>',
      'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/badjs</BasePath></HTTPProxyConnection>
        <PreFlow name="PreFlow"><Request><Step><Name>Bad</Name></Step></Request></PreFlow><RouteRule name="none"/></ProxyEndpoint>`,
      'apiproxy/policies/Bad.xml': `<Javascript name="Bad" timeLimit="100">${include}<ResourceURL>jsc://bad.js</ResourceURL></Javascript>`,
      ...files,
    });
    await expect(gw.deploy('badjs', await bundle({ 'apiproxy/resources/jsc/bad.js': 'var ok = 1;\nif (ok {\n' })))
      .rejects.toThrow(/bad\.js:2: SyntaxError: Unexpected token/);
    await expect(gw.deploy('badjs', await bundle({ 'apiproxy/resources/jsc/bad.js': '1;' }, '<IncludeURL>jsc://gone.js</IncludeURL>')))
      .rejects.toThrow(/<IncludeURL> jsc:\/\/gone\.js: no such resource/);
  });
});
