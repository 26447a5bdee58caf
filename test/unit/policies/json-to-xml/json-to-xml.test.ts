// JSONToXML: options at import, the conversion rules of the JSONToXML reference, and sources, outputs and faults.
import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { Message } from '../../../../src/engine/message.js';
import { jsonToXmlPolicy } from '../../../../src/policies/json-to-xml/execute.js';
import { toXmlDocument, type JsonToXmlOptions } from '../../../../src/policies/json-to-xml/to-xml-document.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

const run = async (policy: CompiledPolicy, ctx: FlowContext): Promise<void> => policy.execute(ctx);
const DEFAULTS: JsonToXmlOptions = { nullValue: 'NULL', invalidCharsReplacement: '_', objectRootElementName: 'Root', arrayRootElementName: 'Array', arrayItemElementName: 'Item', omitXmlDeclaration: true };
const convert = (json: unknown, options: Partial<JsonToXmlOptions> = {}) => toXmlDocument(json, { ...DEFAULTS, ...options });

function jsonMessage(kind: 'request' | 'response', body: string, contentType = 'application/json'): Message {
  const message = new Message(kind);
  message.headers.set('Content-Type', contentType);
  message.setContent(body);
  return message;
}

describe('JSONToXML parse', () => {
  it('fills in Apigee defaults for an empty <Options>', () => {
    const { config, problems } = parsePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options/></JSONToXML>');
    expect(problems).toEqual([]);
    expect(config).toEqual({ source: 'message', outputVariable: undefined, options: {
      nullValue: 'NULL', namespaceBlockName: undefined, defaultNamespaceNodeName: undefined, namespaceSeparator: undefined, textNodeName: undefined,
      attributeBlockName: undefined, attributePrefix: undefined, invalidCharsReplacement: '_', objectRootElementName: 'Root', arrayRootElementName: 'Array',
      arrayItemElementName: 'Item', omitXmlDeclaration: false,
    } });
  });

  it('reports an incomplete namespace setup, bad names and unknown options', () => {
    const { problems } = parsePolicy(jsonToXmlPolicy, `<JSONToXML name="j"><Options><NamespaceBlockName>#ns</NamespaceBlockName>
      <ArrayRootElementName>1bad</ArrayRootElementName><Indent>true</Indent><OmitXmlDeclaration>maybe</OmitXmlDeclaration></Options></JSONToXML>`);
    expect(problems).toEqual([
      'JSONToXML j: <Indent> is not supported inside <Options>',
      'JSONToXML j: <Options>/<NamespaceBlockName> requires <DefaultNamespaceNodeName> and <NamespaceSeparator>',
      'JSONToXML j: <Options>/<ArrayRootElementName> "1bad" is not a valid XML element name',
      'JSONToXML j: <Options>/<OmitXmlDeclaration> must be true or false, got "maybe"',
    ]);
  });
});

