// BasicAuthentication: deployment errors at parse, Encode (AssignTo createNew) and Decode with Apigee's faults.
import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { basicAuthenticationPolicy } from '../../../../src/policies/basic-authentication/execute.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

const encode = (assignTo = '<AssignTo createNew="false">request.header.Authorization</AssignTo>', extra = '') => `<BasicAuthentication name="BA-Encode">
  <Operation>Encode</Operation>${extra}<User ref="creds.user"/><Password ref="creds.password"/>${assignTo}</BasicAuthentication>`;
const decode = (extra = '') => `<BasicAuthentication name="BA-Decode">
  <Operation>Decode</Operation>${extra}<User ref="decoded.user"/><Password ref="decoded.password"/><Source>request.header.Authorization</Source></BasicAuthentication>`;

function withAuthorization(value?: string): Message {
  const message = new Message('request');
  if (value !== undefined) message.headers.set('Authorization', value);
  return message;
}

describe('BasicAuthentication parse', () => {
  it('reads Encode with its AssignTo and Apigee defaults', () => {
    const { config, problems } = parsePolicy(basicAuthenticationPolicy, encode());
    expect(problems).toEqual([]);
    expect(config).toEqual({
      operation: 'Encode', userRef: 'creds.user', passwordRef: 'creds.password',
      assignTo: { variable: 'request.header.Authorization', createNew: false }, source: undefined, ignoreUnresolvedVariables: true,
    });
  });

  it('reports the deployment errors by element', () => {
    expect(parsePolicy(basicAuthenticationPolicy, '<BasicAuthentication name="x"><Operation>Encode</Operation></BasicAuthentication>').problems).toEqual([
      'BasicAuthentication x: <User ref="…"> naming a variable is required (UserNameRequired)',
      'BasicAuthentication x: <Password ref="…"> naming a variable is required (PasswordRequired)',
      'BasicAuthentication x: <AssignTo> naming the variable to set is required for Encode (AssignToRequired)',
    ]);
    expect(parsePolicy(basicAuthenticationPolicy, '<BasicAuthentication name="x"><Operation>Decode</Operation><User ref="u"/><Password ref="p"/></BasicAuthentication>').problems)
      .toEqual(['BasicAuthentication x: <Source> naming the variable to decode is required for Decode (SourceRequired)']);
    expect(parsePolicy(basicAuthenticationPolicy, '<BasicAuthentication name="x"><Operation>Hash</Operation><User ref="u"/><Password ref="p"/><AssignTo>v</AssignTo></BasicAuthentication>').problems)
      .toEqual(['BasicAuthentication x: <Operation> must be Encode or Decode, got "Hash"']);
  });
});

describe('BasicAuthentication Encode', () => {
  it('writes Basic base64(user:password) to an unset variable', async () => {
    const ctx = createFlowContext();
    ctx.setVariable('creds.user', 'MyUsername');
    ctx.setVariable('creds.password', 'MyPassword');
    await compilePolicy(basicAuthenticationPolicy, encode()).execute(ctx);
    expect(ctx.request.headers.get('authorization')).toBe('Basic TXlVc2VybmFtZTpNeVBhc3N3b3Jk');
  });

  it('leaves a set variable alone unless createNew is true', async () => {
    const keep = createFlowContext({ request: withAuthorization('Bearer abc') });
    keep.setVariable('creds.user', 'u');
    keep.setVariable('creds.password', 'p');
    await compilePolicy(basicAuthenticationPolicy, encode()).execute(keep);
    expect(keep.request.headers.get('authorization')).toBe('Bearer abc');
    const replace = createFlowContext({ request: withAuthorization('Bearer abc') });
    replace.setVariable('creds.user', 'u');
    replace.setVariable('creds.password', 'p');
    await compilePolicy(basicAuthenticationPolicy, encode('<AssignTo createNew="true">request.header.Authorization</AssignTo>')).execute(replace);
    expect(replace.request.headers.get('authorization')).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('raises UnresolvedVariable for a missing password when IgnoreUnresolvedVariables is false', async () => {
    const ctx = createFlowContext();
    ctx.setVariable('creds.user', 'u');
    const fault = await executeExpectingFault(compilePolicy(basicAuthenticationPolicy, encode(undefined, '<IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>')), ctx);
    expect(fault).toMatchObject({ errorCode: 'steps.basicauthentication.UnresolvedVariable', status: 500, message: 'Unresolved variable : creds.password' });
    expect(ctx.getVariable('BasicAuthentication.BA-Encode.failed')).toBe(true);
  });
});

describe('BasicAuthentication Decode', () => {
  it('splits the credentials at the first colon', async () => {
    const ctx = createFlowContext({ request: withAuthorization(`Basic ${Buffer.from('akash:1:23').toString('base64')}`) });
    await compilePolicy(basicAuthenticationPolicy, decode()).execute(ctx);
    expect(ctx.getVariable('decoded.user')).toBe('akash');
    expect(ctx.getVariable('decoded.password')).toBe('1:23');
  });

  it.each([['Basic 23435'], ['YWthc2g6MTIz'], ['OAuth YWthc2g6MTIz'], [`Basic ${Buffer.from('nocolon').toString('base64')}`]])(
    'raises InvalidBasicAuthenticationSource for %s', async (value) => {
      const ctx = createFlowContext({ request: withAuthorization(value) });
      const fault = await executeExpectingFault(compilePolicy(basicAuthenticationPolicy, decode()), ctx);
      expect(fault).toMatchObject({
        errorCode: 'steps.basicauthentication.InvalidBasicAuthenticationSource',
        faultName: 'InvalidBasicAuthenticationSource',
        message: 'Source variable : request.header.Authorization for basic authentication decode policy is not valid',
      });
    });

  it('skips a missing header by default and faults when unresolved variables are not ignored', async () => {
    const lenient = createFlowContext({ request: withAuthorization() });
    await compilePolicy(basicAuthenticationPolicy, decode()).execute(lenient);
    expect(lenient.getVariable('decoded.user')).toBeUndefined();
    const fault = await executeExpectingFault(compilePolicy(basicAuthenticationPolicy, decode('<IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>')),
      createFlowContext({ request: withAuthorization() }));
    expect(fault).toMatchObject({ errorCode: 'steps.basicauthentication.UnresolvedVariable', message: 'Unresolved variable : request.header.Authorization' });
  });
});
