import { describe, expect, it } from 'vitest';
import { toErrorCode, toTransportErrorKind } from '../../../src/rollout/rollout-sample.js';

describe('toTransportErrorKind', () => {
  it('counts resets, hang-ups and premature closes as resets', () => {
    expect(toTransportErrorKind({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toBe('reset');
    expect(toTransportErrorKind({ code: 'EPIPE' })).toBe('reset');
    expect(toTransportErrorKind({ message: 'socket hang up' })).toBe('reset');
    expect(toTransportErrorKind({ code: 'ERR_STREAM_PREMATURE_CLOSE', message: 'Premature close' })).toBe('reset');
    expect(toTransportErrorKind({ code: 'UND_ERR_SOCKET', message: 'other side closed' })).toBe('reset');
  });

  it('tells timeouts from other failures', () => {
    expect(toTransportErrorKind({ message: 'request timed out' })).toBe('timeout');
    expect(toTransportErrorKind({ code: 'ETIMEDOUT' })).toBe('timeout');
    expect(toTransportErrorKind({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe('timeout');
    expect(toTransportErrorKind({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe('other');
    expect(toTransportErrorKind({})).toBe('other');
  });

  it('labels errors by code, else by a cut message', () => {
    expect(toErrorCode({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toBe('ECONNRESET');
    expect(toErrorCode({ message: 'x'.repeat(100) })).toBe('x'.repeat(60));
    expect(toErrorCode({})).toBe('unknown error');
  });
});
