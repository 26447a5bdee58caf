// Javascript per request: the object model (variables, messages, properties, crypto, print, session) and faults.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyFault } from '../../../../src/errors.js';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { createFlowContext, executeExpectingFault } from '../policy-test-kit.js';
import { compileScript, createJavascriptServices, type JavascriptTestServices } from './javascript-test-kit.js';

let kit: JavascriptTestServices;

beforeAll(() => {
  kit = createJavascriptServices();
});

afterAll(async () => {
  await kit.close();
});

async function run(code: string, flow: FlowContext = createFlowContext(), options: Parameters<typeof compileScript>[2] = {}): Promise<FlowContext> {
  await compileScript(kit.services, code, options).execute(flow);
  return flow;
}

describe('Javascript object model: variables', () => {
  it('reads flow variables by literal and by computed name, and null for unset ones', async () => {
    const flow = createFlowContext({ apiName: 'orders', pathSuffix: '/items' });
    flow.setVariable('custom.count', 7);
    await run(`
      var suffix = 'suffix';
      context.setVariable('out', [context.getVariable('apiproxy.name'), context.getVariable('proxy.path' + suffix),
        context.getVariable('custom.count') + 1, context.getVariable('never.set') === null].join('|'));`, flow);
    expect(flow.getVariable('out')).toBe('orders|/items|8|true');
  });

  it('writes strings, numbers, booleans and objects, and removes variables', async () => {
    const flow = createFlowContext();
    flow.setVariable('doomed', 'x');
    await run(`
      context.setVariable('s', 'text'); context.setVariable('n', 4.5); context.setVariable('b', false);
      context.setVariable('o', { list: [1, 'two'], nested: { ok: true } });
      context.removeVariable('doomed');`, flow);
    expect([flow.getVariable('s'), flow.getVariable('n'), flow.getVariable('b'), flow.getVariable('o'), flow.getVariable('doomed')])
      .toEqual(['text', 4.5, false, { list: [1, 'two'], nested: { ok: true } }, undefined]);
  });

  it('reads back its own writes, including message variables it changed', async () => {
    const flow = createFlowContext();
    flow.request.headers.set('X-Before', 'old');
    await run(`
      var before = context.getVariable('request.header.x-before');
      context.setVariable('request.header.x-before', 'new');
      request.headers['X-Added'] = 'added';
      context.setVariable('custom.v', 'v1');
      context.setVariable('out', [before, context.getVariable('request.header.x-before'), request.headers['x-before'],
        context.getVariable('request.header.x-added'), context.getVariable('custom.v')].join('|'));`, flow);
    expect(flow.getVariable('out')).toBe('old|new|new|added|v1');
  });

  it('gives context.flow, and the request URL or the target URL by flow', async () => {
    const flow = createFlowContext({ host: 'api.example.com', basePath: '/v1', pathSuffix: '/x' });
    flow.request.path = '/v1/x';
    flow.flow = 'TARGET_REQ_FLOW';
    flow.target.url = 'http://backend/v1';
    await run("context.setVariable('seen', context.flow + ' ' + context.targetRequest.url); context.targetRequest.url = 'http://other:81/y';", flow);
    expect(flow.getVariable('seen')).toBe('TARGET_REQ_FLOW http://backend/v1');
    expect(flow.getVariable('target.url')).toBe('http://other:81/y');
    const proxyFlow = createFlowContext({ host: 'api.example.com' });
    proxyFlow.request.path = '/v1/x';
    proxyFlow.request.setQueryString('a=1');
    await run("context.setVariable('seen', context.proxyRequest.url);", proxyFlow);
    expect(proxyFlow.getVariable('seen')).toBe('http://api.example.com/v1/x?a=1');
  });
});

