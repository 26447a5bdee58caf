// Quota per request with a fake clock: windows, identifiers, weights, refs, classes, variables, faults (500 or 429), swaps.
import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { toFaultResponse } from '../../../../src/engine/fault-response.js';
import { PolicyFault } from '../../../../src/errors.js';
import type { PolicyServices } from '../../../../src/policies/policy-services.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import { quotaPolicy } from '../../../../src/policies/quota/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) => Date.UTC(y, m - 1, d, h, min, s, ms);

function setup(xml: string, overrides: Partial<PolicyServices> = {}) {
  const clock = { now: utc(2024, 3, 5, 10, 15, 30) };
  const services = createTestPolicyServices({ now: () => clock.now, ...overrides });
  return { clock, services, policy: compilePolicy(quotaPolicy, xml, { services }) };
}

function request(variables: Record<string, string> = {}, headers: Record<string, string> = {}): FlowContext {
  const ctx = createFlowContext();
  for (const [name, value] of Object.entries(variables)) ctx.setVariable(name, value);
  for (const [name, value] of Object.entries(headers)) ctx.request.headers.set(name, value);
  return ctx;
}

/** Runs the policy; true when it let the message through, false on a QuotaViolation. */
async function passes(policy: CompiledPolicy, ctx: FlowContext = request()): Promise<boolean> {
  try {
    await policy.execute(ctx);
    return true;
  } catch (err) {
    if (err instanceof PolicyFault && err.faultName === 'QuotaViolation') return false;
    throw err;
  }
}

const vars = (ctx: FlowContext, name = 'Q') => Object.fromEntries(
  ['allowed.count', 'used.count', 'available.count', 'exceed.count', 'total.exceed.count', 'expiry.time', 'identifier', 'failed']
    .map((v) => [v, ctx.getVariable(`ratelimit.${name}.${v}`)]),
);

