import { describe, expect, it } from 'vitest';
import { extractVariablesPolicy } from '../../../../src/policies/extract-variables/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('ExtractVariables parse', () => {
  it('turns every extraction into a typed config', () => {
    const { config, problems } = parsePolicy(extractVariablesPolicy, `
      <ExtractVariables name="EV">
        <Source clearPayload="true">calloutResponse</Source>
        <VariablePrefix>mock</VariablePrefix>
        <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <URIPath><Pattern ignoreCase="true">/a/{id}</Pattern><Pattern>/{zip}</Pattern></URIPath>
        <QueryParam name="code"><Pattern>DBN{dbncode}</Pattern></QueryParam>
        <Header name="Authorization"><Pattern>Bearer {token}</Pattern></Header>
        <FormParam name="f"><Pattern>{f}</Pattern></FormParam>
        <Variable name="flow.v"><Pattern>x-{rest}</Pattern></Variable>
        <JSONPayload><Variable name="firstName" type="string"><JSONPath>$.root.firstName</JSONPath></Variable></JSONPayload>
        <XMLPayload stopPayloadProcessing="true">
          <Namespaces><Namespace prefix="ns">urn:x</Namespace></Namespaces>
          <Variable name="n" type="integer"><XPath>/ns:a/ns:n</XPath></Variable>
        </XMLPayload>
      </ExtractVariables>`);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      source: 'calloutResponse',
      variablePrefix: 'mock',
      ignoreUnresolvedVariables: true,
      uriPath: [{ text: '/a/{id}', ignoreCase: true }, { text: '/{zip}', ignoreCase: false }],
      queryParams: [{ name: 'code', patterns: [{ text: 'DBN{dbncode}', ignoreCase: false }] }],
      headers: [{ name: 'Authorization', patterns: [{ text: 'Bearer {token}' }] }],
      formParams: [{ name: 'f' }],
      variables: [{ name: 'flow.v' }],
      jsonPayload: { variables: [{ name: 'firstName', type: 'string', path: '$.root.firstName' }] },
      xmlPayload: { stopPayloadProcessing: true, variables: [{ name: 'n', type: 'integer', path: '/ns:a/ns:n' }] },
    });
    expect({ ...config.xmlPayload?.namespaces }).toEqual({ ns: 'urn:x' });
  });

  it('defaults to the message source, no prefix and strict extraction', () => {
    const { config, problems } = parsePolicy(extractVariablesPolicy, '<ExtractVariables name="EV"><URIPath><Pattern>/{zip}</Pattern></URIPath></ExtractVariables>');
    expect(problems).toEqual([]);
    expect(config.source).toBe('message');
    expect(config.variablePrefix).toBeUndefined();
    expect(config.ignoreUnresolvedVariables).toBe(false);
  });

  it('reports a policy with nothing to extract', () => {
    const { problems } = parsePolicy(extractVariablesPolicy, '<ExtractVariables name="EV-XML-Age"><DisplayName>x</DisplayName><Properties/></ExtractVariables>');
    expect(problems).toEqual(['ExtractVariables EV-XML-Age: at least one of URIPath, QueryParam, Header, FormParam, Variable, XMLPayload, JSONPayload is mandatory']);
  });

  it('reports bad patterns, paths, types and names', () => {
    const { problems } = parsePolicy(extractVariablesPolicy, `
      <ExtractVariables name="EV-x">
        <URIPath><Pattern>/{zip</Pattern></URIPath>
        <QueryParam><Pattern>{a}</Pattern></QueryParam>
        <Header name="h"><Pattern ignoreCase="sometimes">{a}{b}</Pattern></Header>
        <JSONPayload>
          <Variable name="a"><JSONPath>$.items[?(@.x)]</JSONPath></Variable>
          <Variable name="b" type="text"><JSONPath>$.b</JSONPath></Variable>
          <Variable><JSONPath>$.c</JSONPath></Variable>
          <Variable name="d"/>
        </JSONPayload>
        <XMLPayload><Variable name="x"><XPath>/a[</XPath></Variable></XMLPayload>
        <Sauce>request</Sauce>
      </ExtractVariables>`);
    expect(problems).toEqual(expect.arrayContaining([
      'ExtractVariables EV-x: <QueryParam> needs a name attribute',
      'ExtractVariables EV-x: <Header name="h"><Pattern ignoreCase> must be true or false, got "sometimes"',
      'ExtractVariables EV-x: <JSONPayload><Variable name="b"> type must be one of string, boolean, integer, long, float, double, nodeset, got "text"',
      'ExtractVariables EV-x: <JSONPayload><Variable> needs a name attribute',
      'ExtractVariables EV-x: <JSONPayload><Variable name="d"> needs a <JSONPath>',
      'ExtractVariables EV-x: <Sauce> is not supported inside <ExtractVariables>',
    ]));
    expect(problems.some((p) => p.startsWith('ExtractVariables EV-x: <URIPath>: pattern "/{zip"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ExtractVariables EV-x: <Header name="h">: pattern "{a}{b}"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ExtractVariables EV-x: <JSONPayload><Variable name="a">: invalid JSONPath'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ExtractVariables EV-x: <XMLPayload><Variable name="x">: invalid XPath'))).toBe(true);
    expect(problems).toHaveLength(10);
  });
});
