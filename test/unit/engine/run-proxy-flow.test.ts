import { describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../../src/bundle/proxy-bundle.js';
import type { TargetClient } from '../../../src/dataplane/target-client.js';
import { PolicyFault, runtimeFault } from '../../../src/errors.js';
import type { CompiledCondition } from '../../../src/engine/condition/compile-condition.js';
import { compileConditionText } from '../../../src/engine/condition/compile-condition.js';
import type {
  CompiledDefaultFaultRule, CompiledFaultRule, CompiledFlow, CompiledProxyEndpoint, CompiledRouteRule, CompiledStep, CompiledTargetEndpoint,
} from '../../../src/engine/compiled-revision.js';
import { FlowContext } from '../../../src/engine/flow-context.js';
import type { FlowIo } from '../../../src/engine/flow-io.js';
import { Message } from '../../../src/engine/message.js';
import { runPostClientFlow, runProxyFlow } from '../../../src/engine/run-proxy-flow.js';

type Behaviour = 'ok' | 'fault' | 'raise';

function step(log: string[], name: string, behaviour: Behaviour = 'ok', options: { condition?: string; continueOnError?: boolean } = {}): CompiledStep {
  const policy: PolicyConfig = { name, type: 'Fake', file: `policies/${name}.xml`, enabled: true, continueOnError: options.continueOnError ?? false, config: {} };
  return {
    name,
    policy,
    condition: options.condition ? compileConditionText(options.condition) : undefined,
    needsContent: false,
    compiled: {
      readsContent: false,
      execute(ctx) {
        log.push(name);
        if (behaviour === 'fault') throw new PolicyFault({ faultName: `${name}Failed`, errorCode: `steps.fake.${name}Failed`, status: 500, message: `${name} failed` });
        if (behaviour === 'raise') {
          const response = new Message('response');
          response.statusCode = 418;
          response.setContent(`raised by ${name}`);
          ctx.setMessage('response', response);
          throw new PolicyFault({ faultName: 'RaiseFault', errorCode: 'steps.raisefault.RaiseFault', status: 418, message: 'raised', raisedByRaiseFault: true });
        }
      },
    },
  };
}

function flow(name: string, request: CompiledStep[] = [], response: CompiledStep[] = [], condition?: string): CompiledFlow {
  return { name, condition: condition ? compileConditionText(condition) : undefined, conditionNeedsContent: false, request, response };
}

function faultRule(name: string, steps: CompiledStep[], condition?: string): CompiledFaultRule {
  return { name, steps, condition: condition ? compileConditionText(condition) : undefined };
}

function endpoint(parts: Partial<CompiledProxyEndpoint>): CompiledProxyEndpoint {
  const nullRoute: CompiledRouteRule = { name: 'noroute', condition: undefined, targetEndpoint: undefined, urlTarget: undefined };
  return {
    name: 'default', basePath: '/p', virtualHosts: ['default'],
    preFlow: flow('PreFlow'), flows: [], postFlow: flow('PostFlow'), postClientFlow: flow('PostClientFlow'),
    faultRules: [], defaultFaultRule: undefined, routeRules: [nullRoute],
    ...parts,
  };
}

const fakeClient: TargetClient = { baseUrl: 'http://target.test', send: () => Promise.reject(new Error('unused')), close: async () => {}, destroy: async () => {} };

function targetEndpoint(parts: Partial<CompiledTargetEndpoint>): CompiledTargetEndpoint {
  return {
    name: 'backend', preFlow: flow('PreFlow'), flows: [], postFlow: flow('PostFlow'), faultRules: [], defaultFaultRule: undefined,
    target: fakeClient, isSuccessStatus: (s) => s < 400, loadBalancerPath: undefined, ...parts,
  };
}

function context(verb = 'GET', pathSuffix = '/items'): FlowContext {
  const request = new Message('request');
  request.verb = verb;
  request.path = `/p${pathSuffix}`;
  return new FlowContext({
    request, organization: 'o', environment: 'test', virtualHost: 'default', apiName: 'api', revision: 1, proxyEndpoint: 'default',
    basePath: '/p', pathSuffix, clientIp: '127.0.0.1', scheme: 'http', host: 'localhost', messageId: 'm1', now: () => 0,
  });
}

function io(log: string[], target?: (ctx: FlowContext) => void): FlowIo & { suppressed: string[] } {
  const suppressed: string[] = [];
  return {
    suppressed,
    maxBufferedBodyBytes: 1024,
    async callTarget(ctx) {
      log.push('target');
      if (target) target(ctx);
      else {
        const response = new Message('response');
        response.statusCode = 200;
        response.setContent('from target');
        ctx.setMessage('response', response);
      }
    },
    onSuppressedError(_ctx, _err, where) {
      suppressed.push(where);
    },
  };
}

function targetRoute(te: CompiledTargetEndpoint, condition?: CompiledCondition): CompiledRouteRule {
  return { name: 'to-backend', condition, targetEndpoint: te, urlTarget: undefined };
}

describe('runProxyFlow order', () => {
  it('runs proxy and target flows in Apigee order and only the first matching conditional flow', async () => {
    const log: string[] = [];
    const te = targetEndpoint({
      preFlow: flow('PreFlow', [step(log, 'T-Pre-Req')], [step(log, 'T-Pre-Resp')]),
      flows: [flow('t-flow', [step(log, 'T-Flow-Req')], [step(log, 'T-Flow-Resp')])],
      postFlow: flow('PostFlow', [step(log, 'T-Post-Req')], [step(log, 'T-Post-Resp')]),
    });
    const pe = endpoint({
      preFlow: flow('PreFlow', [step(log, 'P-Pre-Req')], [step(log, 'P-Pre-Resp')]),
      flows: [
        flow('no', [step(log, 'Never')], [], 'request.verb = "POST"'),
        flow('items', [step(log, 'P-Flow-Req')], [step(log, 'P-Flow-Resp')], 'proxy.pathsuffix MatchesPath "/items"'),
        flow('catch-all', [step(log, 'AlsoNever')]),
      ],
      postFlow: flow('PostFlow', [step(log, 'P-Post-Req')], [step(log, 'P-Post-Resp')]),
      postClientFlow: flow('PostClientFlow', [], [step(log, 'PostClient')]),
      routeRules: [targetRoute(te)],
    });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log));
    await runPostClientFlow(ctx, pe, io(log));
    expect(log).toEqual([
      'P-Pre-Req', 'P-Flow-Req', 'P-Post-Req',
      'T-Pre-Req', 'T-Flow-Req', 'T-Post-Req', 'target',
      'T-Pre-Resp', 'T-Flow-Resp', 'T-Post-Resp',
      'P-Pre-Resp', 'P-Flow-Resp', 'P-Post-Resp', 'PostClient',
    ]);
    expect(ctx.response.contentText).toBe('from target');
  });

  it('skips steps whose condition is false and uses the first matching RouteRule', async () => {
    const log: string[] = [];
    const te = targetEndpoint({});
    const pe = endpoint({
      preFlow: flow('PreFlow', [step(log, 'OnlyForPost', 'ok', { condition: 'request.verb = "POST"' }), step(log, 'Always')]),
      routeRules: [
        { name: 'null-for-options', condition: compileConditionText('request.verb = "OPTIONS"'), targetEndpoint: undefined, urlTarget: undefined },
        targetRoute(te),
      ],
    });
    const ctx = context('GET');
    await runProxyFlow(ctx, pe, io(log));
    expect(log).toEqual(['Always', 'target']);
    expect(ctx.getVariable('route.name')).toBe('to-backend');
  });

  it('answers a null route with an empty 200', async () => {
    const ctx = context();
    await runProxyFlow(ctx, endpoint({}), io([]));
    expect(ctx.response.statusCode).toBe(200);
    expect(ctx.response.contentText).toBe('');
  });

  it('raises RouteFailed (500, Apigee body) when no RouteRule matches', async () => {
    const ctx = context();
    const pe = endpoint({ routeRules: [{ name: 'r', condition: compileConditionText('request.verb = "PUT"'), targetEndpoint: undefined, urlTarget: undefined }] });
    await runProxyFlow(ctx, pe, io([]));
    expect(ctx.response.statusCode).toBe(500);
    expect(JSON.parse(ctx.response.contentText)).toEqual({
      fault: { faultstring: 'Unable to route the message to a Target Endpoint', detail: { errorcode: 'messaging.runtime.RouteFailed' } },
    });
  });
});