describe('Quota execute', () => {
  it('counts in a clock-aligned window by default, publishes ratelimit.<policy>.*, and raises QuotaViolation with 500', async () => {
    const { clock, policy } = setup('<Quota name="Q"><Allow count="2"/><Interval>1</Interval><TimeUnit>minute</TimeUnit></Quota>');
    const first = request();
    await policy.execute(first);
    expect(vars(first)).toEqual({
      'allowed.count': 2, 'used.count': 1, 'available.count': 1, 'exceed.count': 0, 'total.exceed.count': 0,
      'expiry.time': utc(2024, 3, 5, 10, 16), identifier: '_default', failed: false,
    });
    expect(await passes(policy)).toBe(true);
    const refused = request();
    const err = await executeExpectingFault(policy, refused);
    expect(err).toMatchObject({
      faultName: 'QuotaViolation', errorCode: 'policies.ratelimit.QuotaViolation', status: 500, policyName: 'Q',
      message: 'Rate limit quota violation. Quota limit  exceeded. Identifier : _default',
    });
    expect(JSON.parse(toFaultResponse(err as PolicyFault).contentText)).toEqual({
      fault: { faultstring: 'Rate limit quota violation. Quota limit  exceeded. Identifier : _default', detail: { errorcode: 'policies.ratelimit.QuotaViolation' } },
    });
    expect(vars(refused)).toMatchObject({ 'used.count': 2, 'available.count': 0, 'exceed.count': 1, 'total.exceed.count': 1, failed: true });
    clock.now = utc(2024, 3, 5, 10, 16);
    expect(await passes(policy)).toBe(true);
  });

  it('answers 429 when the organization enables features.isHTTPStatusTooManyRequestEnabled', async () => {
    const { policy } = setup('<Quota name="Q"><Allow count="0"/><Interval>1</Interval><TimeUnit>hour</TimeUnit></Quota>', { rateLimitStatus: 429 });
    expect(await executeExpectingFault(policy, request())).toMatchObject({ status: 429, errorCode: 'policies.ratelimit.QuotaViolation' });
  });

  it('resets a calendar quota at StartTime plus each interval', async () => {
    const { clock, policy } = setup(`<Quota name="Q" type="calendar"><Allow count="1"/><Interval>1</Interval><TimeUnit>hour</TimeUnit>
      <StartTime>2024-03-05 09:30:00</StartTime></Quota>`);
    clock.now = utc(2024, 3, 5, 10, 29, 59, 999);
    const ctx = request();
    expect(await passes(policy, ctx)).toBe(true);
    expect(ctx.getVariable('ratelimit.Q.expiry.time')).toBe(utc(2024, 3, 5, 10, 30));
    expect(await passes(policy)).toBe(false);
    clock.now = utc(2024, 3, 5, 10, 30);
    expect(await passes(policy)).toBe(true);
    expect(await passes(policy)).toBe(false);
  });

  it('starts a flexi window at the first message', async () => {
    const { clock, policy } = setup('<Quota name="Q" type="flexi"><Allow count="1"/><Interval>1</Interval><TimeUnit>hour</TimeUnit></Quota>');
    const first = request();
    expect(await passes(policy, first)).toBe(true);
    expect(first.getVariable('ratelimit.Q.expiry.time')).toBe(clock.now + 3_600_000);
    clock.now = utc(2024, 3, 5, 11, 0, 0);
    // A default quota would have reset at 11:00; the flexi hour runs to 11:15:30.
    expect(await passes(policy)).toBe(false);
    clock.now = utc(2024, 3, 5, 11, 15, 30);
    expect(await passes(policy)).toBe(true);
  });

  it('looks back one interval in a rolling window', async () => {
    const { clock, policy } = setup('<Quota name="Q" type="rollingwindow"><Allow count="2"/><Interval>1</Interval><TimeUnit>minute</TimeUnit></Quota>');
    const start = clock.now;
    expect(await passes(policy)).toBe(true);
    clock.now = start + 30_000;
    expect(await passes(policy)).toBe(true);
    clock.now = start + 59_000;
    expect(await passes(policy)).toBe(false);
    clock.now = start + 61_000;
    expect(await passes(policy)).toBe(true);
    expect(await passes(policy)).toBe(false);
  });

  it('keeps one counter per identifier and publishes it', async () => {
    const { policy } = setup(`<Quota name="Q"><Identifier ref="request.header.x-app"/><Allow count="1"/><Interval>1</Interval>
      <TimeUnit>day</TimeUnit></Quota>`);
    const a = request({}, { 'x-app': 'app-a' });
    expect(await passes(policy, a)).toBe(true);
    expect(a.getVariable('ratelimit.Q.identifier')).toBe('app-a');
    expect(await passes(policy, request({}, { 'x-app': 'app-b' }))).toBe(true);
    expect(await passes(policy)).toBe(true);
    expect(await executeExpectingFault(policy, request({}, { 'x-app': 'app-a' }))).toMatchObject({
      message: 'Rate limit quota violation. Quota limit  exceeded. Identifier : app-a',
    });
  });

  it('counts MessageWeight, and refuses a weight that is not a whole number', async () => {
    const { policy } = setup('<Quota name="Q"><Allow count="5"/><Interval>1</Interval><TimeUnit>day</TimeUnit><MessageWeight ref="message_weight"/></Quota>');
    const heavy = request({ message_weight: '3' });
    expect(await passes(policy, heavy)).toBe(true);
    expect(heavy.getVariable('ratelimit.Q.used.count')).toBe(3);
    expect(await passes(policy, request({ message_weight: '3' }))).toBe(false);
    expect(await passes(policy)).toBe(true);
    const bad = request({ message_weight: '1.5' });
    expect(await executeExpectingFault(policy, bad)).toMatchObject({ status: 500, errorCode: 'policies.ratelimit.InvalidMessageWeight', message: 'Invalid message weight value 1.5' });
    expect(bad.getVariable('ratelimit.Q.failed')).toBe(true);
  });

  it('takes Allow, Interval and TimeUnit from their refs when they resolve and from the literals otherwise', async () => {
    const { clock, policy } = setup(`<Quota name="Q">
      <Interval ref="verifyapikey.V.apiproduct.developer.quota.interval">1</Interval>
      <TimeUnit ref="verifyapikey.V.apiproduct.developer.quota.timeunit">hour</TimeUnit>
      <Allow count="1" countRef="verifyapikey.V.apiproduct.developer.quota.limit"/>
      <Identifier ref="verifyapikey.V.client_id"/></Quota>`);
    const product = { 'verifyapikey.V.apiproduct.developer.quota.interval': '2', 'verifyapikey.V.apiproduct.developer.quota.timeunit': 'minute', 'verifyapikey.V.apiproduct.developer.quota.limit': '3', 'verifyapikey.V.client_id': 'product-app' };
    for (let i = 0; i < 3; i += 1) expect(await passes(policy, request(product))).toBe(true);
    const last = request(product);
    expect(await passes(policy, last)).toBe(false);
    expect(last.getVariable('ratelimit.Q.allowed.count')).toBe(3);
    expect(last.getVariable('ratelimit.Q.expiry.time')).toBe(utc(2024, 3, 5, 10, 16));
    // Without the product variables: 1 per hour.
    const literal = request();
    expect(await passes(policy, literal)).toBe(true);
    expect(literal.getVariable('ratelimit.Q.expiry.time')).toBe(utc(2024, 3, 5, 11));
    expect(await passes(policy)).toBe(false);
    clock.now = utc(2024, 3, 5, 11);
    expect(await passes(policy)).toBe(true);
  });

  it('refuses every message when countRef is unresolved and there is no count, as Apigee does (a limit of 0)', async () => {
    const { policy } = setup('<Quota name="Q"><Allow countRef="app.quota"/><Interval>1</Interval><TimeUnit>day</TimeUnit></Quota>');
    expect(await passes(policy)).toBe(false);
    expect(await passes(policy, request({ 'app.quota': '1' }))).toBe(true);
  });

  it('raises Apigee\'s reference faults when Interval or TimeUnit cannot be resolved', async () => {
    const noInterval = setup('<Quota name="CheckQuota"><Allow count="3"/><TimeUnit>hour</TimeUnit></Quota>').policy;
    const ctx = request();
    expect(await executeExpectingFault(noInterval, ctx)).toMatchObject({
      status: 500, errorCode: 'policies.ratelimit.FailedToResolveQuotaIntervalReference', message: 'Failed to resolve quota interval reference null in quota policy CheckQuota',
    });
    expect(ctx.getVariable('ratelimit.CheckQuota.failed')).toBe(true);
    const unitRef = setup('<Quota name="Q"><Allow count="3"/><Interval>1</Interval><TimeUnit ref="apiproduct.developer.quota.timeunity"/></Quota>').policy;
    expect(await executeExpectingFault(unitRef, request())).toMatchObject({
      errorCode: 'policies.ratelimit.FailedToResolveQuotaIntervalTimeUnitReference',
      message: 'Failed to resolve quota time unit reference apiproduct.developer.quota.timeunity in quota policy Q',
    });
    expect(await executeExpectingFault(unitRef, request({ 'apiproduct.developer.quota.timeunity': 'fortnight' }))).toMatchObject({
      errorCode: 'policies.ratelimit.InvalidQuotaTimeUnit', message: 'Invalid quota interval time unit fortnight in quota policy Q.',
    });
    const intervalRef = setup('<Quota name="Q"><Allow count="3"/><Interval ref="i"/><TimeUnit>hour</TimeUnit></Quota>').policy;
    expect(await executeExpectingFault(intervalRef, request({ i: '0.5' }))).toMatchObject({ errorCode: 'policies.ratelimit.InvalidQuotaInterval' });
  });

  it('applies the limit of the class the Class ref picks, on a counter of its own', async () => {
    const { policy } = setup(`<Quota name="Q"><Interval>1</Interval><TimeUnit>day</TimeUnit>
      <Allow count="1"><Class ref="request.header.segment"><Allow class="platinum" count="2"/><Allow class="silver" count="0"/></Class></Allow></Quota>`);
    const gold = request({}, { segment: 'platinum' });
    expect(await passes(policy, gold)).toBe(true);
    expect(gold.getVariable('ratelimit.Q.class')).toBe('platinum');
    expect(gold.getVariable('ratelimit.Q.class.allowed.count')).toBe(2);
    expect(gold.getVariable('ratelimit.Q.class.used.count')).toBe(1);
    expect(await passes(policy, request({}, { segment: 'platinum' }))).toBe(true);
    expect(await passes(policy, request({}, { segment: 'platinum' }))).toBe(false);
    expect(await passes(policy, request({}, { segment: 'silver' }))).toBe(false);
    // An unknown class falls back to count.
    expect(await passes(policy, request({}, { segment: 'bronze' }))).toBe(true);
    expect(await passes(policy, request({}, { segment: 'bronze' }))).toBe(false);
  });

  it('keeps counting across a recompiled revision: the counters live in the environment services', async () => {
    const xml = '<Quota name="Q"><Allow count="2"/><Interval>1</Interval><TimeUnit>day</TimeUnit></Quota>';
    const { services, policy } = setup(xml);
    expect(await passes(policy)).toBe(true);
    const nextRevision = compilePolicy(quotaPolicy, xml, { services });
    expect(await passes(nextRevision)).toBe(true);
    expect(await passes(nextRevision)).toBe(false);
    expect(await passes(compilePolicy(quotaPolicy, xml.replace('name="Q"', 'name="Other"'), { services }))).toBe(true);
  });
});
