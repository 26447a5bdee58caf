// RegularExpressionProtection: pattern checks at import (RE2), every extraction kind, and the ThreatDetected fault.
import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { regularExpressionProtectionPolicy } from '../../../../src/policies/regular-expression-protection/execute.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

/** execute as a promise, whether it throws or rejects. */
const run = async (policy: CompiledPolicy, ctx: FlowContext): Promise<void> => policy.execute(ctx);

const rep = (body: string) => `<RegularExpressionProtection name="RE-Protect"><Source>request</Source>${body}</RegularExpressionProtection>`;
const SQL = '[\\s]*((delete)|(exec)|(drop\\s*table)|(insert)|(shutdown)|(update)|(\\bor\\b))';

function requestWith(init: { path?: string; query?: string; headers?: Record<string, string>; body?: string; contentType?: string }): Message {
  const message = new Message('request');
  message.path = init.path ?? '/v1/items';
  message.setQueryString(init.query ?? '');
  for (const [name, value] of Object.entries(init.headers ?? {})) message.headers.set(name, value);
  if (init.contentType) message.headers.set('Content-Type', init.contentType);
  if (init.body !== undefined) message.setContent(init.body);
  return message;
}

describe('RegularExpressionProtection parse', () => {
  it('reads every extraction kind', () => {
    const { config, problems } = parsePolicy(regularExpressionProtectionPolicy, rep(`<URIPath><Pattern>(.*)internal(.*)</Pattern></URIPath>
      <QueryParam name="q"><Pattern>${SQL}</Pattern></QueryParam><Header name="h"><Pattern>threat</Pattern></Header>
      <JSONPayload escapeSlashCharacter="true"><JSONPath><Expression>$.a</Expression><Pattern>x</Pattern></JSONPath></JSONPayload>
      <XMLPayload><Namespaces><Namespace prefix="s">urn:s</Namespace></Namespaces><XPath><Expression>/s:a</Expression><Type>string</Type><Pattern>y</Pattern></XPath></XMLPayload>`));
    expect(problems).toEqual([]);
    expect(config.queryParams).toEqual([{ name: 'q', patterns: [SQL] }]);
    expect(config.jsonPayload).toEqual({ escapeSlashCharacter: true, paths: [{ expression: '$.a', patterns: ['x'] }] });
    expect(config.xmlPayload?.namespaces).toEqual({ s: 'urn:s' });
    expect(config.ignoreUnresolvedVariables).toBe(false);
  });

  it('reports nothing to enforce, missing patterns and patterns RE2 cannot run', () => {
    expect(parsePolicy(regularExpressionProtectionPolicy, rep('')).problems).toEqual([
      'RegularExpressionProtection RE-Protect: at least one of URIPath, QueryParam, Header, FormParam, Variable, XMLPayload, JSONPayload is mandatory (NothingToEnforce)',
    ]);
    const { problems } = parsePolicy(regularExpressionProtectionPolicy, rep('<Header name="h"/><QueryParam name="q"><Pattern>(a)\\1</Pattern></QueryParam><JSONPayload><JSONPath><Pattern>x</Pattern></JSONPath></JSONPayload>'));
    expect(problems).toEqual([
      expect.stringMatching(/<QueryParam name="q">: invalid <Pattern> .*backreferences.*\(InvalidRegularExpression\)/),
      expect.stringContaining('<Header name="h"> has no <Pattern> (NoPatternsToEnforce)'),
      expect.stringContaining('<JSONPayload>/<JSONPath> has no <Expression> (EmptyJSONPathExpression)'),
    ]);
  });
});

