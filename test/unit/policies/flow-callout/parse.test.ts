// FlowCallout parse: the shared flow name and the Parameters, and every problem named by its element.
import { describe, expect, it } from 'vitest';
import { flowCalloutPolicy } from '../../../../src/policies/flow-callout/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('FlowCallout parse', () => {
  it('reads SharedFlowBundle and Parameters given by ref, value attribute or text', () => {
    const { config, problems } = parsePolicy(flowCalloutPolicy, `<FlowCallout name="FC" continueOnError="false" enabled="true" async="false">
      <DisplayName>Call it</DisplayName>
      <SharedFlowBundle> verify-apikey-shared </SharedFlowBundle>
      <Parameters>
        <Parameter name="input" ref="request.header.x-in"/>
        <Parameter name="fallback" ref="request.header.x-none">literal</Parameter>
        <Parameter name="lowercase" value="true"/>
        <Parameter name="outputVariable">request.header.out</Parameter>
        <Parameter name="empty"/>
      </Parameters>
    </FlowCallout>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      sharedFlowBundle: 'verify-apikey-shared',
      parameters: [
        { name: 'input', ref: 'request.header.x-in' },
        { name: 'fallback', ref: 'request.header.x-none', value: 'literal' },
        { name: 'lowercase', value: 'true' },
        { name: 'outputVariable', value: 'request.header.out' },
        { name: 'empty', value: '' },
      ],
    });
  });

  it('reports a missing or invalid SharedFlowBundle, a nameless Parameter and unknown elements', () => {
    expect(parsePolicy(flowCalloutPolicy, '<FlowCallout name="FC"/>').problems)
      .toEqual(['FlowCallout FC: <SharedFlowBundle> is required and must name a shared flow']);
    expect(parsePolicy(flowCalloutPolicy, '<FlowCallout name="FC"><SharedFlowBundle>a/b</SharedFlowBundle></FlowCallout>').problems)
      .toEqual(['FlowCallout FC: <SharedFlowBundle> "a/b" is not a valid shared flow name (A-Za-z0-9._-)']);
    const { problems } = parsePolicy(flowCalloutPolicy, `<FlowCallout name="FC">
      <SharedFlowBundle>sf</SharedFlowBundle><SharedFlowBundle>other</SharedFlowBundle>
      <Parameters><Parameter ref="x"/><Param name="y"/></Parameters>
      <Bundle>sf</Bundle>
    </FlowCallout>`);
    expect(problems).toEqual([
      'FlowCallout FC: <Bundle> is not supported inside <FlowCallout>',
      'FlowCallout FC: <SharedFlowBundle> appears 2 times; expected once',
      'FlowCallout FC: <Param> is not supported inside <Parameters>',
      'FlowCallout FC: a <Parameter> has no name attribute',
    ]);
  });
});
