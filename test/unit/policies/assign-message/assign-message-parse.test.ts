import { describe, expect, it } from 'vitest';
import { assignMessagePolicy } from '../../../../src/policies/assign-message/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('AssignMessage parse', () => {
  it('turns a full policy into a typed config with actions in document order', () => {
    const { config, problems } = parsePolicy(assignMessagePolicy, `
      <AssignMessage name="AM-Build">
        <AssignTo createNew="true" transport="http" type="request">myrequest</AssignTo>
        <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <Set>
          <Headers><Header name="X-Api">{apiproxy.name} v{apiproxy.revision}</Header></Headers>
          <Payload contentType="application/json" variablePrefix="@" variableSuffix="#">{"a":"@request.header.x#"}</Payload>
          <Path>/json</Path><Verb>POST</Verb><StatusCode>201</StatusCode><ReasonPhrase>Created</ReasonPhrase>
        </Set>
        <Remove><Headers/><QueryParams><QueryParam name="apikey"/></QueryParams></Remove>
        <Copy source="request"><Headers><Header name="Accept"/></Headers><Payload>true</Payload><Verb/></Copy>
        <Add><QueryParams><QueryParam name="q">{request.queryparam.w}</QueryParam></QueryParams></Add>
        <AssignVariable><Name>target.copy.pathsuffix</Name><Value>false</Value></AssignVariable>
      </AssignMessage>`);
    expect(problems).toEqual([]);
    expect(config.assignTo).toEqual({ variable: 'myrequest', createNew: true, type: 'request' });
    expect(config.ignoreUnresolvedVariables).toBe(true);
    expect(config.actions.map((a) => a.kind)).toEqual(['Set', 'Remove', 'Copy', 'Add', 'AssignVariable']);
    expect(config.actions[0]).toMatchObject({
      kind: 'Set',
      headers: [{ name: 'X-Api', value: '{apiproxy.name} v{apiproxy.revision}' }],
      payload: { text: '{"a":"@request.header.x#"}', contentType: 'application/json', variablePrefix: '@', variableSuffix: '#' },
      path: '/json',
      verb: 'POST',
      statusCode: '201',
      reasonPhrase: 'Created',
    });
    expect(config.actions[1]).toMatchObject({ kind: 'Remove', headers: { all: true, names: [] }, queryParams: { all: false, names: ['apikey'] }, payload: false });
    expect(config.actions[2]).toMatchObject({ kind: 'Copy', source: 'request', headers: { all: false, names: ['Accept'] }, payload: true, verb: true, path: false });
    expect(config.actions[4]).toEqual({ kind: 'AssignVariable', name: 'target.copy.pathsuffix', value: 'false', ref: undefined, template: undefined });
  });

  it('defaults to the flow message, strict variables and no actions', () => {
    const { config, problems } = parsePolicy(assignMessagePolicy, '<AssignMessage name="AM"/>');
    expect(problems).toEqual([]);
    expect(config).toEqual({ assignTo: { createNew: false }, ignoreUnresolvedVariables: false, actions: [] });
  });

  it('serializes an XML payload written as child elements', () => {
    const { config } = parsePolicy(assignMessagePolicy, `
      <AssignMessage name="AM"><Set><Payload contentType="text/xml">
        <root xmlns="urn:x"><name a="1&amp;2">{request.header.n}</name><empty/></root>
      </Payload></Set></AssignMessage>`);
    expect(config.actions[0]).toMatchObject({ payload: { text: '<root xmlns="urn:x"><name a="1&amp;2">{request.header.n}</name><empty/></root>' } });
  });

  it('keeps CDATA payload text as written', () => {
    const { config } = parsePolicy(assignMessagePolicy, '<AssignMessage name="AM"><Set><Payload><![CDATA[{ "a" : "<b>" }]]></Payload></Set></AssignMessage>');
    expect(config.actions[0]).toMatchObject({ payload: { text: '{ "a" : "<b>" }' } });
  });

  it('reports every invalid shape, naming the policy', () => {
    const { problems } = parsePolicy(assignMessagePolicy, `
      <AssignMessage name="AM-x">
        <AssignTo type="reply" createNew="maybe">x</AssignTo>
        <IgnoreUnresolvedVariables>yes</IgnoreUnresolvedVariables>
        <Sett/>
        <Set>
          <StatusCode>abc</StatusCode><Verb>GE T</Verb><Body/>
          <Headers><Header>no name</Header><Param name="p"/></Headers>
          <Payload variablePrefix="@">x</Payload>
          <ReasonPhrase>{substring(request.path)}</ReasonPhrase>
        </Set>
        <AssignVariable><Value>v</Value></AssignVariable>
        <AssignVariable><Name>a</Name><Template ref="t"/></AssignVariable>
      </AssignMessage>`);
    expect(problems).toEqual(expect.arrayContaining([
      'AssignMessage AM-x: <StatusCode> must be an integer 100-599, got "abc"',
      'AssignMessage AM-x: <Sett> is not supported inside <AssignMessage>',
      'AssignMessage AM-x: <AssignTo type> must be request or response, got "reply"',
      'AssignMessage AM-x: <AssignTo createNew> must be true or false, got "maybe"',
      'AssignMessage AM-x: <IgnoreUnresolvedVariables> must be true or false, got "yes"',
      'AssignMessage AM-x: <Verb> must be an HTTP method name, got "GE T"',
      'AssignMessage AM-x: <Body> is not supported inside <Set>',
      'AssignMessage AM-x: <Header> inside <Headers> needs a name attribute',
      'AssignMessage AM-x: <Param> is not supported inside <Headers>; expected <Header>',
      'AssignMessage AM-x: <Payload> needs both variablePrefix and variableSuffix, each non-empty, or neither',
      'AssignMessage AM-x: <AssignVariable> needs a <Name>',
      'AssignMessage AM-x: <AssignVariable><Template ref="…"> is not supported; write the template as the element text',
    ]));
    expect(problems.some((p) => p.startsWith('AssignMessage AM-x: <Set><ReasonPhrase>: invalid template'))).toBe(true);
    expect(problems).toHaveLength(13);
  });

  it('accepts a templated status code and leaves its check to run time', () => {
    const { problems } = parsePolicy(assignMessagePolicy, '<AssignMessage name="AM"><Set><StatusCode>{my.status}</StatusCode></Set></AssignMessage>');
    expect(problems).toEqual([]);
  });
});