describe('RegularExpressionProtection execute', () => {
  it('raises ThreatDetected (400) naming the pattern and the input, anywhere in a query parameter', async () => {
    const ctx = createFlowContext({ request: requestWith({ query: 'q=1%20or%201%3D1' }) });
    const fault = await executeExpectingFault(compilePolicy(regularExpressionProtectionPolicy, rep(`<QueryParam name="q"><Pattern>${SQL}</Pattern></QueryParam>`)), ctx);
    expect(fault).toMatchObject({
      errorCode: 'steps.regexprotection.ThreatDetected', faultName: 'ThreatDetected', status: 400,
      message: `Regular Expression Threat Detected in RE-Protect: regex: ${SQL} input: 1 or 1=1`,
    });
    expect(ctx.getVariable('regularexpressionprotection.RE-Protect.failed')).toBe(true);
  });

  it('lets clean values through', async () => {
    const ctx = createFlowContext({ request: requestWith({ query: 'q=orange', headers: { h: 'fine' } }) });
    await compilePolicy(regularExpressionProtectionPolicy, rep(`<QueryParam name="q"><Pattern>${SQL}</Pattern></QueryParam><Header name="h"><Pattern>threat</Pattern></Header>`)).execute(ctx);
  });

  it('checks the URI path decoded, headers, variables and form parameters', async () => {
    const policy = compilePolicy(regularExpressionProtectionPolicy, rep('<URIPath><Pattern>\\.\\./</Pattern></URIPath>'));
    await expect(run(policy, createFlowContext({ request: requestWith({ path: '/v1/%2E%2E/etc' }) }))).rejects.toMatchObject({ faultName: 'ThreatDetected' });
    const header = compilePolicy(regularExpressionProtectionPolicy, rep('<Header name="x-action"><Pattern>threat</Pattern></Header>'));
    await expect(run(header, createFlowContext({ request: requestWith({ headers: { 'X-Action': 'a threat here' } }) }))).rejects.toMatchObject({ status: 400 });
    const variable = compilePolicy(regularExpressionProtectionPolicy, rep('<Variable name="flow.var"><Pattern>bad</Pattern></Variable>'));
    const ctx = createFlowContext();
    ctx.setVariable('flow.var', 'so bad');
    await expect(run(variable, ctx)).rejects.toMatchObject({ faultName: 'ThreatDetected' });
    await expect(run(variable, createFlowContext())).rejects.toMatchObject({ errorCode: 'steps.regexprotection.VariableResolutionFailed' });
    const form = compilePolicy(regularExpressionProtectionPolicy, rep('<FormParam name="f"><Pattern>drop</Pattern></FormParam>'));
    expect(form.readsContent).toBe(true);
    await expect(run(form, createFlowContext({ request: requestWith({ body: 'f=drop+table', contentType: 'application/x-www-form-urlencoded' }) })))
      .rejects.toMatchObject({ faultName: 'ThreatDetected' });
  });

  it('checks JSONPath and XPath results of the payload', async () => {
    const json = compilePolicy(regularExpressionProtectionPolicy, rep('<JSONPayload><JSONPath><Expression>$.command.action</Expression><Pattern>threat</Pattern></JSONPath></JSONPayload>'));
    await expect(run(json, createFlowContext({ request: requestWith({ body: '{"command":{"action":"threat"}}', contentType: 'application/json' }) })))
      .rejects.toMatchObject({ faultName: 'ThreatDetected' });
    await json.execute(createFlowContext({ request: requestWith({ body: '{"command":{"action":"fine"}}', contentType: 'application/json' }) }));
    const whole = compilePolicy(regularExpressionProtectionPolicy, rep('<JSONPayload escapeSlashCharacter="true"><JSONPath><Expression>$</Expression><Pattern>&lt;\\s*script</Pattern></JSONPath></JSONPayload>'));
    await expect(run(whole, createFlowContext({ request: requestWith({ body: '{"a":["<script>x</script>"]}' }) }))).rejects.toMatchObject({ faultName: 'ThreatDetected' });
    await expect(run(json, createFlowContext({ request: requestWith({ body: '{not json' }) }))).rejects.toMatchObject({ errorCode: 'steps.regexprotection.ExecutionFailed', status: 500 });
    const xml = compilePolicy(regularExpressionProtectionPolicy, rep('<XMLPayload><Namespaces><Namespace prefix="s">urn:s</Namespace></Namespaces><XPath><Expression>/s:Command/s:Action</Expression><Pattern>threat</Pattern></XPath></XMLPayload>'));
    await expect(run(xml, createFlowContext({ request: requestWith({ body: '<Command xmlns="urn:s"><Action>a threat</Action></Command>' }) })))
      .rejects.toMatchObject({ faultName: 'ThreatDetected' });
    await expect(run(xml, createFlowContext({ request: requestWith({ body: '<!DOCTYPE x [<!ENTITY e "threat">]><Command xmlns="urn:s"><Action>&e;</Action></Command>' }) })))
      .rejects.toMatchObject({ errorCode: 'steps.regexprotection.ExecutionFailed' });
  });

  it('faults when the source is not a message', async () => {
    const policy = compilePolicy(regularExpressionProtectionPolicy, '<RegularExpressionProtection name="R"><Source>nope</Source><Header name="h"><Pattern>x</Pattern></Header></RegularExpressionProtection>');
    await expect(run(policy, createFlowContext())).rejects.toMatchObject({ errorCode: 'steps.regexprotection.SourceMessageNotAvailable' });
    const ctx = createFlowContext();
    ctx.setVariable('nope', 'text');
    await expect(run(policy, ctx)).rejects.toMatchObject({ errorCode: 'steps.regexprotection.NonMessageVariable' });
  });
});

describe('RegularExpressionProtection on pathological payloads', () => {
  it('turns a JSON payload too deep to serialize into ExecutionFailed', async () => {
    const policy = compilePolicy(regularExpressionProtectionPolicy, rep('<JSONPayload><JSONPath><Expression>$</Expression><Pattern>x</Pattern></JSONPath></JSONPayload>'));
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    await expect(run(policy, createFlowContext({ request: requestWith({ body: deep }) }))).rejects.toMatchObject({ errorCode: 'steps.regexprotection.ExecutionFailed' });
  });
});