describe('JSON to XML conversion', () => {
  it('uses a single property as the root and wraps several in ObjectRootElementName', () => {
    expect(convert({ person: { firstName: 'Adam', age: 30, ok: true } })).toBe('<person><firstName>Adam</firstName><age>30</age><ok>true</ok></person>');
    expect(convert({ xyz: '123', abc: '234' }, { objectRootElementName: 'Top' })).toBe('<Top><xyz>123</xyz><abc>234</abc></Top>');
  });

  it('writes arrays as repeated elements, and a top-level array with the array names', () => {
    expect(convert({ a: { b: [1, 2] } })).toBe('<a><b>1</b><b>2</b></a>');
    expect(convert(['Doctor', { occupation: 'Engineer' }, 'Scientist'], { arrayRootElementName: 'List', arrayItemElementName: 'Entry' }))
      .toBe('<List><Entry>Doctor</Entry><Entry><occupation>Engineer</occupation></Entry><Entry>Scientist</Entry></List>');
  });

  it('maps attributes, text nodes, namespaces, nulls and invalid names', () => {
    expect(convert({ person: { '#attrs': { firstName: 'Adam' }, '@lastName': 'Philip', location: 'California' } }, { attributeBlockName: '#attrs', attributePrefix: '@' }))
      .toBe('<person firstName="Adam" lastName="Philip"><location>California</location></person>');
    expect(convert({ person: { firstName: 'Adam', age: 30 } }, { textNodeName: 'age' })).toBe('<person><firstName>Adam</firstName>30</person>');
    expect(convert({ population: { '#namespaces': { $default: 'http://p', exp: 'http://e' }, person: 'John', 'exp:person': 'Pedro' } },
      { namespaceBlockName: '#namespaces', defaultNamespaceNodeName: '$default', namespaceSeparator: ':' }))
      .toBe('<population xmlns="http://p" xmlns:exp="http://e"><person>John</person><exp:person>Pedro</exp:person></population>');
    expect(convert({ a: { person: 'NULL_VALUE', gone: null } }, { nullValue: 'NULL_VALUE' })).toBe('<a><person/><gone/></a>');
    expect(convert({ a: { 'First%%%Name': 'Adam', '1st': 'x' } })).toBe('<a><First_Name>Adam</First_Name><_1st>x</_1st></a>');
    expect(convert({ a: '<&> "q"' })).toBe('<a>&lt;&amp;&gt; "q"</a>');
  });

  it('adds the declaration unless omitted, and converts deep input without recursion', () => {
    expect(convert({ a: 1 }, { omitXmlDeclaration: false })).toBe('<?xml version="1.0" encoding="UTF-8"?><a>1</a>');
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = { n: deep };
    expect(convert(deep)).toMatch(/^<n><n>.*x.*<\/n><\/n>$/s);
  });
});

describe('JSONToXML execute', () => {
  it('converts the response and sets Content-Type application/xml', async () => {
    const ctx = createFlowContext();
    ctx.setMessage('response', jsonMessage('response', '{"a":{"b":1}}'));
    ctx.flow = 'PROXY_RESP_FLOW';
    await run(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options><OmitXmlDeclaration>true</OmitXmlDeclaration></Options><Source>response</Source></JSONToXML>'), ctx);
    expect(ctx.response.contentText).toBe('<a><b>1</b></a>');
    expect(ctx.response.headers.get('content-type')).toBe('application/xml');
  });

  it('leaves a message that is not JSON alone, and writes a text variable to OutputVariable', async () => {
    const ctx = createFlowContext({ request: jsonMessage('request', 'plain', 'text/plain') });
    await run(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options/><Source>request</Source></JSONToXML>'), ctx);
    expect(ctx.request.contentText).toBe('plain');
    ctx.setVariable('payload', '[1]');
    await run(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options><OmitXmlDeclaration>true</OmitXmlDeclaration></Options><Source>payload</Source><OutputVariable>converted</OutputVariable></JSONToXML>'), ctx);
    expect(ctx.getVariable('converted')).toBe('<Array><Item>1</Item></Array>');
  });

  it('raises the documented faults', async () => {
    const bad = createFlowContext({ request: jsonMessage('request', '{"a":') });
    expect(await executeExpectingFault(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options/><Source>request</Source></JSONToXML>'), bad))
      .toMatchObject({ errorCode: 'steps.json2xml.ExecutionFailed', status: 500, message: expect.stringMatching(/^JSONToXML\[j\]: Execution failed due to reason: /) });
    expect(bad.getVariable('jsontoxml.j.failed')).toBe(true);
    await expect(run(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options/><Source>abc</Source></JSONToXML>'), createFlowContext()))
      .rejects.toMatchObject({ errorCode: 'steps.json2xml.SourceUnavailable', message: 'JSONToXML[j]: Source abc is not available' });
    const text = createFlowContext();
    text.setVariable('payload', '{}');
    await expect(run(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options/><Source>payload</Source></JSONToXML>'), text))
      .rejects.toMatchObject({ errorCode: 'steps.json2xml.OutputVariableIsNotAvailable' });
    await expect(run(compilePolicy(jsonToXmlPolicy, '<JSONToXML name="j"><Options/><Source>payload</Source><OutputVariable>request</OutputVariable></JSONToXML>'), text))
      .rejects.toMatchObject({ errorCode: 'steps.json2xml.InCompatibleTypes' });
  });
});
