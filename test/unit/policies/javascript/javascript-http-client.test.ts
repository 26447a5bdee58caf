// Javascript httpClient: callouts to a loopback target through the gateway's callout client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyFault } from '../../../../src/errors.js';
import { createGatedHandler, echoHandler, startTarget, type StartedTarget } from '../../../helpers/start-target.js';
import { createFlowContext, executeExpectingFault } from '../policy-test-kit.js';
import { compileScript, createJavascriptServices, type JavascriptTestServices } from './javascript-test-kit.js';

let kit: JavascriptTestServices;
let target: StartedTarget;
const gate = createGatedHandler();
let gatedTarget: StartedTarget;

beforeAll(async () => {
  kit = createJavascriptServices();
  target = await startTarget((req, res, recorded) => {
    if (req.url === '/teapot') {
      res.writeHead(418, { 'x-kind': 'tea' });
      res.end('short and stout');
      return;
    }
    echoHandler(req, res, recorded);
  });
  gatedTarget = await startTarget(gate.handler);
});

afterAll(async () => {
  gate.release();
  await Promise.all([kit.close(), target.close(), gatedTarget.close()]);
});

describe('Javascript httpClient', () => {
  it('sends a Request and reads the response status, headers and content', async () => {
    const flow = createFlowContext();
    flow.setVariable('backend', target.url);
    await compileScript(kit.services, `
      var headers = { 'Content-Type': 'application/json', 'X-Trace': ['a', 'b'] };
      var exchange = httpClient.send(new Request(context.getVariable('backend') + '/orders?id=1', 'POST', headers, '{"n":1}'));
      exchange.waitForComplete();
      var r = exchange.getResponse();
      var echoed = JSON.parse(r.content);
      context.setVariable('out', [exchange.isComplete(), exchange.isSuccess(), exchange.isError(), r.status.code, r.status.message,
        r.headers['content-type'], echoed.method, echoed.url, echoed.headers['x-trace']].join('|'));`).execute(flow);
    expect(flow.getVariable('out')).toBe('true|true|false|200|OK|application/json|POST|/orders?id=1|a, b');
    expect(target.requests.at(-1)?.body.toString()).toBe('{"n":1}');
  });

  it('gets a URL; a non-2xx answer is still a successful exchange', async () => {
    const flow = createFlowContext();
    await compileScript(kit.services, `
      var exchange = httpClient.get('${target.url}/teapot');
      exchange.waitForComplete(2000);
      var r = exchange.getResponse();
      context.setVariable('out', exchange.isSuccess() + '|' + r.status + '|' + r.headers['x-kind'] + '|' + r.content);`).execute(flow);
    expect(flow.getVariable('out')).toBe('true|418|tea|short and stout');
  });

  it('reports a failed callout through isError and getError', async () => {
    const closed = await startTarget();
    const url = closed.url;
    await closed.close();
    const flow = createFlowContext();
    await compileScript(kit.services, `
      var exchange = httpClient.get('${url}/nobody');
      exchange.waitForComplete();
      context.setVariable('out', [exchange.isSuccess(), exchange.isError(), typeof exchange.getError(), exchange.getResponse()].join('|'));`).execute(flow);
    expect(flow.getVariable('out')).toBe('false|true|string|');
  });

  it('calls the callback given to get once the response is there', async () => {
    const flow = createFlowContext();
    await compileScript(kit.services, `
      httpClient.get('${target.url}/cb', function (response, error) {
        context.setVariable('out', JSON.parse(response.content).url + '|' + error);
      });`).execute(flow);
    expect(flow.getVariable('out')).toBe('/cb|undefined');
  });

  it('lets one step start a callout and a later step wait for it (exchange kept in a flow variable)', async () => {
    const flow = createFlowContext();
    await compileScript(kit.services, `context.setVariable('pending', httpClient.get('${target.url}/later'));`, { name: 'Start' }).execute(flow);
    await compileScript(kit.services, `
      var exchange = context.getVariable('pending');
      exchange.waitForComplete();
      context.setVariable('out', JSON.parse(exchange.getResponse().content).url);`, { name: 'Finish' }).execute(flow);
    expect(flow.getVariable('out')).toBe('/later');
  });

  it('returns from waitForComplete(ms) without the response when the target is slower', async () => {
    const flow = createFlowContext();
    await compileScript(kit.services, `
      var exchange = httpClient.get('${gatedTarget.url}/slow');
      exchange.waitForComplete(50);
      context.setVariable('out', exchange.isComplete() + '|' + exchange.getResponse());`).execute(flow);
    expect(flow.getVariable('out')).toBe('false|undefined');
  });

  it('fails with the timeout fault when a script waits on a callout past its timeLimit', async () => {
    const policy = compileScript(kit.services, `httpClient.get('${gatedTarget.url}/slower').waitForComplete();`, { name: 'Waiter', timeLimitMs: 300 });
    const started = performance.now();
    const fault = await executeExpectingFault(policy, createFlowContext()) as PolicyFault;
    expect(fault.message).toBe('Execution of Waiter failed with error: Javascript runtime exceeded limit of 300ms');
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('refuses a URL that is not http or https', async () => {
    const flow = createFlowContext();
    await compileScript(kit.services, `
      var exchange = httpClient.get('file:///etc/passwd');
      exchange.waitForComplete();
      context.setVariable('out', exchange.isError() + '|' + exchange.getError());`).execute(flow);
    expect(flow.getVariable('out')).toBe('true|unsupported URL scheme file:');
  });
});
