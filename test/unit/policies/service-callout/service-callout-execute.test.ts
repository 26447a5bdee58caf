import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetServerDefinition } from '../../../../src/dataplane/target-server.js';
import { Message } from '../../../../src/engine/message.js';
import { PolicyFault } from '../../../../src/errors.js';
import type { PolicyServices } from '../../../../src/policies/policy-services.js';
import { serviceCalloutPolicy } from '../../../../src/policies/service-callout/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { createGatedHandler, findClosedPort, hangHandler, startTarget, type StartedTarget, type TargetHandler } from '../../../helpers/start-target.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

/** Answers with the status in `x-status` (default 200), a JSON body and a header echoing the path. */
const statusHandler: TargetHandler = (req, res, recorded) => {
  const body = JSON.stringify({ method: recorded.method, url: recorded.url, body: recorded.body.toString('utf8'), trace: req.headers['x-trace'] ?? null });
  res.writeHead(Number(req.headers['x-status'] ?? 200), { 'content-type': 'application/json', 'x-seen-path': recorded.url });
  res.end(body);
};

let target: StartedTarget;
const opened: PolicyServices[] = [];

function services(targetServers: ReadonlyMap<string, TargetServerDefinition> = new Map()): PolicyServices {
  const created = createTestPolicyServices({ targetServers });
  opened.push(created);
  return created;
}

const sc = (inner: string, options: { name?: string; targetServers?: ReadonlyMap<string, TargetServerDefinition> } = {}) =>
  compilePolicy(serviceCalloutPolicy, `<ServiceCallout name="${options.name ?? 'SC'}">${inner}</ServiceCallout>`, { services: services(options.targetServers) });

beforeAll(async () => {
  target = await startTarget(statusHandler);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.callouts.close()));
});
afterAll(async () => {
  await target.close();
});

