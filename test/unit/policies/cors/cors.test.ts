// CORS: parsing (defaults, deployment errors), the JSON-built config, actual requests and the generated preflight response.
import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { PolicyFault } from '../../../../src/errors.js';
import { compileCors, corsPolicy } from '../../../../src/policies/cors/execute.js';
import { checkCorsConfig, type CorsConfig } from '../../../../src/policies/cors/parse.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

function request(verb: string, headers: Record<string, string>): Message {
  const message = new Message('request');
  message.verb = verb;
  for (const [name, value] of Object.entries(headers)) message.headers.set(name, value);
  return message;
}

const policy = (body: string) => `<CORS name="add-cors">${body}</CORS>`;

describe('CORS parse', () => {
  it('fills in Apigee defaults', () => {
    const { config, problems } = parsePolicy(corsPolicy, policy('<AllowOrigins>{request.header.origin}</AllowOrigins>'));
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ allowOrigins: '{request.header.origin}', generatePreflightResponse: true, ignoreUnresolvedVariables: true });
    expect(config.allowCredentials).toBeUndefined();
    expect(config.maxAge).toBeUndefined();
  });

  it('reports a missing AllowOrigins, a bad MaxAge, a bad method and an unknown element by name', () => {
    const { problems } = parsePolicy(corsPolicy, policy('<MaxAge>soon</MaxAge><AllowMethods>GET, PO ST</AllowMethods><AllowOrigin>*</AllowOrigin>'));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('<AllowOrigins> is required'),
      expect.stringContaining('<MaxAge> must be an integer'),
      expect.stringContaining('<AllowMethods>: "PO ST"'),
      expect.stringContaining('<AllowOrigin> is not supported'),
    ]));
    expect(problems.every((p) => p.startsWith('CORS add-cors: '))).toBe(true);
  });

  it('checks a config built from JSON with the same rules', () => {
    expect(checkCorsConfig({ allowOrigins: 'https://a.example' })).toEqual([]);
    expect(checkCorsConfig({ allowOrigins: '', maxAge: -2, allowCredentials: 'yes' as unknown as boolean })).toEqual([
      'allowOrigins is required', 'maxAge must be an integer of -1 or more', 'allowCredentials must be true or false',
    ]);
  });
});