describe('runProxyFlow faults', () => {
  it('stops the flow at a fault and sends the default fault body when nothing handles it', async () => {
    const log: string[] = [];
    const pe = endpoint({ preFlow: flow('PreFlow', [step(log, 'Boom', 'fault'), step(log, 'After')], [step(log, 'RespStep')]) });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log));
    expect(log).toEqual(['Boom']);
    expect(ctx.response.statusCode).toBe(500);
    expect(JSON.parse(ctx.response.contentText).fault.detail.errorcode).toBe('steps.fake.BoomFailed');
    expect(ctx.getVariable('fault.name')).toBe('BoomFailed');
  });

  it('continues after a step with continueOnError and records it as failed', async () => {
    const log: string[] = [];
    const flows = io(log);
    const pe = endpoint({ preFlow: flow('PreFlow', [step(log, 'Soft', 'fault', { continueOnError: true }), step(log, 'After')]) });
    const ctx = context();
    await runProxyFlow(ctx, pe, flows);
    expect(log).toEqual(['Soft', 'After']);
    expect(ctx.response.statusCode).toBe(200);
    expect(ctx.getVariable('fake.Soft.failed')).toBe(true);
    expect(flows.suppressed).toHaveLength(1);
  });

  it('evaluates ProxyEndpoint FaultRules bottom-up and runs only the first that matches', async () => {
    const log: string[] = [];
    const pe = endpoint({
      preFlow: flow('PreFlow', [step(log, 'Boom', 'fault')]),
      faultRules: [
        faultRule('top', [step(log, 'TopStep')], 'fault.name = "BoomFailed"'),
        faultRule('bottom', [step(log, 'BottomStep')], 'fault.name Matches "Boom*"'),
        faultRule('other', [step(log, 'OtherStep')], 'fault.name = "Else"'),
      ],
    });
    await runProxyFlow(context(), pe, io(log));
    expect(log).toEqual(['Boom', 'BottomStep']);
  });

  it('runs every true step of the matching rule even after a RaiseFault, and DefaultFaultRule only when no rule ran', async () => {
    const log: string[] = [];
    const defaultRule: CompiledDefaultFaultRule = { name: 'default', steps: [step(log, 'DefaultStep')], alwaysEnforce: false };
    const pe = endpoint({
      preFlow: flow('PreFlow', [step(log, 'Boom', 'fault')]),
      faultRules: [faultRule('rule', [step(log, 'Raise', 'raise'), step(log, 'Skipped', 'ok', { condition: 'fault.name = "Nope"' }), step(log, 'AfterRaise')])],
      defaultFaultRule: defaultRule,
    });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log));
    expect(log).toEqual(['Boom', 'Raise', 'AfterRaise']);
    expect(ctx.response.statusCode).toBe(418);

    const log2: string[] = [];
    const pe2 = endpoint({ preFlow: flow('PreFlow', [step(log2, 'Boom', 'fault')]), faultRules: [faultRule('no', [step(log2, 'X')], 'fault.name = "Else"')], defaultFaultRule: { ...defaultRule, steps: [step(log2, 'DefaultStep')] } });
    await runProxyFlow(context(), pe2, io(log2));
    expect(log2).toEqual(['Boom', 'DefaultStep']);
  });

  it('AlwaysEnforce runs the DefaultFaultRule after a rule, except after a rule that raised a fault', async () => {
    const log: string[] = [];
    const always = (l: string[]): CompiledDefaultFaultRule => ({ name: 'default', steps: [step(l, 'DefaultStep')], alwaysEnforce: true });
    await runProxyFlow(context(), endpoint({ preFlow: flow('PreFlow', [step(log, 'Boom', 'fault')]), faultRules: [faultRule('rule', [step(log, 'RuleStep')])], defaultFaultRule: always(log) }), io(log));
    expect(log).toEqual(['Boom', 'RuleStep', 'DefaultStep']);

    const log2: string[] = [];
    await runProxyFlow(context(), endpoint({ preFlow: flow('PreFlow', [step(log2, 'Boom', 'fault')]), faultRules: [faultRule('rule', [step(log2, 'Raise', 'raise')])], defaultFaultRule: always(log2) }), io(log2));
    expect(log2).toEqual(['Boom', 'Raise']);
  });

  it('handles a target failure with the TargetEndpoint rules (top-down) before the ProxyEndpoint ones', async () => {
    const log: string[] = [];
    const failing = (): void => {
      throw runtimeFault('ServiceUnavailable');
    };
    const te = targetEndpoint({ faultRules: [faultRule('t1', [step(log, 'T1')], 'fault.name = "ServiceUnavailable"'), faultRule('t2', [step(log, 'T2')])] });
    const pe = endpoint({ routeRules: [targetRoute(te)], faultRules: [faultRule('p', [step(log, 'P')])] });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log, failing));
    expect(log).toEqual(['target', 'T1']);
    expect(ctx.response.statusCode).toBe(503);

    const log2: string[] = [];
    const te2 = targetEndpoint({ faultRules: [faultRule('t1', [step(log2, 'T1')], 'fault.name = "Other"')] });
    const pe2 = endpoint({ routeRules: [targetRoute(te2)], faultRules: [faultRule('p', [step(log2, 'P')])] });
    await runProxyFlow(context(), pe2, io(log2, failing));
    expect(log2).toEqual(['target', 'P']);
  });

  it('returns a target error status unchanged when no rule handles it, and skips the response flows', async () => {
    const log: string[] = [];
    const te = targetEndpoint({ postFlow: flow('PostFlow', [], [step(log, 'T-Post-Resp')]) });
    const pe = endpoint({ routeRules: [targetRoute(te)], postFlow: flow('PostFlow', [], [step(log, 'P-Post-Resp')]) });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log, (c) => {
      const response = new Message('response');
      response.statusCode = 404;
      response.setContent('not here');
      c.setMessage('response', response);
    }));
    expect(log).toEqual(['target']);
    expect(ctx.response.statusCode).toBe(404);
    expect(ctx.response.contentText).toBe('not here');
    expect(ctx.getVariable('fault.name')).toBe('ErrorResponseCode');
  });

  it('only reports a fault raised in PostClientFlow', async () => {
    const log: string[] = [];
    const flows = io(log);
    const pe = endpoint({ postClientFlow: flow('PostClientFlow', [], [step(log, 'Boom', 'fault'), step(log, 'After')]) });
    const ctx = context();
    await runProxyFlow(ctx, pe, flows);
    await runPostClientFlow(ctx, pe, flows);
    expect(log).toEqual(['Boom']);
    expect(ctx.response.statusCode).toBe(200);
    expect(flows.suppressed).toEqual(['PostClientFlow']);
  });
});

