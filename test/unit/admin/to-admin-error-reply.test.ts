import { describe, expect, it } from 'vitest';
import { toAdminErrorReply } from '../../../src/admin/to-admin-error-reply.js';
import { AdminError, BundleError } from '../../../src/errors.js';
import { StoreError } from '../../../src/store/store.js';

const context = { bodyLimitBytes: 1000, contentType: 'text/csv' };

function fastifyError(code: string, statusCode: number, message = 'fastify says no'): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('toAdminErrorReply', () => {
  it('uses an AdminError catalog entry and adds its details as fields', () => {
    const reply = toAdminErrorReply(new AdminError('ApplicationDoesNotExist', ['orders', 'demo'], { details: { errors: ['x'], code: 'ignored' } }), context);
    expect(reply).toEqual({
      status: 404,
      expected: true,
      body: { code: 'messaging.config.beans.ApplicationDoesNotExist', message: 'APIProxy named orders does not exist in organization demo', contexts: [], errors: ['x'] },
    });
  });

  it('lists every BundleError problem; the message is the first', () => {
    const reply = toAdminErrorReply(new BundleError([{ file: 'proxies/a.xml', message: 'bad' }, { file: '', message: 'worse' }]), context);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ code: 'messaging.config.beans.InvalidBundle', message: 'proxies/a.xml: bad', contexts: [], errors: ['proxies/a.xml: bad', 'worse'] });
    expect(toAdminErrorReply(new BundleError([{ file: '', message: 'too big' }], { status: 413 }), context).body).toMatchObject({ code: 'messaging.config.beans.BundleTooLarge', message: 'too big' });
  });

  it('maps StoreError by name and code, as unexpected', () => {
    expect(toAdminErrorReply(new StoreError('fsync-failed', 'x'), context)).toMatchObject({ status: 500, expected: false, body: { code: 'baton.store.WriteFailed' } });
    expect(toAdminErrorReply(new StoreError('no-space', 'x'), context)).toMatchObject({ status: 507, expected: false, body: { code: 'baton.store.InsufficientStorage' } });
  });

  it('maps fastify 4xx errors to catalog codes', () => {
    expect(toAdminErrorReply(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), context).body).toEqual({ code: 'messaging.config.beans.BundleTooLarge', message: 'Bundle exceeds the limit of 1000 bytes', contexts: [] });
    expect(toAdminErrorReply(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), context).body).toEqual({ code: 'messaging.config.beans.UnsupportedMediaType', message: 'Content-Type text/csv is not supported here', contexts: [] });
    expect(toAdminErrorReply(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'length mismatch'), context)).toEqual({ status: 400, expected: true, body: { code: 'messaging.config.beans.InvalidParameter', message: 'length mismatch', contexts: [] } });
    const syntax = Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 });
    expect(toAdminErrorReply(syntax, context).body.message).toBe('Request body is not valid JSON: Unexpected end of JSON input');
  });

  it('hides everything else behind a generic 500', () => {
    for (const err of [new Error('secret'), Object.assign(new Error('secret'), { statusCode: 400 }), 'a string', undefined]) {
      expect(toAdminErrorReply(err, context)).toEqual({ status: 500, expected: false, body: { code: 'baton.InternalError', message: 'Internal error', contexts: [] } });
    }
  });
});