describe('CORS execute', () => {
  const allowList = policy(`<AllowOrigins>https://a.example, https://b.example</AllowOrigins><AllowMethods>GET, PUT</AllowMethods>
    <AllowHeaders>content-type, x-custom</AllowHeaders><ExposeHeaders>x-trace</ExposeHeaders><MaxAge>600</MaxAge><AllowCredentials>true</AllowCredentials>`);

  it('adds the CORS headers to the response of an actual request from an allowed origin, just before it is sent', async () => {
    const compiled = compilePolicy(corsPolicy, allowList);
    const ctx = createFlowContext({ request: request('GET', { origin: 'https://b.example' }) });
    await compiled.execute(ctx);
    expect(ctx.responseReady).toBe(false);
    expect(ctx.getVariable('cross_origin_resource_sharing.request.type')).toBe('ACTUAL');
    expect(ctx.getVariable('cross_origin_resource_sharing.allow.origin')).toBe('https://b.example');
    // The target's response replaces the response later on: the headers land on whatever goes out.
    ctx.setMessage('response', new Message('response'));
    ctx.runBeforeClientResponse();
    const headers = ctx.response.headers;
    expect(headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(headers.get('access-control-allow-credentials')).toBe('true');
    expect(headers.get('access-control-expose-headers')).toBe('x-trace');
    expect(headers.get('vary')).toBe('Origin');
    expect(headers.has('access-control-allow-methods')).toBe(false);
  });

  it('adds nothing for an origin that is not allowed', async () => {
    const ctx = createFlowContext({ request: request('GET', { origin: 'https://evil.example' }) });
    await compilePolicy(corsPolicy, allowList).execute(ctx);
    ctx.runBeforeClientResponse();
    expect(ctx.getVariable('cross_origin_resource_sharing.allow.origin')).toBe('');
    expect(ctx.response.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('answers an accepted preflight itself and marks the response ready', async () => {
    const ctx = createFlowContext({ request: request('OPTIONS', { origin: 'https://a.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'X-Custom' }) });
    await compilePolicy(corsPolicy, allowList).execute(ctx);
    expect(ctx.responseReady).toBe(true);
    expect(ctx.getVariable('cross_origin_resource_sharing.preflight.accepted')).toBe(true);
    ctx.runBeforeClientResponse();
    expect(ctx.response.statusCode).toBe(200);
    expect(Object.fromEntries([...ctx.response.headers].map(([name, values]) => [name.toLowerCase(), values.join(',')]))).toMatchObject({
      'access-control-allow-origin': 'https://a.example',
      'access-control-allow-methods': 'GET, PUT',
      'access-control-allow-headers': 'content-type, x-custom',
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
    });
  });

  it('refuses a preflight for a method that is not allowed: no Allow-Methods in the generated response', async () => {
    const ctx = createFlowContext({ request: request('OPTIONS', { origin: 'https://a.example', 'access-control-request-method': 'DELETE' }) });
    await compilePolicy(corsPolicy, allowList).execute(ctx);
    expect(ctx.responseReady).toBe(true);
    expect(ctx.getVariable('cross_origin_resource_sharing.preflight.accepted')).toBe(false);
    expect(ctx.response.headers.has('access-control-allow-methods')).toBe(false);
  });

  it('only sets the flow variables when GeneratePreflightResponse is false', async () => {
    const compiled = compilePolicy(corsPolicy, policy('<AllowOrigins>*</AllowOrigins><GeneratePreflightResponse>false</GeneratePreflightResponse>'));
    const ctx = createFlowContext({ request: request('OPTIONS', { origin: 'https://x.example', 'access-control-request-method': 'POST' }) });
    await compiled.execute(ctx);
    expect(ctx.responseReady).toBe(false);
    expect(ctx.getVariable('cross_origin_resource_sharing.request.type')).toBe('PRE_FLIGHT');
    expect(ctx.getVariable('cross_origin_resource_sharing.allow.methods')).toBe('GET, POST, HEAD, OPTIONS');
    expect(ctx.getVariable('cross_origin_resource_sharing.max.age')).toBe(1800);
    expect(ctx.getVariable('cross_origin_resource_sharing.allow.origin')).toBe('*');
  });

  it('answers * with * and echoes the origin when credentials are allowed', async () => {
    const plain = createFlowContext({ request: request('GET', { origin: 'https://x.example' }) });
    await compilePolicy(corsPolicy, policy('<AllowOrigins>*</AllowOrigins>')).execute(plain);
    plain.runBeforeClientResponse();
    expect(plain.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(plain.response.headers.has('vary')).toBe(false);
    const credentialed = createFlowContext({ request: request('GET', { origin: 'https://x.example' }) });
    await compilePolicy(corsPolicy, policy('<AllowOrigins>*</AllowOrigins><AllowCredentials>true</AllowCredentials>')).execute(credentialed);
    credentialed.runBeforeClientResponse();
    expect(credentialed.response.headers.get('access-control-allow-origin')).toBe('https://x.example');
  });

  it('resolves AllowOrigins from a variable holding a list', async () => {
    const compiled = compilePolicy(corsPolicy, policy('<AllowOrigins>{origins.list}</AllowOrigins>'));
    const ctx = createFlowContext({ request: request('GET', { origin: 'https://b.example' }) });
    ctx.setVariable('origins.list', 'https://a.example,https://b.example');
    await compiled.execute(ctx);
    expect(ctx.getVariable('cross_origin_resource_sharing.allow.origin')).toBe('https://b.example');
  });

  it('raises steps.cors.UnresolvedVariable when IgnoreUnresolvedVariables is false', async () => {
    const compiled = compilePolicy(corsPolicy, policy('<AllowOrigins>{wrong.var}</AllowOrigins><IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>'));
    const fault = await executeExpectingFault(compiled, createFlowContext({ request: request('GET', { origin: 'https://a.example' }) }));
    expect(fault).toBeInstanceOf(PolicyFault);
    expect(fault).toMatchObject({ errorCode: 'steps.cors.UnresolvedVariable', status: 500, message: 'CORS[add-cors]: unable to resolve variable wrong.var' });
  });

  it('can be compiled from a plain JSON config (proxy-group CORS settings)', async () => {
    const config = JSON.parse('{"allowOrigins":"https://a.example","allowMethods":"GET"}') as CorsConfig;
    const compiled = compileCors(config, {
      policy: { name: 'group-cors', type: 'CORS', file: '', enabled: true, continueOnError: false, config },
      resources: new Map(), organization: 'org', apiName: 'api', revision: 1, environment: 'test', services: createTestPolicyServices(),
    });
    const ctx = createFlowContext({ request: request('OPTIONS', { origin: 'https://a.example', 'access-control-request-method': 'GET' }) });
    await compiled.execute(ctx);
    expect(ctx.responseReady).toBe(true);
  });
});
