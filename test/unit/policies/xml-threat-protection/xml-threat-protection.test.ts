// XMLThreatProtection: limits at import, the iterative scanner (each limit, well-formedness, DTDs, deep input) and the faults.
import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { Message } from '../../../../src/engine/message.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import { xmlThreatProtectionPolicy } from '../../../../src/policies/xml-threat-protection/execute.js';
import { scanXml, type XmlThreatLimits } from '../../../../src/policies/xml-threat-protection/scan-xml.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

const run = async (policy: CompiledPolicy, ctx: FlowContext): Promise<void> => policy.execute(ctx);

const ALL = { comment: true, element: true, processingInstruction: true, text: true };
const NONE: XmlThreatLimits = {
  name: { element: -1, attribute: -1, namespacePrefix: -1, processingInstructionTarget: -1 },
  structure: { nodeDepth: -1, attributeCountPerElement: -1, namespaceCountPerElement: -1, childCount: -1, childCountIncludes: ALL },
  value: { text: -1, attribute: -1, namespaceUri: -1, comment: -1, processingInstructionData: -1 },
};
const limit = (patch: { name?: Partial<XmlThreatLimits['name']>; structure?: Partial<XmlThreatLimits['structure']>; value?: Partial<XmlThreatLimits['value']> }): XmlThreatLimits => ({
  name: { ...NONE.name, ...patch.name }, structure: { ...NONE.structure, ...patch.structure }, value: { ...NONE.value, ...patch.value },
});

const POLICY = `<XMLThreatProtection name="XML-Threat-Protection-1">
  <NameLimits><Element>5</Element><Attribute>5</Attribute><NamespacePrefix>10</NamespacePrefix><ProcessingInstructionTarget>10</ProcessingInstructionTarget></NameLimits>
  <Source>request</Source>
  <StructureLimits><NodeDepth>5</NodeDepth><AttributeCountPerElement>2</AttributeCountPerElement><NamespaceCountPerElement>3</NamespaceCountPerElement>
    <ChildCount includeComment="true" includeElement="true" includeProcessingInstruction="true" includeText="true">3</ChildCount></StructureLimits>
  <ValueLimits><Text>15</Text><Attribute>10</Attribute><NamespaceURI>10</NamespaceURI><Comment>10</Comment><ProcessingInstructionData>10</ProcessingInstructionData></ValueLimits>
</XMLThreatProtection>`;

function xmlRequest(body: string, contentType = 'application/xml'): Message {
  const message = new Message('request');
  message.headers.set('Content-Type', contentType);
  message.setContent(body);
  return message;
}

describe('XMLThreatProtection parse', () => {
  it('reads every limit and the ChildCount include flags', () => {
    const { config, problems } = parsePolicy(xmlThreatProtectionPolicy, POLICY);
    expect(problems).toEqual([]);
    expect(config.name).toEqual({ element: 5, attribute: 5, namespacePrefix: 10, processingInstructionTarget: 10 });
    expect(config.structure).toEqual({ nodeDepth: 5, attributeCountPerElement: 2, namespaceCountPerElement: 3, childCount: 3, childCountIncludes: ALL });
    expect(config.value).toEqual({ text: 15, attribute: 10, namespaceUri: 10, comment: 10, processingInstructionData: 10 });
  });

  it('names unknown and malformed elements', () => {
    const { problems } = parsePolicy(xmlThreatProtectionPolicy, '<XMLThreatProtection name="x"><StructureLimits><Depth>3</Depth><NodeDepth>a</NodeDepth></StructureLimits></XMLThreatProtection>');
    expect(problems).toEqual([
      'XMLThreatProtection x: <Depth> is not supported inside <StructureLimits>',
      'XMLThreatProtection x: <StructureLimits>/<NodeDepth> must be an integer, got "a"',
    ]);
  });
});

