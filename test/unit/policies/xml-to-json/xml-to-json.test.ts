// XMLToJSON: Options and Format at import, the conversion rules of the XMLToJSON reference, and sources, outputs and faults.
import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { Message } from '../../../../src/engine/message.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import { xmlToJsonPolicy } from '../../../../src/policies/xml-to-json/execute.js';
import { DEFAULT_XML_TO_JSON_OPTIONS, XML_TO_JSON_FORMATS, type XmlToJsonOptions } from '../../../../src/policies/xml-to-json/parse.js';
import { toJsonDocument, XmlConversionError } from '../../../../src/policies/xml-to-json/to-json-document.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

const run = async (policy: CompiledPolicy, ctx: FlowContext): Promise<void> => policy.execute(ctx);
const convert = (xml: string, options: Partial<XmlToJsonOptions> = {}) => JSON.parse(toJsonDocument(xml, { ...DEFAULT_XML_TO_JSON_OPTIONS, ...options })) as unknown;

describe('XMLToJSON parse', () => {
  it('reads Options, TreatAsArray paths and StripLevels', () => {
    const { config, problems } = parsePolicy(xmlToJsonPolicy, `<XMLToJSON name="x"><Source>response</Source><OutputVariable>response</OutputVariable><Options>
      <RecognizeNumber>true</RecognizeNumber><TextNodeName>TEXT</TextNodeName><AttributePrefix>@</AttributePrefix><StripLevels>2</StripLevels>
      <TreatAsArray><Path unwrap="true">a/b/c</Path><Path>/a/d/</Path></TreatAsArray></Options></XMLToJSON>`);
    expect(problems).toEqual([]);
    expect(config.options).toMatchObject({ recognizeNumber: true, recognizeBoolean: false, textNodeName: 'TEXT', attributePrefix: '@', stripLevels: 2,
      treatAsArray: [{ path: 'a/b/c', unwrap: true }, { path: 'a/d', unwrap: false }] });
  });

  it('resolves a documented Format and refuses others by name', () => {
    expect(parsePolicy(xmlToJsonPolicy, '<XMLToJSON name="x"><Format>yahoo</Format></XMLToJSON>').config.options).toMatchObject({ recognizeNumber: true, textNodeName: 'content' });
    expect(parsePolicy(xmlToJsonPolicy, '<XMLToJSON name="x"><Format>rayfish</Format></XMLToJSON>').problems)
      .toEqual(['XMLToJSON x: <Format> "rayfish" is not supported; supported formats are xml.com, yahoo, google, badgerFish (UnknownFormat)']);
    expect(parsePolicy(xmlToJsonPolicy, '<XMLToJSON name="x"><Format>google</Format><Options/></XMLToJSON>').problems)
      .toEqual(['XMLToJSON x: exactly one of <Options> or <Format> is required (EitherOptionOrFormat)']);
  });
});

