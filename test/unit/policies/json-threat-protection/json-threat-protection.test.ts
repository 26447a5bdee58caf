// JSONThreatProtection: limits at import, the iterative scanner (limits, syntax, line numbers, deep input) and the faults.
import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { jsonThreatProtectionPolicy } from '../../../../src/policies/json-threat-protection/execute.js';
import { scanJson, type JsonLimits } from '../../../../src/policies/json-threat-protection/scan-json.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

/** execute as a promise, whether it throws or rejects. */
const run = async (policy: CompiledPolicy, ctx: FlowContext): Promise<void> => policy.execute(ctx);

const NONE: JsonLimits = { arrayElementCount: -1, containerDepth: -1, objectEntryCount: -1, objectEntryNameLength: -1, stringValueLength: -1 };
const POLICY = `<JSONThreatProtection name="JSON-Threat-Protection-1"><ArrayElementCount>3</ArrayElementCount><ContainerDepth>12</ContainerDepth>
  <ObjectEntryCount>5</ObjectEntryCount><ObjectEntryNameLength>5</ObjectEntryNameLength><Source>request</Source><StringValueLength>50</StringValueLength></JSONThreatProtection>`;

function jsonRequest(body: string, contentType = 'application/json'): Message {
  const message = new Message('request');
  message.verb = 'POST';
  message.headers.set('Content-Type', contentType);
  message.setContent(body);
  return message;
}

describe('JSONThreatProtection parse', () => {
  it('reads the limits, -1 when absent or negative', () => {
    const { config, problems } = parsePolicy(jsonThreatProtectionPolicy, '<JSONThreatProtection name="j"><ContainerDepth>3</ContainerDepth><ArrayElementCount>-5</ArrayElementCount></JSONThreatProtection>');
    expect(problems).toEqual([]);
    expect(config).toEqual({ source: 'message', arrayElementCount: -1, containerDepth: 3, objectEntryCount: -1, objectEntryNameLength: -1, stringValueLength: -1 });
  });

  it('names a limit that is not an integer', () => {
    expect(parsePolicy(jsonThreatProtectionPolicy, '<JSONThreatProtection name="j"><ContainerDepth>deep</ContainerDepth></JSONThreatProtection>').problems)
      .toEqual(['JSONThreatProtection j: <JSONThreatProtection>/<ContainerDepth> must be an integer, got "deep"']);
  });
});

describe('scanJson', () => {
  it('accepts valid JSON within the limits', () => {
    expect(scanJson('{"a":[1,2,{"b":"c"}],"d":null,"e":true,"f":-1.5e3}', { ...NONE, containerDepth: 3, arrayElementCount: 3 })).toBeUndefined();
    expect(scanJson('"top level"', NONE)).toBeUndefined();
  });

  it('reports each limit at the line Apigee reports it', () => {
    expect(scanJson('{\n "number" : 500,\n "string" : "text"\n}', { ...NONE, objectEntryNameLength: 5 })).toEqual({ limit: true, reason: 'Exceeded object entry name length', line: 2 });
    expect(scanJson('{\n"a":1,\n"b":2,\n"c":3\n}', { ...NONE, objectEntryCount: 2 })).toEqual({ limit: true, reason: 'Exceeded object entry count', line: 4 });
    expect(scanJson('{\n "name":"Ford",\n "models":[\n "a",\n "b",\n "c",\n "d"\n ]\n}', { ...NONE, arrayElementCount: 3 }))
      .toEqual({ limit: true, reason: 'Exceeded array element count', line: 3 });
    expect(scanJson('[{"a":{}}]', { ...NONE, containerDepth: 2 })).toMatchObject({ reason: 'Exceeded container depth' });
    expect(scanJson('[{"a":{}}]', { ...NONE, containerDepth: 3 })).toBeUndefined();
    expect(scanJson('{"k":"\\u0041\\n12345"}', { ...NONE, stringValueLength: 6 })).toMatchObject({ reason: 'Exceeded string value length' });
    expect(scanJson('{"k":"\\u0041\\n1234"}', { ...NONE, stringValueLength: 6 })).toBeUndefined();
  });

  it('reports syntax errors with their line', () => {
    expect(scanJson('{\n  "Longitude": 6.11499,\n  "Latitude"  50.76891\n}', NONE)).toEqual({ limit: false, reason: 'Expecting :', line: 3 });
    expect(scanJson('{"a":1,}', NONE)).toMatchObject({ limit: false, reason: 'Expecting "' });
    expect(scanJson('[1 2]', NONE)).toMatchObject({ reason: 'Expecting , or ]' });
    expect(scanJson('{"a":01}', NONE)).toMatchObject({ limit: false });
    expect(scanJson('{"a":"x', NONE)).toMatchObject({ reason: 'Unterminated string' });
    expect(scanJson('{} {}', NONE)).toMatchObject({ limit: false });
  });

  it('scans very deep input without recursion', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(scanJson(deep, NONE)).toBeUndefined();
    expect(scanJson(deep, { ...NONE, containerDepth: 100 })).toMatchObject({ reason: 'Exceeded container depth' });
  });
});

describe('JSONThreatProtection execute', () => {
  it('raises ExecutionFailed with Apigee\'s faultstring and sets jsonattack.<policy>.failed', async () => {
    const ctx = createFlowContext({ request: jsonRequest('{\n  "number" : 500\n}') });
    const fault = await executeExpectingFault(compilePolicy(jsonThreatProtectionPolicy, POLICY), ctx);
    expect(fault).toMatchObject({
      errorCode: 'steps.jsonthreatprotection.ExecutionFailed', status: 500,
      message: 'JSONThreatProtection[JSON-Threat-Protection-1]: Execution failed. reason: JSONThreatProtection[JSON-Threat-Protection-1]: Exceeded object entry name length at line 2',
    });
    expect(ctx.getVariable('jsonattack.JSON-Threat-Protection-1.failed')).toBe(true);
    const syntax = await executeExpectingFault(compilePolicy(jsonThreatProtectionPolicy, POLICY), createFlowContext({ request: jsonRequest('{\n"a" 1}') }));
    expect(syntax).toMatchObject({ message: 'JSONThreatProtection[JSON-Threat-Protection-1]: Execution failed. reason: Expecting : at line 2' });
  });

  it('passes valid payloads, non-JSON content types and empty bodies', async () => {
    const policy = compilePolicy(jsonThreatProtectionPolicy, POLICY);
    await policy.execute(createFlowContext({ request: jsonRequest('{"a":[1,2,3]}', 'application/json; charset=utf-8') }));
    await policy.execute(createFlowContext({ request: jsonRequest('{"toolong":1}', 'text/plain') }));
    await policy.execute(createFlowContext({ request: jsonRequest('') }));
  });

  it('faults on a source that is not available or not a message', async () => {
    const policy = compilePolicy(jsonThreatProtectionPolicy, '<JSONThreatProtection name="j"><Source>requests</Source></JSONThreatProtection>');
    await expect(run(policy, createFlowContext())).rejects.toMatchObject({ errorCode: 'steps.jsonthreatprotection.SourceUnavailable', message: 'JSONThreatProtection[j]:: Source requests is not available' });
    const ctx = createFlowContext();
    ctx.setVariable('requests', 'text');
    await expect(run(policy, ctx)).rejects.toMatchObject({ errorCode: 'steps.jsonthreatprotection.NonMessageVariable' });
  });
});
