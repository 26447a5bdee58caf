import { describe, expect, it } from 'vitest';
import { PolicyFault } from '../../../../src/errors.js';
import { raiseFaultPolicy } from '../../../../src/policies/raise-fault/execute.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const compile = (xml: string) => compilePolicy(raiseFaultPolicy, xml);

describe('RaiseFault execute', () => {
  it('replaces the response with a fresh one built from FaultResponse and throws the RaiseFault fault', async () => {
    const ctx = createFlowContext({ pathSuffix: '/nowhere' });
    const before = ctx.response;
    before.headers.set('X-Target', 'leaked?');
    const err = await executeExpectingFault(compile(`
      <RaiseFault name="RF-UnknownRequest">
        <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <FaultResponse><Set>
          <Headers><Header name="X-Why">{proxy.pathsuffix}</Header></Headers>
          <Payload contentType="application/json">{ "error" : "unknown {proxy.pathsuffix}" }</Payload>
          <StatusCode>404</StatusCode><ReasonPhrase>Not Found</ReasonPhrase>
        </Set></FaultResponse>
      </RaiseFault>`), ctx);
    expect(err).toBeInstanceOf(PolicyFault);
    expect(err).toMatchObject({
      faultName: 'RaiseFault',
      errorCode: 'steps.raisefault.RaiseFault',
      status: 404,
      message: 'Raising fault. Fault name : RF-UnknownRequest',
      policyName: 'RF-UnknownRequest',
      raisedByRaiseFault: true,
    });
    expect(ctx.response).not.toBe(before);
    expect(ctx.response.statusCode).toBe(404);
    expect(ctx.response.reasonPhrase).toBe('Not Found');
    expect(ctx.response.headers.get('content-type')).toBe('application/json');
    expect(ctx.response.headers.get('x-why')).toBe('/nowhere');
    expect(ctx.response.headers.has('X-Target')).toBe(false);
    expect(ctx.response.contentText).toBe('{ "error" : "unknown /nowhere" }');
  });

  it('defaults the status to 500', async () => {
    const ctx = createFlowContext();
    const err = await executeExpectingFault(compile('<RaiseFault name="RF"><FaultResponse><Set><Payload>oops</Payload></Set></FaultResponse></RaiseFault>'), ctx);
    expect(err).toMatchObject({ status: 500 });
    expect(ctx.response.statusCode).toBe(500);
    expect(ctx.response.contentText).toBe('oops');
  });

  it('sends the default fault body when there is no FaultResponse', async () => {
    const ctx = createFlowContext();
    const err = await executeExpectingFault(compile('<RaiseFault name="RF-bare"/>'), ctx);
    expect(err).toMatchObject({ status: 500, errorCode: 'steps.raisefault.RaiseFault' });
    expect(ctx.response.statusCode).toBe(500);
    expect(JSON.parse(ctx.response.contentText)).toEqual({
      fault: { faultstring: 'Raising fault. Fault name : RF-bare', detail: { errorcode: 'steps.raisefault.RaiseFault' } },
    });
  });

  it('supports Copy, Remove, Add and AssignVariable in the fault response', async () => {
    const ctx = createFlowContext();
    ctx.request.headers.set('X-Correlation', 'c-1');
    ctx.response.statusCode = 502;
    ctx.flow = 'TARGET_RESP_FLOW';
    await executeExpectingFault(compile(`
      <RaiseFault name="RF"><FaultResponse>
        <Copy source="request"><Headers><Header name="X-Correlation"/></Headers></Copy>
        <Copy source="response"><StatusCode>true</StatusCode></Copy>
        <Add><Headers><Header name="X-Add">a</Header></Headers></Add>
        <Remove><Headers><Header name="X-Add"/></Headers></Remove>
        <AssignVariable><Name>flow.rf</Name><Value>yes</Value></AssignVariable>
      </FaultResponse></RaiseFault>`), ctx);
    expect(ctx.response.headers.get('x-correlation')).toBe('c-1');
    expect(ctx.response.statusCode).toBe(502);
    expect(ctx.response.headers.has('x-add')).toBe(false);
    expect(ctx.getVariable('flow.rf')).toBe('yes');
  });

  it('raises steps.raisefault.UnresolvedVariable for an unresolved variable when not ignoring them', async () => {
    const xml = '<RaiseFault name="RF"><FaultResponse><Set><ReasonPhrase>{nope}</ReasonPhrase><StatusCode>400</StatusCode></Set></FaultResponse></RaiseFault>';
    const err = await executeExpectingFault(compile(xml), createFlowContext());
    expect(err).toMatchObject({ errorCode: 'steps.raisefault.UnresolvedVariable', faultName: 'UnresolvedVariable', status: 500 });
    expect((err as PolicyFault).raisedByRaiseFault).toBe(false);
  });

  it('declares readsContent from its actions', () => {
    expect(compile('<RaiseFault name="RF"><FaultResponse><Set><Payload>{request.content}</Payload></Set></FaultResponse></RaiseFault>').readsContent).toBe(true);
    expect(compile('<RaiseFault name="RF"><FaultResponse><Set><Payload>x</Payload></Set></FaultResponse></RaiseFault>').readsContent).toBe(false);
    expect(compile('<RaiseFault name="RF"/>').readsContent).toBe(false);
  });
});
