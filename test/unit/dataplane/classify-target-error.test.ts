import { describe, expect, it } from 'vitest';
import { errors as undiciErrors } from 'undici';
import { TargetError } from '../../../src/errors.js';
import { classifyTargetError, isConnectFailure } from '../../../src/dataplane/classify-target-error.js';

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('classifyTargetError', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 503, 'connect-timeout', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['ECONNREFUSED', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['ENOTFOUND', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['EHOSTUNREACH', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['ENETUNREACH', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['EAI_AGAIN', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 503, 'connect', 'messaging.adaptors.http.flow.ServiceUnavailable'],
    ['UND_ERR_HEADERS_TIMEOUT', 504, 'read-timeout', 'messaging.adaptors.http.flow.GatewayTimeout'],
    ['UND_ERR_BODY_TIMEOUT', 504, 'read-timeout', 'messaging.adaptors.http.flow.GatewayTimeout'],
    ['ECONNRESET', 502, 'reset', 'messaging.adaptors.http.flow.BadGateway'],
    ['UND_ERR_SOCKET', 502, 'reset', 'messaging.adaptors.http.flow.BadGateway'],
    ['UND_ERR_CLOSED', 502, 'reset', 'messaging.adaptors.http.flow.BadGateway'],
    ['HPE_INVALID_CONSTANT', 502, 'bad-response', 'messaging.adaptors.http.flow.BadGateway'],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 502, 'bad-response', 'messaging.adaptors.http.flow.BadGateway'],
    ['SOMETHING_NEW', 502, 'bad-response', 'messaging.adaptors.http.flow.BadGateway'],
  ])('%s → %i %s', (code, status, kind, errorCode) => {
    const cause = withCode(code);
    const result = classifyTargetError(cause);
    expect(result).toBeInstanceOf(TargetError);
    expect(result.status).toBe(status);
    expect(result.kind).toBe(kind);
    expect(result.errorCode).toBe(errorCode);
    expect(result.cause).toBe(cause);
  });

  it('classifies undici error classes by their code', () => {
    expect(classifyTargetError(new undiciErrors.ConnectTimeoutError()).status).toBe(503);
    expect(classifyTargetError(new undiciErrors.HeadersTimeoutError()).status).toBe(504);
    expect(classifyTargetError(new undiciErrors.BodyTimeoutError()).status).toBe(504);
    expect(classifyTargetError(new undiciErrors.SocketError('other side closed')).kind).toBe('reset');
  });

  it('reads the code of the first error of an AggregateError and of a cause', () => {
    expect(classifyTargetError(new AggregateError([withCode('ECONNREFUSED')])).kind).toBe('connect');
    expect(classifyTargetError(new Error('wrapped', { cause: withCode('UND_ERR_HEADERS_TIMEOUT') })).kind).toBe('read-timeout');
  });

  it('maps anything unrecognized, including non-errors, to 502', () => {
    expect(classifyTargetError('boom').status).toBe(502);
    expect(classifyTargetError(undefined).status).toBe(502);
  });

  it('returns a TargetError unchanged', () => {
    const first = classifyTargetError(withCode('ECONNREFUSED'));
    expect(classifyTargetError(first)).toBe(first);
  });

  it('treats only connect kinds as never-sent', () => {
    expect(isConnectFailure('connect')).toBe(true);
    expect(isConnectFailure('connect-timeout')).toBe(true);
    expect(isConnectFailure('reset')).toBe(false);
    expect(isConnectFailure('read-timeout')).toBe(false);
  });
});
