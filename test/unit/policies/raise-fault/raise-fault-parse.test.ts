import { describe, expect, it } from 'vitest';
import { raiseFaultPolicy } from '../../../../src/policies/raise-fault/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('RaiseFault parse', () => {
  it('reads FaultResponse actions in document order', () => {
    const { config, problems } = parsePolicy(raiseFaultPolicy, `
      <RaiseFault name="RF-UnknownRequest">
        <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <FaultResponse>
          <AssignVariable><Name>flow.error</Name><Value>unknown</Value></AssignVariable>
          <Set>
            <Payload contentType="application/json">{ "error" : { "code" : 404.01 } }</Payload>
            <StatusCode>404</StatusCode><ReasonPhrase>Not Found</ReasonPhrase>
          </Set>
        </FaultResponse>
      </RaiseFault>`);
    expect(problems).toEqual([]);
    expect(config.ignoreUnresolvedVariables).toBe(true);
    expect(config.faultResponse?.map((a) => a.kind)).toEqual(['AssignVariable', 'Set']);
    expect(config.faultResponse?.[1]).toMatchObject({
      payload: { text: '{ "error" : { "code" : 404.01 } }', contentType: 'application/json' },
      statusCode: '404',
      reasonPhrase: 'Not Found',
    });
  });

  it('has no fault response when the element is absent', () => {
    const { config, problems } = parsePolicy(raiseFaultPolicy, '<RaiseFault name="RF"><ShortFaultReason>false</ShortFaultReason></RaiseFault>');
    expect(problems).toEqual([]);
    expect(config).toEqual({ ignoreUnresolvedVariables: false, faultResponse: undefined });
  });

  it('reports invalid shapes with the policy name', () => {
    const { problems } = parsePolicy(raiseFaultPolicy, `
      <RaiseFault name="RF-x">
        <FaultResponse><Set><StatusCode>99</StatusCode></Set><Payload/></FaultResponse>
        <FaultResponse/>
        <Response/>
      </RaiseFault>`);
    expect(problems).toEqual(expect.arrayContaining([
      'RaiseFault RF-x: <StatusCode> must be an integer 100-599, got "99"',
      'RaiseFault RF-x: <Payload> is not supported inside <FaultResponse>',
      'RaiseFault RF-x: <FaultResponse> appears 2 times; expected at most once',
      'RaiseFault RF-x: <Response> is not supported inside <RaiseFault>',
    ]));
    expect(problems).toHaveLength(4);
  });
});