describe('runProxyFlow short-circuit and response callbacks', () => {
  function answering(log: string[], name: string): CompiledStep {
    const base = step(log, name);
    return {
      ...base,
      compiled: {
        readsContent: false,
        execute(ctx) {
          log.push(name);
          const response = new Message('response');
          response.statusCode = 204;
          ctx.setMessage('response', response);
          ctx.responseReady = true;
        },
      },
    };
  }

  it('a proxy request step that sets responseReady skips the rest of the request side and the target, then runs the response flows', async () => {
    const log: string[] = [];
    const te = targetEndpoint({ preFlow: flow('PreFlow', [step(log, 'T-Pre-Req')], [step(log, 'T-Pre-Resp')]) });
    const pe = endpoint({
      preFlow: flow('PreFlow', [answering(log, 'Answer'), step(log, 'Skipped')], [step(log, 'P-Pre-Resp')]),
      flows: [flow('all', [step(log, 'AlsoSkipped')], [step(log, 'NotSelected')])],
      postFlow: flow('PostFlow', [step(log, 'SkippedToo')], [step(log, 'P-Post-Resp')]),
      routeRules: [targetRoute(te)],
    });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log));
    expect(log).toEqual(['Answer', 'P-Pre-Resp', 'P-Post-Resp']);
    expect(ctx.response.statusCode).toBe(204);
  });

  it('a target request step that sets responseReady skips the target call but runs both response sides', async () => {
    const log: string[] = [];
    const te = targetEndpoint({
      preFlow: flow('PreFlow', [answering(log, 'T-Answer'), step(log, 'T-Skipped')], [step(log, 'T-Pre-Resp')]),
    });
    const pe = endpoint({ preFlow: flow('PreFlow', [], [step(log, 'P-Pre-Resp')]), routeRules: [targetRoute(te)] });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log));
    expect(log).toEqual(['T-Answer', 'T-Pre-Resp', 'P-Pre-Resp']);
  });

  it('runs onBeforeClientResponse callbacks once, after the error flow too', async () => {
    const log: string[] = [];
    const registering: CompiledStep = {
      ...step(log, 'Register'),
      compiled: { readsContent: false, execute(ctx) { ctx.onBeforeClientResponse((c) => log.push(`callback ${c.response.statusCode}`)); } },
    };
    const pe = endpoint({ preFlow: flow('PreFlow', [registering, step(log, 'Boom', 'fault')]) });
    const ctx = context();
    await runProxyFlow(ctx, pe, io(log));
    ctx.runBeforeClientResponse();
    expect(log).toEqual(['Boom', 'callback 500']);
  });
});
