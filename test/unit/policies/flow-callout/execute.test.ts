// FlowCallout execute: deploy-time check, live lookup of the deployed revision, parameters, SharedFlowNotFound, references released at close.
import { describe, expect, it } from 'vitest';
import { PolicyFault } from '../../../../src/errors.js';
import type { FlowIo } from '../../../../src/engine/flow-io.js';
import { flowCalloutPolicy } from '../../../../src/policies/flow-callout/execute.js';
import { createSharedFlowRegistry } from '../../../../src/sharedflows/create-shared-flow-registry.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { fakeSharedFlow, fakeStep } from '../../sharedflows/fake-shared-flow.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const xml = `<FlowCallout name="FC"><SharedFlowBundle>sf</SharedFlowBundle><Parameters>
  <Parameter name="sf.in" ref="request.header.x-in"/>
  <Parameter name="sf.fallback" ref="request.header.x-none" value="literal"/>
  <Parameter name="sf.unset" ref="request.header.x-none"/>
</Parameters></FlowCallout>`;

const io: FlowIo = { maxBufferedBodyBytes: 1024, callTarget: () => Promise.reject(new Error('unused')), onSuppressedError: () => {} };

function setup() {
  const sharedFlows = createSharedFlowRegistry('org', 'test');
  const seen: Array<Record<string, unknown>> = [];
  const record = (revision: number) => fakeStep(`Record-${revision}`, (ctx) => {
    seen.push({ revision, in: ctx.getVariable('sf.in'), fallback: ctx.getVariable('sf.fallback'), unset: ctx.getVariable('sf.unset') });
  });
  return { sharedFlows, seen, record, services: createTestPolicyServices({ sharedFlows }) };
}

describe('FlowCallout execute', () => {
  it('refuses to compile when the shared flow is not deployed in the environment', () => {
    const { services } = setup();
    expect(() => compilePolicy(flowCalloutPolicy, xml, { services })).toThrow('SharedFlowBundle sf is not deployed in environment test');
  });

  it('sets the parameters, then runs the deployed revision, looked up on every call', async () => {
    const { sharedFlows, seen, record, services } = setup();
    sharedFlows.install(fakeSharedFlow('sf', 1, [record(1)]));
    const policy = compilePolicy(flowCalloutPolicy, xml, { services });
    const ctx = createFlowContext({ io });
    ctx.request.headers.set('x-in', 'hello');
    await policy.execute(ctx);
    sharedFlows.install(fakeSharedFlow('sf', 2, [record(2)]));
    await policy.execute(createFlowContext({ io }));
    expect(seen).toEqual([
      { revision: 1, in: 'hello', fallback: 'literal', unset: undefined },
      { revision: 2, in: undefined, fallback: 'literal', unset: undefined },
    ]);
  });

  it('lets a fault of the shared flow through to the caller', async () => {
    const { sharedFlows, services } = setup();
    sharedFlows.install(fakeSharedFlow('sf', 1, [fakeStep('Boom', () => {
      throw new PolicyFault({ faultName: 'Boom', errorCode: 'steps.fake.Boom', status: 400, message: 'boom' });
    })]));
    const fault = await executeExpectingFault(compilePolicy(flowCalloutPolicy, xml, { services }), createFlowContext({ io }));
    expect(fault).toMatchObject({ errorCode: 'steps.fake.Boom', status: 400 });
  });

  it('raises flow.SharedFlowNotFound (500) when the shared flow went away after deploy', async () => {
    const { sharedFlows, services } = setup();
    sharedFlows.install(fakeSharedFlow('sf', 1, []));
    const policy = compilePolicy(flowCalloutPolicy, xml, { services });
    sharedFlows.remove('sf');
    const fault = await executeExpectingFault(policy, createFlowContext({ io }));
    expect(fault).toMatchObject({ errorCode: 'flow.SharedFlowNotFound', faultName: 'SharedFlowNotFound', status: 500, message: 'Shared Flow sf Not Found' });
  });

  it('holds a reference to the shared flow from compile until close', async () => {
    const { sharedFlows, services } = setup();
    sharedFlows.install(fakeSharedFlow('sf', 1, []));
    const policy = compilePolicy(flowCalloutPolicy, xml, { services });
    expect(sharedFlows.callersOf('sf')).toEqual(['APIProxy api revision 1']);
    await policy.close?.();
    expect(sharedFlows.callersOf('sf')).toEqual([]);
  });
});