describe('scanXml', () => {
  it('accepts a well-formed document within the limits', () => {
    expect(scanXml('<?xml version="1.0"?>\n<a xmlns:p="urn:p" p:x="1"><!-- c --><b>t &amp; &#x41;</b><![CDATA[<raw>]]><?pi data?></a>\n', NONE)).toBeUndefined();
  });

  it('reports each limit', () => {
    expect(scanXml('<company>\n  <name>Google</name>\n</company>', limit({ name: { element: 5 } }))).toEqual({ limit: true, reason: 'Element name length exceeded 5', line: 1, char: 9 });
    expect(scanXml('<movie>\n <a/>\n <b/>\n <c/>\n <d/>\n</movie>', limit({ structure: { childCount: 3 } }))).toMatchObject({ reason: 'Children count exceeded 3', line: 5 });
    expect(scanXml('<m><a/><!--x--><b/></m>', limit({ structure: { childCount: 2, childCountIncludes: { ...ALL, comment: false } } }))).toBeUndefined();
    expect(scanXml('<a><b><c/></b></a>', limit({ structure: { nodeDepth: 2 } }))).toMatchObject({ reason: 'Node depth exceeded 2' });
    expect(scanXml('<a x="1" y="2" z="3"/>', limit({ structure: { attributeCountPerElement: 2 } }))).toMatchObject({ reason: 'Attribute count exceeded 2' });
    expect(scanXml('<a xmlns="u" xmlns:p="v"/>', limit({ structure: { namespaceCountPerElement: 1 } }))).toMatchObject({ reason: 'Namespace count exceeded 1' });
    expect(scanXml('<a longname="1"/>', limit({ name: { attribute: 5 } }))).toMatchObject({ reason: 'Attribute name length exceeded 5' });
    expect(scanXml('<a x="12345678901"/>', limit({ value: { attribute: 10 } }))).toMatchObject({ reason: 'Attribute value length exceeded 10' });
    expect(scanXml('<a>0123456789012345</a>', limit({ value: { text: 15 } }))).toMatchObject({ reason: 'Text length exceeded 15' });
    expect(scanXml('<a><!-- a long comment --></a>', limit({ value: { comment: 10 } }))).toMatchObject({ reason: 'Comment length exceeded 10' });
    expect(scanXml('<a><?target some long data?></a>', limit({ value: { processingInstructionData: 10 } }))).toMatchObject({ reason: 'Processing Instruction data length exceeded 10' });
    expect(scanXml('<a><?longtarget d?></a>', limit({ name: { processingInstructionTarget: 5 } }))).toMatchObject({ reason: 'Processing Instruction target length exceeded 5' });
    expect(scanXml('<a xmlns:p="http://example.com/ns"/>', limit({ value: { namespaceUri: 10 } }))).toMatchObject({ reason: 'Namespace uri length exceeded 10' });
    expect(scanXml('<longprefix:a xmlns:longprefix="u"/>', limit({ name: { namespacePrefix: 5 } }))).toMatchObject({ reason: 'Namespace prefix length exceeded 5' });
  });

  it('refuses DTDs and malformed documents', () => {
    expect(scanXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', NONE)).toMatchObject({ limit: false, reason: 'DOCTYPE and ENTITY declarations are not allowed' });
    expect(scanXml('<a>&unknown;</a>', NONE)).toMatchObject({ limit: false, reason: 'undefined entity &unknown;' });
    expect(scanXml('<a><b></a>', NONE)).toMatchObject({ limit: false });
    expect(scanXml('<a>\n<b>\n', NONE)).toMatchObject({ limit: false, reason: 'Premature end of document while parsing', line: 3 });
    expect(scanXml('<a/><b/>', NONE)).toMatchObject({ limit: false });
    expect(scanXml('<a x="1" x="2"/>', NONE)).toMatchObject({ limit: false });
    expect(scanXml('text<a/>', NONE)).toMatchObject({ limit: false });
  });

  it('scans very deep input without recursion', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(scanXml(deep, NONE)).toBeUndefined();
    expect(scanXml(deep, limit({ structure: { nodeDepth: 50 } }))).toMatchObject({ reason: 'Node depth exceeded 50' });
  });
});

describe('XMLThreatProtection execute', () => {
  it('raises ExecutionFailed with Apigee\'s faultstring and sets xmlattack.<policy>.failed', async () => {
    const ctx = createFlowContext({ request: xmlRequest('<company>\n  <name>Google</name>\n</company>') });
    const fault = await executeExpectingFault(compilePolicy(xmlThreatProtectionPolicy, POLICY), ctx);
    expect(fault).toMatchObject({
      errorCode: 'steps.xmlthreatprotection.ExecutionFailed', status: 500,
      message: 'XMLThreatProtection stepDefinition XML-Threat-Protection-1: Execution failed. reason: XMLThreatProtection stepDefinition XML-Threat-Protection-1: Element name length exceeded 5 at line 1(possibly around char 9)',
    });
    expect(ctx.getVariable('xmlattack.XML-Threat-Protection-1.failed')).toBe(true);
  });

  it('passes valid XML and leaves other content types alone', async () => {
    const policy = compilePolicy(xmlThreatProtectionPolicy, POLICY);
    await run(policy, createFlowContext({ request: xmlRequest('<a><b>ok</b></a>', 'text/xml; charset=utf-8') }));
    await run(policy, createFlowContext({ request: xmlRequest('<verylongname/>', 'application/json') }));
    await expect(run(policy, createFlowContext({ request: xmlRequest('<a>x', 'application/soap+xml') }))).rejects.toMatchObject({ errorCode: 'steps.xmlthreatprotection.ExecutionFailed' });
  });
});
