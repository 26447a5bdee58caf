import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { PolicyFault } from '../../../../src/errors.js';
import { extractVariablesPolicy } from '../../../../src/policies/extract-variables/execute.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const compile = (xml: string) => compilePolicy(extractVariablesPolicy, xml);
const ev = (body: string, extra = '') => compile(`<ExtractVariables name="EV">${extra}${body}</ExtractVariables>`);

describe('ExtractVariables execute', () => {
  it('extracts from proxy.pathsuffix into <prefix>.<name>', async () => {
    const ctx = createFlowContext({ pathSuffix: '/94043' });
    await compile(`<ExtractVariables name="extractZip">
        <URIPath><Pattern ignoreCase="true">/{zip}</Pattern></URIPath>
        <IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables><VariablePrefix>LOCATION</VariablePrefix>
      </ExtractVariables>`).execute(ctx);
    expect(ctx.getVariable('LOCATION.zip')).toBe('94043');
  });

  it('uses the first URIPath pattern that matches, honouring ignoreCase', async () => {
    const policy = ev(`<URIPath><Pattern ignoreCase="true">/Accounts/{id}</Pattern><Pattern>/{first}/{second}</Pattern></URIPath>`);
    const ctx = createFlowContext({ pathSuffix: '/accounts/12' });
    await policy.execute(ctx);
    expect(ctx.getVariable('id')).toBe('12');
    expect(ctx.getVariable('first')).toBeUndefined();

    const strictCase = ev(`<URIPath><Pattern>/Accounts/{id}</Pattern><Pattern>/{first}/{second}</Pattern></URIPath>`);
    const other = createFlowContext({ pathSuffix: '/accounts/12' });
    await strictCase.execute(other);
    expect(other.getVariable('id')).toBeUndefined();
    expect(other.getVariable('first')).toBe('accounts');
    expect(other.getVariable('second')).toBe('12');
  });

  it('leaves variables unset when no path pattern matches, without a fault', async () => {
    const ctx = createFlowContext({ pathSuffix: '/a/b/c' });
    await ev('<URIPath><Pattern>/a/{id}</Pattern></URIPath>').execute(ctx);
    expect(ctx.getVariable('id')).toBeUndefined();
  });

  it('extracts from query parameters, headers, form parameters and variables', async () => {
    const ctx = createFlowContext();
    ctx.request.queryParams.set('code', 'DBN88439');
    ctx.request.queryParams.set('w', ['first', 'second']);
    ctx.request.headers.set('Authorization', 'Bearer abc.def');
    ctx.request.headers.set('Content-Type', 'application/x-www-form-urlencoded');
    ctx.request.setContent('greeting=hello+world');
    ctx.setVariable('flow.v', 'x-tail');
    await ev(`
      <QueryParam name="code"><Pattern>DBN{dbncode}</Pattern></QueryParam>
      <QueryParam name="w.2"><Pattern>{second}</Pattern></QueryParam>
      <Header name="authorization"><Pattern ignoreCase="true">bearer {token}</Pattern></Header>
      <FormParam name="greeting"><Pattern>{greeting}</Pattern></FormParam>
      <Variable name="flow.v"><Pattern>x-{rest}</Pattern></Variable>`, '<VariablePrefix>p</VariablePrefix>').execute(ctx);
    expect(ctx.getVariable('p.dbncode')).toBe('88439');
    expect(ctx.getVariable('p.second')).toBe('second');
    expect(ctx.getVariable('p.token')).toBe('abc.def');
    expect(ctx.getVariable('p.greeting')).toBe('hello world');
    expect(ctx.getVariable('p.rest')).toBe('tail');
  });

  it('extracts from a JSON payload: one match, several matches, objects and typed values', async () => {
    const ctx = createFlowContext();
    ctx.flow = 'PROXY_RESP_FLOW';
    ctx.response.setContent(JSON.stringify({ root: { firstName: 'Ada', age: 36, ok: true, tags: ['a', 'b'], addr: { city: 'X' } }, items: [{ id: 1 }, { id: 2 }] }));
    await compile(`<ExtractVariables name="parse-json-response">
        <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables><VariablePrefix>mock</VariablePrefix>
        <JSONPayload>
          <Variable name="firstName"><JSONPath>$.root.firstName</JSONPath></Variable>
          <Variable name="age" type="integer"><JSONPath>$.root.age</JSONPath></Variable>
          <Variable name="ageText"><JSONPath>$.root.age</JSONPath></Variable>
          <Variable name="ok" type="boolean"><JSONPath>$.root.ok</JSONPath></Variable>
          <Variable name="ids"><JSONPath>$.items[*].id</JSONPath></Variable>
          <Variable name="addr"><JSONPath>$.root.addr</JSONPath></Variable>
          <Variable name="missing"><JSONPath>$.root.nope</JSONPath></Variable>
        </JSONPayload>
      </ExtractVariables>`).execute(ctx);
    expect(ctx.getVariable('mock.firstName')).toBe('Ada');
    expect(ctx.getVariable('mock.age')).toBe(36);
    expect(ctx.getVariable('mock.ageText')).toBe('36');
    expect(ctx.getVariable('mock.ok')).toBe(true);
    expect(ctx.getVariable('mock.ids')).toBe('[1,2]');
    expect(ctx.getVariable('mock.addr')).toBe('{"city":"X"}');
    expect(ctx.getVariable('mock.missing')).toBeUndefined();
  });

  it('faults InvalidJSONPath for a path that matches nothing, and ExecutionFailed for a bad payload, when strict', async () => {
    const ctx = createFlowContext();
    ctx.request.setContent('{"a":1}');
    const err = await executeExpectingFault(ev('<JSONPayload><Variable name="b"><JSONPath>$.b</JSONPath></Variable></JSONPayload>'), ctx);
    expect(err).toBeInstanceOf(PolicyFault);
    expect(err).toMatchObject({ errorCode: 'steps.extractvariables.InvalidJSONPath', faultName: 'InvalidJSONPath', status: 500, message: 'Invalid JSON path $.b in policy EV.' });

    ctx.request.setContent('not json');
    const bad = await executeExpectingFault(ev('<JSONPayload><Variable name="a"><JSONPath>$.a</JSONPath></Variable></JSONPayload>'), ctx);
    expect(bad).toMatchObject({ errorCode: 'steps.extractvariables.ExecutionFailed', message: 'Failed to execute the ExtractVariables: EV' });

    await ev('<JSONPayload><Variable name="a"><JSONPath>$.a</JSONPath></Variable></JSONPayload>', '<IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>').execute(ctx);
    expect(ctx.getVariable('a')).toBeUndefined();
  });

  it('faults UnableToCast when a value does not fit its type', async () => {
    const ctx = createFlowContext();
    ctx.request.setContent('{"a":"x"}');
    const err = await executeExpectingFault(ev('<JSONPayload><Variable name="a" type="integer"><JSONPath>$.a</JSONPath></Variable></JSONPayload>'), ctx);
    expect(err).toMatchObject({ errorCode: 'steps.extractvariables.UnableToCast' });
  });

  it('extracts from an XML payload with namespaces, stopping after one value with stopPayloadProcessing', async () => {
    const xml = '<a:order xmlns:a="urn:orders"><a:id>17</a:id><a:item>x</a:item><a:item>y</a:item></a:order>';
    const policy = (stop: string) => ev(`
      <XMLPayload stopPayloadProcessing="${stop}">
        <Namespaces><Namespace prefix="o">urn:orders</Namespace></Namespaces>
        <Variable name="missing"><XPath>/o:order/o:none</XPath></Variable>
        <Variable name="id" type="integer"><XPath>/o:order/o:id</XPath></Variable>
        <Variable name="first"><XPath>/o:order/o:item</XPath></Variable>
        <Variable name="items" type="nodeset"><XPath>/o:order/o:item</XPath></Variable>
      </XMLPayload>`, '<VariablePrefix>x</VariablePrefix>');
    const ctx = createFlowContext();
    ctx.request.setContent(xml);
    await policy('false').execute(ctx);
    expect(ctx.getVariable('x.missing')).toBeUndefined();
    expect(ctx.getVariable('x.id')).toBe(17);
    expect(ctx.getVariable('x.first')).toBe('x');
    expect(ctx.getVariable('x.items')).toBe('["x","y"]');

    const stopped = createFlowContext();
    stopped.request.setContent(xml);
    await policy('true').execute(stopped);
    expect(stopped.getVariable('x.id')).toBe(17);
    expect(stopped.getVariable('x.first')).toBeUndefined();
  });

  it('reads a named message or a variable holding JSON text as Source', async () => {
    const ctx = createFlowContext();
    const callout = new Message('response');
    callout.headers.set('X-Rate', 'r=5');
    callout.setContent('{"v":"from-callout"}');
    ctx.setMessage('calloutResponse', callout);
    ctx.setVariable('jsonText', '{"v":"from-variable"}');
    await ev('<Header name="X-Rate"><Pattern>r={rate}</Pattern></Header><JSONPayload><Variable name="v"><JSONPath>$.v</JSONPath></Variable></JSONPayload>',
      '<Source>calloutResponse</Source><VariablePrefix>c</VariablePrefix>').execute(ctx);
    expect(ctx.getVariable('c.rate')).toBe('5');
    expect(ctx.getVariable('c.v')).toBe('from-callout');
    await ev('<JSONPayload><Variable name="v"><JSONPath>$.v</JSONPath></Variable></JSONPayload>', '<Source>jsonText</Source><VariablePrefix>t</VariablePrefix>').execute(ctx);
    expect(ctx.getVariable('t.v')).toBe('from-variable');
  });

  it('faults SourceMessageNotAvailable when Source resolves to nothing', async () => {
    const err = await executeExpectingFault(ev('<Header name="a"><Pattern>{a}</Pattern></Header>', '<Source>nothing</Source>'), createFlowContext());
    expect(err).toMatchObject({
      errorCode: 'steps.extractvariables.SourceMessageNotAvailable',
      message: 'nothing message is not available for ExtractVariable: EV',
    });
  });

  it('declares readsContent for payload, form parameter and content-variable extraction only', () => {
    expect(ev('<URIPath><Pattern>/{a}</Pattern></URIPath><Header name="h"><Pattern>{h}</Pattern></Header>').readsContent).toBe(false);
    expect(ev('<JSONPayload><Variable name="a"><JSONPath>$.a</JSONPath></Variable></JSONPayload>').readsContent).toBe(true);
    expect(ev('<XMLPayload><Variable name="a"><XPath>/a</XPath></Variable></XMLPayload>').readsContent).toBe(true);
    expect(ev('<FormParam name="f"><Pattern>{f}</Pattern></FormParam>').readsContent).toBe(true);
    expect(ev('<Variable name="request.content"><Pattern>{all}</Pattern></Variable>').readsContent).toBe(true);
  });
});