describe('ServiceCallout execute', () => {
  it('sends an inline request and stores the response message for later policies', async () => {
    const policy = sc(`
      <Request variable="geoRequest">
        <Set><QueryParams><QueryParam name="zip">{request.queryparam.zip}</QueryParam></QueryParams><Verb>POST</Verb>
          <Headers><Header name="X-Trace">t-{messageid}</Header></Headers><Payload contentType="text/plain">hello</Payload></Set>
      </Request>
      <Response>geoResponse</Response>
      <HTTPTargetConnection><URL>${target.url}/geo/{request.queryparam.zip}?fmt=json</URL></HTTPTargetConnection>`);
    const ctx = createFlowContext();
    ctx.request.queryParams.set('zip', '94043');
    await policy.execute(ctx);
    const sent = JSON.parse(String(ctx.getVariable('geoResponse.content'))) as Record<string, unknown>;
    expect(sent).toEqual({ method: 'POST', url: '/geo/94043?fmt=json&zip=94043', body: 'hello', trace: 't-m-1' });
    expect(ctx.getVariable('geoResponse.status.code')).toBe(200);
    expect(ctx.getVariable('geoResponse.header.x-seen-path')).toBe('/geo/94043?fmt=json&zip=94043');
    expect(ctx.getMessage('geoResponse')?.kind).toBe('response');
    expect(ctx.getMessage('geoRequest')?.verb).toBe('POST');
    expect(ctx.getVariable('servicecallout.requesturi')).toBe('/geo/94043?fmt=json&zip=94043');
    expect(ctx.getVariable('servicecallout.SC.target.url')).toBe(`${target.url}/geo/94043?fmt=json&zip=94043`);
    expect(ctx.getVariable('servicecallout.SC.failed')).toBeUndefined();
  });

  it('sends a request message built earlier, and clears its payload with clearPayload', async () => {
    const ctx = createFlowContext();
    const built = new Message('request');
    built.verb = 'PUT';
    built.setContent('{"a":1}');
    built.headers.set('Content-Type', 'application/json');
    built.headers.set('Connection', 'keep-alive');
    built.headers.set('Host', 'spoofed.example');
    ctx.setMessage('myRequest', built);
    await sc(`<Request variable="myRequest" clearPayload="true"/><Response>out</Response><HTTPTargetConnection><URL>${target.url}/put</URL></HTTPTargetConnection>`).execute(ctx);
    expect(JSON.parse(String(ctx.getVariable('out.content')))).toMatchObject({ method: 'PUT', body: '{"a":1}' });
    expect(built.contentText).toBe('');
    const last = target.requests.at(-1)!;
    expect(last.headers.host).toBe(new URL(target.url).host);
    expect(last.headers['content-type']).toBe('application/json');
  });

  it('raises ExecutionFailed for a status outside success.codes, after storing the response', async () => {
    const policy = sc(`<Request><Set><Headers><Header name="x-status">404</Header></Headers></Set></Request><Response>r</Response>
      <HTTPTargetConnection><URL>${target.url}/missing</URL></HTTPTargetConnection>`);
    const ctx = createFlowContext();
    const fault = await executeExpectingFault(policy, ctx);
    expect(fault).toBeInstanceOf(PolicyFault);
    expect(fault).toMatchObject({
      errorCode: 'steps.servicecallout.ExecutionFailed', faultName: 'ExecutionFailed', status: 500,
      message: 'Execution of ServiceCallout SC failed. Reason: ResponseCode 404 is treated as error',
    });
    expect(ctx.getVariable('r.status.code')).toBe(404);
    expect(ctx.getVariable('servicecallout.SC.failed')).toBe(true);

    const accepting = sc(`<Request><Set><Headers><Header name="x-status">404</Header></Headers></Set></Request><Response>r</Response>
      <HTTPTargetConnection><URL>${target.url}/missing</URL><Properties><Property name="success.codes">2xx,404</Property></Properties></HTTPTargetConnection>`);
    const ok = createFlowContext();
    await accepting.execute(ok);
    expect(ok.getVariable('r.status.code')).toBe(404);
  });

  it('raises ExecutionFailed when the callout times out or cannot connect', async () => {
    const hanging = await startTarget(hangHandler);
    try {
      const slow = sc(`<Response>r</Response><Timeout>100</Timeout><HTTPTargetConnection><URL>${hanging.url}/</URL></HTTPTargetConnection>`, { name: 'Slow' });
      expect(await executeExpectingFault(slow, createFlowContext())).toMatchObject({
        errorCode: 'steps.servicecallout.ExecutionFailed', message: 'Execution of ServiceCallout Slow failed. Reason: timeout occurred in Slow',
      });
    } finally {
      await hanging.close();
    }
    const closed = await findClosedPort();
    const refused = sc(`<Response>r</Response><HTTPTargetConnection><URL>http://127.0.0.1:${closed}/</URL></HTTPTargetConnection>`);
    const ctx = createFlowContext();
    expect(await executeExpectingFault(refused, ctx)).toMatchObject({
      errorCode: 'steps.servicecallout.ExecutionFailed', message: 'Execution of ServiceCallout SC failed. Reason: unable to connect to the target',
    });
    expect(ctx.getVariable('servicecallout.SC.failed')).toBe(true);
  });

  it('refuses a request variable that is not a request message', async () => {
    const policy = sc(`<Request variable="v"/><Response>r</Response><HTTPTargetConnection><URL>${target.url}/</URL></HTTPTargetConnection>`);
    const text = createFlowContext();
    text.setVariable('v', 'just text');
    expect(await executeExpectingFault(policy, text)).toMatchObject({
      errorCode: 'steps.servicecallout.RequestVariableNotMessageType', message: 'ServiceCallout[SC]: request variable v value is not of type Message',
    });
    const response = createFlowContext();
    response.setMessage('v', new Message('response'));
    expect(await executeExpectingFault(policy, response)).toMatchObject({ errorCode: 'steps.servicecallout.RequestVariableNotRequestMessageType' });
    expect(target.requests.length).toBeGreaterThan(0);
  });

  it('raises UnresolvedVariable for an unset URL variable unless IgnoreUnresolvedVariables', async () => {
    const strict = sc(`<Response>r</Response><HTTPTargetConnection><URL>${target.url}/{flow.missing}</URL></HTTPTargetConnection>`);
    expect(await executeExpectingFault(strict, createFlowContext())).toMatchObject({ errorCode: 'steps.servicecallout.UnresolvedVariable' });
    const lenient = sc(`<Request><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables></Request><Response>r</Response>
      <HTTPTargetConnection><URL>${target.url}/x{flow.missing}</URL></HTTPTargetConnection>`);
    const ctx = createFlowContext();
    await lenient.execute(ctx);
    expect(ctx.getVariable('servicecallout.requesturi')).toBe('/x');
  });

  it('uses servicecallout.<policy>.target.url when a flow set it', async () => {
    const policy = sc(`<Response>r</Response><HTTPTargetConnection><URL>http://127.0.0.1:1/never</URL></HTTPTargetConnection>`);
    const ctx = createFlowContext();
    ctx.setVariable('servicecallout.SC.target.url', `${target.url}/override`);
    await policy.execute(ctx);
    expect(ctx.getVariable('servicecallout.requesturi')).toBe('/override');
  });

  it('balances over TargetServers of the environment and refuses unknown ones at deploy', async () => {
    const second = await startTarget(statusHandler);
    try {
      const servers = new Map<string, TargetServerDefinition>([
        ['ts-a', { name: 'ts-a', host: '127.0.0.1', port: target.port, enabled: true }],
        ['ts-b', { name: 'ts-b', host: '127.0.0.1', port: second.port, enabled: true }],
      ]);
      const policy = sc(`<Response>r</Response><HTTPTargetConnection>
          <LoadBalancer><Server name="ts-a"/><Server name="ts-b"/></LoadBalancer><Path>/lb</Path></HTTPTargetConnection>`, { targetServers: servers });
      const before = target.requests.length;
      for (let i = 0; i < 4; i++) await policy.execute(createFlowContext());
      expect(target.requests.length - before).toBe(2);
      expect(second.requests.map((r) => r.url)).toEqual(['/lb', '/lb']);
      expect(() => sc('<Response>r</Response><HTTPTargetConnection><LoadBalancer><Server name="nope"/></LoadBalancer></HTTPTargetConnection>', { targetServers: servers }))
        .toThrow(/no TargetServer of that name/);
    } finally {
      await second.close();
    }
  });

  it('without <Response>, goes on without waiting for the callout (fire and forget)', async () => {
    const gated = createGatedHandler();
    const held = await startTarget(gated.handler);
    try {
      const ctx = createFlowContext();
      await sc(`<Request><Set><Payload>event</Payload><Verb>POST</Verb></Set></Request><HTTPTargetConnection><URL>${held.url}/events</URL></HTTPTargetConnection>`).execute(ctx);
      await held.waitForRequests(1);
      expect(held.requests[0]?.body.toString()).toBe('event');
      expect(ctx.getVariable('servicecallout.SC.failed')).toBeUndefined();
      gated.release();
    } finally {
      await held.close();
    }
  });
});