describe('XML to JSON conversion', () => {
  it('recognizes numbers, booleans and nulls only when asked', () => {
    const xml = '<x><y>999</y><b>false</b><z>value</z><e></e><big>12345678901234567890</big><zip>007</zip></x>';
    expect(convert(xml)).toEqual({ x: { y: '999', b: 'false', z: 'value', e: {}, big: '12345678901234567890', zip: '007' } });
    const recognized = toJsonDocument(xml, { ...DEFAULT_XML_TO_JSON_OPTIONS, recognizeNumber: true, recognizeBoolean: true, recognizeNull: true });
    expect(recognized).toBe('{"x":{"y":999,"b":false,"z":"value","e":null,"big":12345678901234567890,"zip":"007"}}');
  });

  it('groups repeated elements into arrays and keeps mixed text under TextNodeName', () => {
    expect(convert('<a><b>value1</b><c>value2<d>value3</d>value4</c></a>', { textNodeName: 'TEXT' }))
      .toEqual({ a: { b: 'value1', c: { TEXT: ['value2', 'value4'], d: 'value3' } } });
    expect(convert('<a><b>value1</b></a>', { textNodeName: 'TEXT', textAlwaysAsProperty: true })).toEqual({ a: { b: { TEXT: 'value1' } } });
    expect(convert('<e><n>1</n><n>2</n><m/></e>')).toEqual({ e: { n: ['1', '2'], m: {} } });
  });

  it('places attributes by prefix or in a block', () => {
    expect(convert('<a att1="value1" att2="value2"/>', { attributeBlockName: 'FOO_BLOCK', attributePrefix: 'BAR_' }))
      .toEqual({ a: { FOO_BLOCK: { BAR_att1: 'value1', BAR_att2: 'value2' } } });
    expect(convert('<a id="1">text</a>', { attributePrefix: '@' })).toEqual({ a: { '@id': '1', '#text': 'text' } });
  });

  it('drops namespace prefixes unless a separator is set, and lists declarations in the namespace block', () => {
    const xml = '<x xmlns="http://abc.com" xmlns:abc1="http://abc1.com"><abc1:y>value</abc1:y></x>';
    expect(convert(xml)).toEqual({ x: { y: 'value' } });
    expect(convert(xml, { namespaceBlockName: '#namespaces', defaultNamespaceNodeName: '&', namespaceSeparator: '***' }))
      .toEqual({ x: { '#namespaces': { '&': 'http://abc.com', abc1: 'http://abc1.com' }, 'abc1***y': 'value' } });
  });

  it('applies TreatAsArray with unwrap, StripLevels and the output prefix and suffix', () => {
    const xml = '<teachers><teacher><studentnames><name>student1</name></studentnames></teacher></teachers>';
    expect(convert(xml, { treatAsArray: [{ path: 'teachers/teacher/studentnames/name', unwrap: false }] }))
      .toEqual({ teachers: { teacher: { studentnames: { name: ['student1'] } } } });
    expect(convert(xml, { treatAsArray: [{ path: 'teachers/teacher/studentnames/name', unwrap: true }] }))
      .toEqual({ teachers: { teacher: { studentnames: ['student1'] } } });
    expect(convert('<a><b><c><d>x</d></c></b></a>', { stripLevels: 2 })).toEqual({ c: { d: 'x' } });
    expect(toJsonDocument('<x>value</x>', { ...DEFAULT_XML_TO_JSON_OPTIONS, outputPrefix: 'PREFIX_', outputSuffix: '_SUFFIX' })).toBe('PREFIX_{"x":"value"}_SUFFIX');
  });

  it('follows the BadgerFish convention for Format badgerFish', () => {
    expect(convert('<alice xmlns="http://some-namespace" xmlns:charlie="http://some-other-namespace"><bob>david</bob><charlie:edgar>frank</charlie:edgar></alice>',
      XML_TO_JSON_FORMATS.badgerFish)).toEqual({ alice: {
      '@xmlns': { $: 'http://some-namespace', charlie: 'http://some-other-namespace' },
      bob: { '@xmlns': { $: 'http://some-namespace', charlie: 'http://some-other-namespace' }, $: 'david' },
      'charlie:edgar': { '@xmlns': { $: 'http://some-namespace', charlie: 'http://some-other-namespace' }, $: 'frank' },
    } });
  });

  it('refuses DTDs, undefined entities, malformed and overly deep documents', () => {
    expect(() => toJsonDocument('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', DEFAULT_XML_TO_JSON_OPTIONS)).toThrow(/DOCTYPE/);
    expect(() => toJsonDocument('<a>&nope;</a>', DEFAULT_XML_TO_JSON_OPTIONS)).toThrow(XmlConversionError);
    expect(() => toJsonDocument('<a><b></a>', DEFAULT_XML_TO_JSON_OPTIONS)).toThrow(XmlConversionError);
    expect(() => toJsonDocument('<a>'.repeat(300) + '</a>'.repeat(300), DEFAULT_XML_TO_JSON_OPTIONS)).toThrow(XmlConversionError);
  });
});

describe('XMLToJSON execute', () => {
  it('converts an XML response in place and sets Content-Type application/json', async () => {
    const ctx = createFlowContext();
    const response = new Message('response');
    response.headers.set('Content-Type', 'text/xml; charset=utf-8');
    response.setContent('<a><b>1</b></a>');
    ctx.setMessage('response', response);
    await run(compilePolicy(xmlToJsonPolicy, '<XMLToJSON name="x"><Options/><Source>response</Source><OutputVariable>response</OutputVariable></XMLToJSON>'), ctx);
    expect(ctx.response.contentText).toBe('{"a":{"b":"1"}}');
    expect(ctx.response.headers.get('content-type')).toBe('application/json');
  });

  it('raises the documented faults with xmltojson.<policy>.failed', async () => {
    const ctx = createFlowContext();
    const request = ctx.request;
    request.headers.set('Content-Type', 'application/xml');
    request.setContent('<a>');
    expect(await executeExpectingFault(compilePolicy(xmlToJsonPolicy, '<XMLToJSON name="x"><Options/><Source>request</Source></XMLToJSON>'), ctx))
      .toMatchObject({ errorCode: 'steps.xml2json.ExecutionFailed', status: 500, message: expect.stringMatching(/^XMLToJSON\[x\]: Execution failed due to reason: /) });
    expect(ctx.getVariable('xmltojson.x.failed')).toBe(true);
    await expect(run(compilePolicy(xmlToJsonPolicy, '<XMLToJSON name="x"><Options/><Source>xyz</Source></XMLToJSON>'), createFlowContext()))
      .rejects.toMatchObject({ errorCode: 'steps.xml2json.SourceUnavailable', message: 'XMLToJSON[x]: Source xyz is not available' });
  });
});