describe('Javascript object model: messages', () => {
  it('reads and changes request headers, query parameters, method and content', async () => {
    const flow = createFlowContext();
    flow.request.verb = 'POST';
    flow.request.headers.set('Accept', ['text/plain', 'application/json']);
    flow.request.headers.set('X-Drop', 'me');
    flow.request.setQueryString('q=1&q=2&keep=yes');
    flow.request.setContent('{"n":1}');
    await run(`
      var body = JSON.parse(request.content);
      context.setVariable('seen', [request.method, request.headers['accept'], request.queryParams.q, request.queryParams.keep,
        'x-drop' in request.headers, Object.keys(request.headers).join(','), body.n].join('|'));
      request.method = 'put';
      request.headers['X-New'] = ['a', 'b'];
      delete request.headers['x-drop'];
      request.queryParams.q = 'only';
      delete context.proxyRequest.queryParams.keep;
      request.content = JSON.stringify({ n: body.n + 1 });`, flow);
    expect(flow.getVariable('seen')).toBe('POST|text/plain, application/json|1,2|yes|true|Accept,X-Drop|1');
    expect(flow.request.verb).toBe('PUT');
    expect(flow.request.headers.getAll('x-new')).toEqual(['a', 'b']);
    expect(flow.request.headers.has('x-drop')).toBe(false);
    expect(flow.request.queryString).toBe('q=only');
    expect(flow.request.contentText).toBe('{"n":2}');
  });

  it('sets the response status code, status message, headers and content', async () => {
    const flow = createFlowContext();
    flow.flow = 'PROXY_RESP_FLOW';
    flow.response.setContent('{"items":[1,2,3],"secret":"s"}');
    await run(`
      var data = JSON.parse(context.proxyResponse.content);
      context.setVariable('seen', response.status.code + ' ' + response.status);
      response.status.code = 404;
      context.targetResponse.status.message = 'Nothing Here';
      response.headers['Content-Type'] = 'application/json';
      response.content = JSON.stringify({ count: data.items.length });`, flow);
    expect(flow.getVariable('seen')).toBe('200 200');
    expect(flow.response.statusCode).toBe(404);
    expect(flow.response.reasonPhrase).toBe('Nothing Here');
    expect(flow.response.headers.get('content-type')).toBe('application/json');
    expect(flow.response.contentText).toBe('{"count":3}');
  });

  it('refuses a header value that would split the message', async () => {
    const fault = await executeExpectingFault(compileScript(kit.services, "response.headers['X-Bad'] = 'a\\r\\nInjected: 1';"), createFlowContext());
    expect((fault as PolicyFault).message).toMatch(/TypeError: invalid value for header X-Bad/);
  });

  it('says whether the policy reads message content, so the flow buffers bodies only then', () => {
    expect(compileScript(kit.services, 'response.content = "x";').readsContent).toBe(true);
    expect(compileScript(kit.services, "context.getVariable('request.content');").readsContent).toBe(true);
    expect(compileScript(kit.services, "context.getVariable('request.header.content-type'); request.headers['Content-Length'];").readsContent).toBe(false);
  });
});

