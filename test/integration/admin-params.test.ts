// Management API parameters (compat §1.2): query string, urlencoded body, both, and the sloppy forms clients send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRoutes } from '../unit/admin/probe-routes.js';
import { startTestAdminServer, type TestAdminServer } from '../unit/admin/start-test-admin-server.js';

const path = '/v1/o/demo/e/test/params';
const formType = 'application/x-www-form-urlencoded';

describe('admin parameters', () => {
  let server: TestAdminServer;
  beforeAll(async () => {
    server = await startTestAdminServer({ routes: [probeRoutes] });
  });
  afterAll(() => server.close());

  const params = async (method: string, options: Parameters<ReturnType<TestAdminServer['client']>['request']>[2]) => {
    const response = await server.client('admin').request(method, path, options);
    expect(response.status, response.text()).toBe(200);
    return response.json<{ params: Record<string, string> }>().params;
  };

  it('reads the query string', async () => {
    expect(await params('GET', { query: { name: 'orders', override: 'TRUE' } })).toEqual({ name: 'orders', override: 'TRUE' });
    expect(await params('GET', {})).toEqual({});
  });

  it('reads a urlencoded body', async () => {
    expect(await params('POST', { form: { basepath: '/v2', override: 'true' } })).toEqual({ basepath: '/v2', override: 'true' });
  });

  it('merges parameters split across query and body; the query wins', async () => {
    expect(await params('POST', { query: { action: 'deploy', override: 'false' }, form: { env: 'test', override: 'true' } }))
      .toEqual({ action: 'deploy', env: 'test', override: 'false' });
  });

  it('accepts a POST with no body and no Content-Type', async () => {
    expect(await params('POST', { query: { action: 'deploy' } })).toEqual({ action: 'deploy' });
  });

  it('accepts a POST declaring the form type with an empty body', async () => {
    expect(await params('POST', { query: { delay: '5' }, body: '', headers: { 'content-type': formType } })).toEqual({ delay: '5' });
  });

  it('accepts form values sent without URL encoding, and a charset parameter', async () => {
    const body = 'basepath=/v2/orders&action=deploy&note=a:b@c';
    expect(await params('POST', { body, headers: { 'content-type': `${formType}; charset=UTF-8` } }))
      .toEqual({ basepath: '/v2/orders', action: 'deploy', note: 'a:b@c' });
  });

  it('accepts a form body on PUT', async () => {
    expect(await params('PUT', { form: { name: 'x' } })).toEqual({ name: 'x' });
  });

  it('keeps the first of repeated parameters', async () => {
    expect(await params('POST', { body: 'env=test&env=prod', headers: { 'content-type': formType } })).toEqual({ env: 'test' });
  });

  it('does not take parameters from a raw or JSON body', async () => {
    expect(await params('POST', { body: 'name=raw', headers: { 'content-type': 'application/octet-stream' } })).toEqual({});
    expect(await params('POST', { json: { name: 'json' } })).toEqual({});
  });

  it('treats __proto__ and constructor as plain names', async () => {
    const response = await server.client('admin').post(`${path}?__proto__=q&constructor=c`, { body: '__proto__[admin]=1&toString=t', headers: { 'content-type': formType } });
    expect(response.status).toBe(200);
    const result = response.json<{ params: Record<string, string> }>().params;
    expect(Object.entries(result)).toEqual(expect.arrayContaining([['__proto__', 'q'], ['constructor', 'c'], ['toString', 't'], ['__proto__[admin]', '1']]));
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('admin');
  });

  describe('typed parameters', () => {
    it('reads booleans case-insensitively and integers, with fallbacks', async () => {
      const client = server.client('admin');
      expect((await client.post('/v1/typed-params', { query: { override: 'True', delay: '60' } })).json()).toEqual({ override: true, delay: 60 });
      expect((await client.post('/v1/typed-params', { form: { override: 'FALSE', delay: '-5' } })).json()).toEqual({ override: false, delay: -5 });
      expect((await client.post('/v1/typed-params')).json()).toEqual({ override: false, delay: 0 });
    });

    it.each([
      [{ override: 'yes' }, 'override'],
      [{ override: '' }, 'override'],
      [{ delay: 'abc' }, 'delay'],
      [{ delay: '1.5' }, 'delay'],
      [{ delay: '99999999999999999999' }, 'delay'],
    ])('rejects %o with 400 naming the field', async (query, field) => {
      const response = await server.client('admin').post('/v1/typed-params', { query });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json<{ code: string; message: string; contexts: unknown[] }>();
      expect(body.code).toBe('messaging.config.beans.InvalidParameter');
      expect(body.message).toContain(field);
      expect(body.contexts).toEqual([]);
    });
  });
});
