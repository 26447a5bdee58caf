// The flow runner with flow hooks: Apigee's four points in order, a hook's continueOnError, a missing shared flow, runs counted in flight.
import { describe, expect, it } from 'vitest';
import type { TargetClient } from '../../../src/dataplane/target-client.js';
import { PolicyFault } from '../../../src/errors.js';
import type { CompiledFlow, CompiledProxyEndpoint, CompiledStep, CompiledTargetEndpoint } from '../../../src/engine/compiled-revision.js';
import { FlowContext } from '../../../src/engine/flow-context.js';
import type { FlowIo } from '../../../src/engine/flow-io.js';
import { Message } from '../../../src/engine/message.js';
import { runProxyFlow } from '../../../src/engine/run-proxy-flow.js';
import type { FlowHookSet } from '../../../src/engine/shared-flow.js';
import { fakeSharedFlow, fakeStep } from './fake-shared-flow.js';

const fakeClient: TargetClient = { baseUrl: 'http://target.test', send: () => Promise.reject(new Error('unused')), close: async () => {}, destroy: async () => {} };

const flow = (name: string, request: CompiledStep[] = [], response: CompiledStep[] = []): CompiledFlow =>
  ({ name, condition: undefined, conditionNeedsContent: false, request, response });

function proxyWithTarget(log: string[]): CompiledProxyEndpoint {
  const mark = (name: string) => fakeStep(name, () => log.push(name));
  const te: CompiledTargetEndpoint = {
    name: 'backend', preFlow: flow('PreFlow', [mark('TargetPreFlow')]), flows: [], postFlow: flow('PostFlow', [], [mark('TargetPostFlow')]),
    faultRules: [], defaultFaultRule: undefined, target: fakeClient, isSuccessStatus: (s) => s < 400, loadBalancerPath: undefined,
  };
  return {
    name: 'default', basePath: '/p', virtualHosts: ['default'],
    preFlow: flow('PreFlow', [mark('ProxyPreFlow')]), flows: [], postFlow: flow('PostFlow', [], [mark('ProxyPostFlow')]), postClientFlow: flow('PostClientFlow'),
    faultRules: [], defaultFaultRule: undefined, routeRules: [{ name: 'r', condition: undefined, targetEndpoint: te, urlTarget: undefined }],
  };
}

function run(log: string[], flowHooks: FlowHookSet | undefined): Promise<{ ctx: FlowContext; suppressed: string[] }> {
  const suppressed: string[] = [];
  const io: FlowIo = {
    maxBufferedBodyBytes: 1024,
    async callTarget(ctx) {
      log.push('target');
      const response = new Message('response');
      response.statusCode = 200;
      ctx.setMessage('response', response);
    },
    onSuppressedError: (_ctx, _err, where) => suppressed.push(where),
  };
  const ctx = new FlowContext({
    request: new Message('request'), organization: 'o', environment: 'test', virtualHost: 'default', apiName: 'api', revision: 1, proxyEndpoint: 'default',
    basePath: '/p', pathSuffix: '', clientIp: '127.0.0.1', scheme: 'http', host: 'localhost', messageId: 'm1', now: () => 0, io, flowHooks,
  });
  return runProxyFlow(ctx, proxyWithTarget(log), io).then(() => ({ ctx, suppressed }));
}

const hookFlow = (log: string[], point: string) => fakeSharedFlow(`sf-${point}`, 1, [fakeStep(point, () => log.push(point))]);
const failing = fakeSharedFlow('sf-failing', 1, [fakeStep('Fail', () => {
  throw new PolicyFault({ faultName: 'Failed', errorCode: 'steps.fake.Failed', status: 503, message: 'hook failed' });
})]);

describe('flow hooks in the flow runner', () => {
  it('runs nothing extra without hooks', async () => {
    const log: string[] = [];
    await run(log, undefined);
    expect(log).toEqual(['ProxyPreFlow', 'TargetPreFlow', 'target', 'TargetPostFlow', 'ProxyPostFlow']);
  });

  it('runs the four hooks at their points (compat §7.2)', async () => {
    const log: string[] = [];
    const hooks: FlowHookSet = Object.fromEntries(['PreProxyFlowHook', 'PreTargetFlowHook', 'PostTargetFlowHook', 'PostProxyFlowHook']
      .map((point) => [point, { sharedFlow: `sf-${point}`, continueOnError: false, flow: hookFlow(log, point) }]));
    const { ctx } = await run(log, hooks);
    expect(log).toEqual(['PreProxyFlowHook', 'ProxyPreFlow', 'PreTargetFlowHook', 'TargetPreFlow', 'target', 'TargetPostFlow', 'PostTargetFlowHook', 'ProxyPostFlow', 'PostProxyFlowHook']);
    expect(ctx.response.statusCode).toBe(200);
  });

  it('only reports a failing hook with continueOnError, and enters the error flow without it', async () => {
    const log: string[] = [];
    const tolerant = await run(log, { PreProxyFlowHook: { sharedFlow: 'sf-failing', continueOnError: true, flow: failing } });
    expect(tolerant.suppressed).toEqual(['PreProxyFlowHook']);
    expect(tolerant.ctx.response.statusCode).toBe(200);
    expect(log).toContain('target');

    const strictLog: string[] = [];
    const strict = await run(strictLog, { PreProxyFlowHook: { sharedFlow: 'sf-failing', continueOnError: false, flow: failing } });
    expect(strict.ctx.fault?.errorCode).toBe('steps.fake.Failed');
    expect(strict.ctx.response.statusCode).toBe(503);
    expect(strictLog).toEqual([]);
  });

  it('raises flow.SharedFlowNotFound for a hook whose shared flow is not deployed', async () => {
    const { ctx } = await run([], { PostTargetFlowHook: { sharedFlow: 'gone', continueOnError: false, flow: undefined } });
    expect(ctx.fault?.errorCode).toBe('flow.SharedFlowNotFound');
    expect(ctx.response.statusCode).toBe(500);
    expect(ctx.response.contentText).toContain('Shared Flow gone Not Found');
  });

  it('counts a hook run in flight while its steps run', async () => {
    let inflightDuringRun = -1;
    const sf = fakeSharedFlow('sf', 1, [fakeStep('Probe', () => {
      inflightDuringRun = sf.inflight;
    })]);
    await run([], { PostProxyFlowHook: { sharedFlow: 'sf', continueOnError: false, flow: sf } });
    expect(inflightDuringRun).toBe(1);
    expect(sf.inflight).toBe(0);
  });
});
