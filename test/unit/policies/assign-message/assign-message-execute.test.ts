import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { PolicyFault } from '../../../../src/errors.js';
import { assignMessagePolicy } from '../../../../src/policies/assign-message/execute.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const compile = (xml: string) => compilePolicy(assignMessagePolicy, xml);

describe('AssignMessage execute', () => {
  it('modifies the flow message by default: the request in request flows, the response in response flows', async () => {
    const policy = compile('<AssignMessage name="AM"><Set><Headers><Header name="X-A">1</Header></Headers></Set></AssignMessage>');
    const ctx = createFlowContext();
    await policy.execute(ctx);
    expect(ctx.request.headers.get('x-a')).toBe('1');
    ctx.flow = 'PROXY_RESP_FLOW';
    await policy.execute(ctx);
    expect(ctx.response.headers.get('x-a')).toBe('1');
  });

  it('applies actions in document order', async () => {
    const ctx = createFlowContext();
    await compile(`<AssignMessage name="AM">
        <Set><Headers><Header name="a">1</Header><Header name="b">1</Header></Headers></Set>
        <Remove><Headers><Header name="a"/></Headers></Remove>
        <Add><Headers><Header name="b">2</Header></Headers></Add>
      </AssignMessage>`).execute(ctx);
    expect(ctx.request.headers.has('a')).toBe(false);
    expect(ctx.request.headers.getAll('b')).toEqual(['1', '2']);

    const reversed = createFlowContext();
    await compile(`<AssignMessage name="AM">
        <Remove><Headers><Header name="a"/></Headers></Remove>
        <Set><Headers><Header name="a">1</Header></Headers></Set>
      </AssignMessage>`).execute(reversed);
    expect(reversed.request.headers.get('a')).toBe('1');
  });

  it('renders templates in headers, query parameters, form parameters, path and payload', async () => {
    const ctx = createFlowContext({ pathSuffix: '/things' });
    ctx.request.headers.set('X-In', 'hello');
    await compile(`<AssignMessage name="AM"><IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>
        <Set>
          <Headers><Header name="X-Api">{apiproxy.name} v{apiproxy.revision}</Header></Headers>
          <QueryParams><QueryParam name="s">{proxy.pathsuffix}</QueryParam></QueryParams>
          <FormParams><FormParam name="f">{request.header.x-in}</FormParam></FormParams>
          <Path>/p{proxy.pathsuffix}</Path>
        </Set>
        <Add><QueryParams><QueryParam name="s">x</QueryParam></QueryParams></Add>
      </AssignMessage>`).execute(ctx);
    expect(ctx.request.headers.get('X-Api')).toBe('api v3');
    expect(ctx.request.queryParams.getAll('s')).toEqual(['/things', 'x']);
    expect(ctx.request.contentText).toBe('f=hello');
    expect(ctx.request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(ctx.request.path).toBe('/p/things');
  });

  it('sets a JSON payload with its content type, using variablePrefix/variableSuffix', async () => {
    const ctx = createFlowContext();
    ctx.request.headers.set('x', 'v');
    ctx.flow = 'PROXY_RESP_FLOW';
    await compile(`<AssignMessage name="AM-Response"><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <Set><Payload contentType="application/json" variablePrefix="@" variableSuffix="#">{"x":"@request.header.x#","lit":"{a}"}</Payload>
          <ReasonPhrase>Fine</ReasonPhrase><StatusCode>201</StatusCode></Set>
        <AssignTo>response</AssignTo>
      </AssignMessage>`).execute(ctx);
    expect(ctx.response.contentText).toBe('{"x":"v","lit":"{a}"}');
    expect(ctx.response.headers.get('Content-Type')).toBe('application/json');
    expect(ctx.response.statusCode).toBe(201);
    expect(ctx.response.reasonPhrase).toBe('Fine');
  });

  it('ignores StatusCode and ReasonPhrase set on a request, and Verb and Path set on a response', async () => {
    const ctx = createFlowContext();
    ctx.request.path = '/orig';
    await compile('<AssignMessage name="AM"><Set><StatusCode>404</StatusCode><ReasonPhrase>No</ReasonPhrase><Verb>post</Verb></Set></AssignMessage>').execute(ctx);
    expect(ctx.request.verb).toBe('POST');
    expect(ctx.request.statusCode).toBe(200);
    expect(ctx.request.reasonPhrase).toBe('');
    await compile('<AssignMessage name="AM"><AssignTo>response</AssignTo><Set><Path>/x</Path><Verb>PUT</Verb></Set></AssignMessage>').execute(ctx);
    expect(ctx.response.path).toBe('/');
    expect(ctx.response.verb).toBe('GET');
  });

  it('creates a new request message in a variable with createNew', async () => {
    const ctx = createFlowContext();
    ctx.request.headers.set('Accept', 'application/json');
    await compile(`<AssignMessage name="AM-Build-Request">
        <AssignTo createNew="true" type="request">myrequest</AssignTo>
        <Copy source="request"><Headers><Header name="Accept"/></Headers></Copy>
        <Set><Path>/json</Path><Verb>POST</Verb></Set>
        <AssignVariable><Name>target.copy.pathsuffix</Name><Value>false</Value></AssignVariable>
      </AssignMessage>`).execute(ctx);
    const created = ctx.getMessage('myrequest');
    expect(created).toBeInstanceOf(Message);
    expect(created).not.toBe(ctx.request);
    expect(created?.kind).toBe('request');
    expect(ctx.getVariable('myrequest.path')).toBe('/json');
    expect(ctx.getVariable('myrequest.verb')).toBe('POST');
    expect(ctx.getVariable('myrequest.header.accept')).toBe('application/json');
    expect(ctx.getVariable('target.copy.pathsuffix')).toBe(false);
    expect(ctx.request.path).toBe('/');
  });

  it('replaces the response when AssignTo names response with createNew', async () => {
    const ctx = createFlowContext();
    const before = ctx.response;
    before.headers.set('X-Old', '1');
    await compile(`<AssignMessage name="AM"><AssignTo createNew="true" type="response">response</AssignTo>
        <Set><StatusCode>418</StatusCode></Set></AssignMessage>`).execute(ctx);
    expect(ctx.response).not.toBe(before);
    expect(ctx.response.statusCode).toBe(418);
    expect(ctx.response.headers.has('X-Old')).toBe(false);
  });

  it('modifies an existing named message without createNew, and creates it when missing', async () => {
    const ctx = createFlowContext();
    const policy = compile('<AssignMessage name="AM"><AssignTo type="response">cached</AssignTo><Add><Headers><Header name="n">1</Header></Headers></Add></AssignMessage>');
    await policy.execute(ctx);
    const first = ctx.getMessage('cached');
    expect(first?.kind).toBe('response');
    await policy.execute(ctx);
    expect(ctx.getMessage('cached')).toBe(first);
    expect(first?.headers.getAll('n')).toEqual(['1', '1']);
  });

  it('removes every header with an empty <Headers/>', async () => {
    const ctx = createFlowContext();
    ctx.request.headers.set('a', '1');
    ctx.request.headers.set('b', '2');
    ctx.request.queryParams.set('q', '1');
    await compile('<AssignMessage name="AM"><Remove><Headers/><QueryParams/></Remove></AssignMessage>').execute(ctx);
    expect(ctx.request.headers.size).toBe(0);
    expect(ctx.request.queryParams.size).toBe(0);
  });

  it('removes form parameters and the payload', async () => {
    const ctx = createFlowContext();
    ctx.request.headers.set('Content-Type', 'application/x-www-form-urlencoded');
    ctx.request.setContent('a=1&b=2');
    await compile('<AssignMessage name="AM"><Remove><FormParams><FormParam name="a"/></FormParams></Remove></AssignMessage>').execute(ctx);
    expect(ctx.request.contentText).toBe('b=2');
    await compile('<AssignMessage name="AM"><Remove><Payload>true</Payload></Remove></AssignMessage>').execute(ctx);
    expect(ctx.request.contentText).toBe('');
  });

  it('copies every header, query parameters, payload with its content type, and status from a source message', async () => {
    const ctx = createFlowContext();
    ctx.request.headers.set('a', '1');
    ctx.request.headers.set('b', ['2', '3']);
    ctx.request.queryParams.set('q', 'v');
    ctx.request.headers.set('Content-Type', 'text/plain');
    ctx.request.setContent('body');
    ctx.flow = 'PROXY_RESP_FLOW';
    const target = new Message('response');
    target.statusCode = 503;
    target.reasonPhrase = 'Busy';
    ctx.setMessage('calloutResponse', target);
    await compile(`<AssignMessage name="AM">
        <Copy source="request"><Headers/><QueryParams><QueryParam name="q"/></QueryParams><Payload/></Copy>
        <Copy source="calloutResponse"><StatusCode>true</StatusCode><ReasonPhrase>true</ReasonPhrase></Copy>
      </AssignMessage>`).execute(ctx);
    expect(ctx.response.headers.getAll('b')).toEqual(['2', '3']);
    expect(ctx.response.headers.get('a')).toBe('1');
    expect(ctx.response.queryParams.get('q')).toBe('v');
    expect(ctx.response.contentText).toBe('body');
    expect(ctx.response.headers.get('content-type')).toBe('text/plain');
    expect(ctx.response.statusCode).toBe(503);
    expect(ctx.response.reasonPhrase).toBe('Busy');
  });

  it('faults VariableOfNonMsgType when Copy source is not a message', async () => {
    const ctx = createFlowContext();
    ctx.setVariable('plain', 'text');
    const err = await executeExpectingFault(compile('<AssignMessage name="AM"><Copy source="plain"><Headers/></Copy></AssignMessage>'), ctx);
    expect(err).toMatchObject({ errorCode: 'steps.assignmessage.VariableOfNonMsgType', faultName: 'VariableOfNonMsgType', status: 500 });
  });

  it('assigns variables from Value, Ref (falling back to Value) and Template', async () => {
    const ctx = createFlowContext({ pathSuffix: '/p' });
    ctx.setVariable('src', 42);
    await compile(`<AssignMessage name="AM"><IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>
        <AssignVariable><Name>v.value</Name><Value>literal {not.a.template}</Value></AssignVariable>
        <AssignVariable><Name>v.ref</Name><Ref>src</Ref><Value>fallback</Value></AssignVariable>
        <AssignVariable><Name>v.refMissing</Name><Ref>missing</Ref><Value>fallback</Value></AssignVariable>
        <AssignVariable><Name>v.template</Name><Template>{apiproxy.name}{proxy.pathsuffix}</Template></AssignVariable>
        <AssignVariable><Name>v.templateMissing</Name><Template>{missing}</Template><Value>dflt</Value></AssignVariable>
        <AssignVariable><Name>request.header.x-set</Name><Value>h</Value></AssignVariable>
      </AssignMessage>`).execute(ctx);
    expect(ctx.getVariable('v.value')).toBe('literal {not.a.template}');
    expect(ctx.getVariable('v.ref')).toBe(42);
    expect(ctx.getVariable('v.refMissing')).toBe('fallback');
    expect(ctx.getVariable('v.template')).toBe('api/p');
    expect(ctx.getVariable('v.templateMissing')).toBe('dflt');
    expect(ctx.request.headers.get('x-set')).toBe('h');
  });

  it('raises steps.assignmessage.UnresolvedVariable for an unresolved variable unless IgnoreUnresolvedVariables is true', async () => {
    const xml = (ignore: string) => `<AssignMessage name="AM-u">${ignore}
        <Set><Headers><Header name="h">a{nope.nothing}b</Header></Headers></Set></AssignMessage>`;
    const err = await executeExpectingFault(compile(xml('')), createFlowContext());
    expect(err).toBeInstanceOf(PolicyFault);
    expect(err).toMatchObject({
      errorCode: 'steps.assignmessage.UnresolvedVariable', faultName: 'UnresolvedVariable', status: 500,
      message: 'Unresolved variable : nope.nothing', policyName: 'AM-u',
    });
    const lenient = createFlowContext();
    await compile(xml('<IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>')).execute(lenient);
    expect(lenient.request.headers.get('h')).toBe('ab');

    const refErr = await executeExpectingFault(compile('<AssignMessage name="AM"><AssignVariable><Name>x</Name><Ref>nope</Ref></AssignVariable></AssignMessage>'), createFlowContext());
    expect(refErr).toMatchObject({ errorCode: 'steps.assignmessage.UnresolvedVariable', message: 'Unresolved variable : nope' });
  });

  it('faults SetVariableFailed when a templated status code is not a status', async () => {
    const ctx = createFlowContext();
    ctx.setVariable('st', 'abc');
    const err = await executeExpectingFault(compile('<AssignMessage name="AM"><AssignTo>response</AssignTo><Set><StatusCode>{st}</StatusCode></Set></AssignMessage>'), ctx);
    expect(err).toMatchObject({ errorCode: 'steps.assignmessage.SetVariableFailed', status: 500 });
    ctx.setVariable('st', '404');
    await compile('<AssignMessage name="AM"><AssignTo>response</AssignTo><Set><StatusCode>{st}</StatusCode></Set></AssignMessage>').execute(ctx);
    expect(ctx.response.statusCode).toBe(404);
  });

  it('declares readsContent only when the body or form parameters are read', () => {
    expect(compile('<AssignMessage name="AM"><Set><Headers><Header name="a">{request.header.b}</Header></Headers></Set></AssignMessage>').readsContent).toBe(false);
    expect(compile('<AssignMessage name="AM"><Set><Payload>static</Payload></Set></AssignMessage>').readsContent).toBe(false);
    expect(compile('<AssignMessage name="AM"><Copy source="request"><Payload>true</Payload></Copy></AssignMessage>').readsContent).toBe(true);
    expect(compile('<AssignMessage name="AM"><Set><Payload>{request.content}</Payload></Set></AssignMessage>').readsContent).toBe(true);
    expect(compile('<AssignMessage name="AM"><Set><Headers><Header name="a">{request.formparam.f}</Header></Headers></Set></AssignMessage>').readsContent).toBe(true);
    expect(compile('<AssignMessage name="AM"><Add><FormParams><FormParam name="a">1</FormParam></FormParams></Add></AssignMessage>').readsContent).toBe(true);
    expect(compile('<AssignMessage name="AM"><AssignVariable><Name>a</Name><Ref>message.content</Ref></AssignVariable></AssignMessage>').readsContent).toBe(true);
  });
});