describe('Javascript object model: properties, crypto, print, session', () => {
  it('reads <Properties> as properties.<name>', async () => {
    const flow = await run("context.setVariable('out', properties.greeting + ' ' + properties.who);", createFlowContext(), { properties: { greeting: 'hello', who: 'world' } });
    expect(flow.getVariable('out')).toBe('hello world');
  });

  it('hashes with MD5, SHA-1, SHA-256 and SHA-512 (hex and base64) and formats dates', async () => {
    const flow = await run(`
      var out = {};
      [['md5', crypto.getMD5()], ['sha1', crypto.getSHA1()], ['sha256', crypto.getSHA256()], ['sha512', crypto.getSHA512()]].forEach(function (pair) {
        pair[1].update('hello '); pair[1].update('wörld');
        out[pair[0]] = pair[1].digest() + ' ' + pair[1].digest64();
      });
      out.date = crypto.dateFormat('yyyy-MM-dd HH:mm:ss.SSS z', 'UTC', 1700000000123);
      out.zoned = crypto.dateFormat('yyyy-MM-dd HH:mm Z', 'America/New_York', 1700000000123);
      context.setVariable('out', out);`);
    const expected: Record<string, string> = {};
    for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
      const digest = createHash(algorithm).update('hello wörld', 'utf8');
      const copy = digest.copy();
      expected[algorithm] = `${digest.digest('hex')} ${copy.digest('base64')}`;
    }
    expect(flow.getVariable('out')).toEqual({ ...expected, date: '2023-11-14 22:13:20.123 UTC', zoned: '2023-11-14 17:13 -0500' });
  });

  it('sends print output to the log at debug, one entry per call', async () => {
    await run("print('user', context.getVariable('apiproxy.name'), 42); print({ a: 1 });", createFlowContext(), { name: 'Printer' });
    const prints = kit.logs.filter((line) => line.msg === 'javascript print' && line.policy === 'Printer');
    expect(prints.map((line) => [line.level, line.print])).toEqual([[20, 'user api 42'], [20, '[object Object]']]);
  });

  it('keeps context.session from one Javascript step to the next of the same request', async () => {
    const flow = createFlowContext();
    await run("context.session['user'] = { id: 7 }; context.session.count = 1;", flow);
    await run("context.session.count += 1; context.setVariable('out', context.session.user.id + '/' + context.session.count);", flow);
    expect(flow.getVariable('out')).toBe('7/2');
    const other = await run("context.setVariable('out', String(context.session.user));");
    expect(other.getVariable('out')).toBe('undefined');
  });
});

describe('Javascript faults', () => {
  it('raises steps.javascript.ScriptExecutionFailed (500) with the file and line, keeping earlier writes', async () => {
    const policy = compileScript(kit.services, '', {
      xml: `<Javascript name="Broken" timeLimit="2000"><IncludeURL>jsc://lib.js</IncludeURL><ResourceURL>jsc://main.js</ResourceURL></Javascript>`,
      files: { 'lib.js': 'function helper() {\n  return null;\n}\n', 'main.js': "context.setVariable('before', 'kept');\n\nhelper().property;\n" },
    });
    const flow = createFlowContext();
    const fault = await executeExpectingFault(policy, flow) as PolicyFault;
    expect(fault).toBeInstanceOf(PolicyFault);
    expect(fault.errorCode).toBe('steps.javascript.ScriptExecutionFailed');
    expect(fault.status).toBe(500);
    expect(fault.message).toBe(`Execution of Broken failed with error: Javascript runtime error: "TypeError: Cannot read properties of null (reading 'property'). (main.js:3)"`);
    expect(flow.getVariable('before')).toBe('kept');
    expect(flow.getVariable('javascript.Broken.failed')).toBe(true);
  });

  it('reports the line in an included file', async () => {
    const policy = compileScript(kit.services, '', {
      xml: `<Javascript name="InInclude" timeLimit="2000"><IncludeURL>jsc://lib.js</IncludeURL><ResourceURL>jsc://main.js</ResourceURL></Javascript>`,
      files: { 'lib.js': 'function fail() {\n  throw new RangeError("out of range");\n}\n', 'main.js': 'fail();\n' },
    });
    const fault = await executeExpectingFault(policy, createFlowContext()) as PolicyFault;
    expect(fault.message).toBe('Execution of InInclude failed with error: Javascript runtime error: "RangeError: out of range. (lib.js:2)"');
  });

  it('stops a script that runs past its timeLimit with Apigee\'s timeout message', async () => {
    const fault = await executeExpectingFault(compileScript(kit.services, 'while (true) {}', { name: 'Spin', timeLimitMs: 250 }), createFlowContext()) as PolicyFault;
    expect(fault.errorCode).toBe('steps.javascript.ScriptExecutionFailed');
    expect(fault.message).toBe('Execution of Spin failed with error: Javascript runtime exceeded limit of 250ms');
  });

  it('releases its script when the policy is closed', async () => {
    const policy = compileScript(kit.services, "context.setVariable('ran', true);");
    await policy.close?.();
    const other = await run("context.setVariable('still', 'works');");
    expect(other.getVariable('still')).toBe('works');
  });
});
