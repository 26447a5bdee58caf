// SpikeArrest per request with a fake clock: smoothing, refs, identifiers, weights, faults (500 or 429) and counters kept across a swap.
import { describe, expect, it } from 'vitest';
import { PolicyFault } from '../../../../src/errors.js';
import { toFaultResponse } from '../../../../src/engine/fault-response.js';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import type { PolicyServices } from '../../../../src/policies/policy-services.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import { spikeArrestPolicy } from '../../../../src/policies/spike-arrest/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

function setup(xml: string, overrides: Partial<PolicyServices> = {}) {
  const clock = { now: 1_000_000 };
  const services = createTestPolicyServices({ now: () => clock.now, ...overrides });
  return { clock, services, policy: compilePolicy(spikeArrestPolicy, xml, { services }) };
}

/** execute may throw synchronously; as a promise, `rejects` can assert on it. */
async function run(policy: CompiledPolicy, ctx: FlowContext): Promise<void> {
  await policy.execute(ctx);
}

function withHeaders(headers: Record<string, string> = {}) {
  const ctx = createFlowContext();
  for (const [name, value] of Object.entries(headers)) ctx.request.headers.set(name, value);
  return ctx;
}

describe('SpikeArrest execute', () => {
  it('smooths 10ps to one message per 100 ms and answers Apigee\'s SpikeArrestViolation with 500', async () => {
    const { clock, policy } = setup('<SpikeArrest name="SA"><Rate>10ps</Rate></SpikeArrest>');
    const first = withHeaders();
    await policy.execute(first);
    expect(first.getVariable('ratelimit.SA.failed')).toBe(false);
    clock.now += 50;
    const second = withHeaders();
    const err = await executeExpectingFault(policy, second);
    expect(err).toBeInstanceOf(PolicyFault);
    expect(err).toMatchObject({
      faultName: 'SpikeArrestViolation',
      errorCode: 'policies.ratelimit.SpikeArrestViolation',
      status: 500,
      policyName: 'SA',
      message: 'Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=10, periodInMicroseconds=1000000, maxBurstMessageCount=1.0}',
    });
    expect(second.getVariable('ratelimit.SA.failed')).toBe(true);
    expect(JSON.parse(toFaultResponse(err as PolicyFault).contentText)).toEqual({
      fault: { faultstring: (err as PolicyFault).message, detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } },
    });
    clock.now += 50;
    await policy.execute(withHeaders());
  });

  it('answers 429 when the organization enables features.isHTTPStatusTooManyRequestEnabled', async () => {
    const { policy } = setup('<SpikeArrest name="SA"><Rate>1pm</Rate></SpikeArrest>', { rateLimitStatus: 429 });
    await policy.execute(withHeaders());
    expect(await executeExpectingFault(policy, withHeaders())).toMatchObject({ status: 429, errorCode: 'policies.ratelimit.SpikeArrestViolation' });
  });

  it('keeps one counter per identifier', async () => {
    const { policy } = setup('<SpikeArrest name="SA"><Identifier ref="request.header.x-client"/><Rate>1pm</Rate></SpikeArrest>');
    await policy.execute(withHeaders({ 'x-client': 'a' }));
    await policy.execute(withHeaders({ 'x-client': 'b' }));
    await policy.execute(withHeaders());
    await expect(run(policy, withHeaders({ 'x-client': 'a' }))).rejects.toMatchObject({ faultName: 'SpikeArrestViolation' });
    await expect(run(policy, withHeaders())).rejects.toMatchObject({ faultName: 'SpikeArrestViolation' });
  });

  it('uses the rate of Rate ref when it resolves, the literal otherwise', async () => {
    const { clock, policy } = setup('<SpikeArrest name="SA"><Rate ref="request.header.rate">1pm</Rate></SpikeArrest>');
    await policy.execute(withHeaders({ rate: '10ps' }));
    clock.now += 100;
    await policy.execute(withHeaders({ rate: '10ps' }));
    clock.now += 100;
    // Without the header the literal 1pm applies: the next message is a minute away.
    await policy.execute(withHeaders());
    clock.now += 100;
    await expect(run(policy, withHeaders())).rejects.toMatchObject({ faultName: 'SpikeArrestViolation' });
  });

  it('raises FailedToResolveSpikeArrestRate or InvalidAllowedRate when a Rate ref has no literal fallback', async () => {
    const { policy } = setup('<SpikeArrest name="SA_AuthProxy"><Rate ref="request.header.rate"/></SpikeArrest>');
    const unresolved = withHeaders();
    expect(await executeExpectingFault(policy, unresolved)).toMatchObject({
      status: 500,
      errorCode: 'policies.ratelimit.FailedToResolveSpikeArrestRate',
      message: 'Failed to resolve Spike Arrest Rate reference request.header.rate in SpikeArrest policy SA_AuthProxy',
    });
    expect(unresolved.getVariable('ratelimit.SA_AuthProxy.failed')).toBe(true);
    expect(await executeExpectingFault(policy, withHeaders({ rate: '30s' }))).toMatchObject({
      errorCode: 'policies.ratelimit.InvalidAllowedRate', message: 'Invalid spike arrest rate 30s.',
    });
  });

  it('counts a message by its MessageWeight and refuses a weight that is not a whole number', async () => {
    const { clock, policy } = setup('<SpikeArrest name="SA"><Rate>10ps</Rate><MessageWeight ref="request.header.weight"/></SpikeArrest>');
    await policy.execute(withHeaders({ weight: '3' }));
    clock.now += 200;
    await expect(run(policy, withHeaders())).rejects.toMatchObject({ faultName: 'SpikeArrestViolation' });
    clock.now += 100;
    await policy.execute(withHeaders());
    clock.now += 1_000;
    expect(await executeExpectingFault(policy, withHeaders({ weight: '1.5' }))).toMatchObject({
      status: 500, errorCode: 'policies.ratelimit.InvalidMessageWeight', message: 'Invalid message weight value 1.5',
    });
  });

  it('with UseEffectiveCount lets the whole rate through without smoothing and publishes the counts', async () => {
    const { policy } = setup('<SpikeArrest name="SA"><Rate>3ps</Rate><UseEffectiveCount>true</UseEffectiveCount></SpikeArrest>');
    const contexts = [withHeaders(), withHeaders(), withHeaders()];
    for (const ctx of contexts) await policy.execute(ctx);
    expect(contexts[2]?.getVariable('ratelimit.SA.allowed.count')).toBe(3);
    expect(contexts[2]?.getVariable('ratelimit.SA.used.count')).toBe(3);
    const refused = withHeaders();
    expect(await executeExpectingFault(policy, refused)).toMatchObject({
      message: 'Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=3, periodInMicroseconds=1000000, maxBurstMessageCount=3.0}',
    });
    expect(refused.getVariable('ratelimit.SA.exceed.count')).toBe(1);
  });

  it('keeps counting across a recompiled revision: the counters live in the environment services', async () => {
    const xml = '<SpikeArrest name="SA"><Rate>1pm</Rate></SpikeArrest>';
    const { services, policy } = setup(xml);
    await policy.execute(withHeaders());
    const nextRevision = compilePolicy(spikeArrestPolicy, xml, { services });
    await expect(run(nextRevision, withHeaders())).rejects.toMatchObject({ faultName: 'SpikeArrestViolation' });
    // Another proxy with a policy of the same name has its own counter.
    const { config } = parsePolicy(spikeArrestPolicy, xml);
    const otherProxy = spikeArrestPolicy.compile(config, {
      policy: { name: 'SA', type: 'SpikeArrest', file: 'policies/SA.xml', enabled: true, continueOnError: false, config },
      resources: new Map(), organization: 'org', apiName: 'other', revision: 1, environment: 'test', services,
    });
    await otherProxy.execute(withHeaders());
  });
});
