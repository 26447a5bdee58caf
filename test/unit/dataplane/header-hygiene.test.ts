import { describe, expect, it } from 'vitest';
import { ParamMap } from '../../../src/engine/param-map.js';
import { PolicyFault } from '../../../src/errors.js';
import { fromTargetRawHeaders, toClientResponseHeaders, toTargetHeaders as toFlatTargetHeaders, type FlatHeaders } from '../../../src/dataplane/header-hygiene.js';

const info = { targetHost: 'backend.internal:8080', clientIp: '10.0.0.9', clientProto: 'https', clientHost: 'api.example.com', xForwardedFor: true };

function headers(pairs: Array<[string, string]>): ParamMap {
  return new ParamMap({ caseInsensitive: true }, pairs);
}

/** Name/value pairs as a record: a name that repeats (several field lines) gets an array of its values. */
function toRecord(flat: FlatHeaders): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    const previous = record[name];
    record[name] = previous === undefined ? value : [...([] as string[]).concat(previous), value];
  }
  return record;
}

function toTargetHeaders(map: ParamMap, headerInfo: typeof info): Record<string, string | string[]> {
  return toRecord(toFlatTargetHeaders(map, headerInfo));
}

function lowerKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).map((k) => k.toLowerCase());
}

describe('toTargetHeaders', () => {
  it('drops every hop-by-hop field of reliability-security item 34, and the fields Connection names', () => {
    const out = toTargetHeaders(
      headers([
        ['Connection', 'close, X-Hop'],
        ['X-Hop', '1'],
        ['Keep-Alive', 'timeout=5'],
        ['Proxy-Connection', 'keep-alive'],
        ['TE', 'trailers'],
        ['Upgrade', 'h2c'],
        ['Transfer-Encoding', 'chunked'],
        ['Proxy-Authorization', 'Basic Zm9vOmJhcg=='],
        ['Proxy-Authenticate', 'Basic'],
        ['Expect', '100-continue'],
        ['Trailer', 'X-Checksum'],
        ['X-Kept', 'yes'],
      ]),
      info,
    );
    const keys = lowerKeys(out);
    for (const name of ['connection', 'x-hop', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'transfer-encoding', 'proxy-authorization', 'proxy-authenticate', 'expect', 'trailer']) {
      expect(keys).not.toContain(name);
    }
    expect(out['X-Kept']).toBe('yes');
  });

  it('never forwards the client Content-Length: framing comes from the body actually sent', () => {
    const out = toTargetHeaders(headers([['Content-Length', '5'], ['content-type', 'text/plain']]), info);
    expect(lowerKeys(out)).not.toContain('content-length');
    expect(out['content-type']).toBe('text/plain');
  });

  it('sets Host to the target and replaces the client Host', () => {
    const out = toTargetHeaders(headers([['Host', 'api.example.com']]), info);
    expect(out['host']).toBe('backend.internal:8080');
    expect(Object.keys(out).filter((k) => k.toLowerCase() === 'host')).toEqual(['host']);
  });

  it('appends the client IP to X-Forwarded-For and sets X-Forwarded-Proto and X-Forwarded-Host', () => {
    const out = toTargetHeaders(
      headers([['X-Forwarded-For', '1.1.1.1'], ['x-forwarded-for', '2.2.2.2'], ['X-Forwarded-Proto', 'gopher'], ['X-Forwarded-Host', 'evil']]),
      info,
    );
    expect(out['x-forwarded-for']).toBe('1.1.1.1, 2.2.2.2, 10.0.0.9');
    expect(out['x-forwarded-proto']).toBe('https');
    expect(out['x-forwarded-host']).toBe('api.example.com');
    expect(lowerKeys(out).filter((k) => k.startsWith('x-forwarded-')).length).toBe(3);
  });

  it('leaves X-Forwarded-For alone when disabled', () => {
    const out = toTargetHeaders(headers([['X-Forwarded-For', '1.1.1.1']]), { ...info, xForwardedFor: false });
    expect(out['X-Forwarded-For']).toBe('1.1.1.1');
  });

  it('keeps repeated values as separate field lines', () => {
    const out = toTargetHeaders(headers([['X-Multi', 'a'], ['X-Multi', 'b']]), info);
    expect(out['X-Multi']).toEqual(['a', 'b']);
  });

  it.each([
    ['CRLF', 'ok\r\nX-Injected: y'],
    ['LF', 'ok\nX-Injected: y'],
    ['NUL', 'ok\u0000'],
    ['other control', 'ok\u0007'],
  ])('turns a value with %s into the InvalidHeader fault', (_label, value) => {
    let caught: unknown;
    try {
      toTargetHeaders(headers([['X-Bad', value]]), info);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyFault);
    expect((caught as PolicyFault).status).toBe(500);
    expect((caught as PolicyFault).errorCode).toBe('messaging.runtime.InvalidHeader');
    expect((caught as PolicyFault).message).toContain('X-Bad');
  });

  it('turns an invalid header name into the InvalidHeader fault without echoing it', () => {
    expect(() => toTargetHeaders(headers([['X Bad\r\n', 'v']]), info)).toThrow(/invalid name/);
  });

  it('sends characters beyond Latin-1 as UTF-8 octets and keeps Latin-1 and tabs', () => {
    const out = toTargetHeaders(headers([['X-Euro', '€'], ['X-Latin', 'café\tok']]), info);
    expect(Buffer.from(out['X-Euro'] as string, 'latin1')).toEqual(Buffer.from('€', 'utf8'));
    expect(out['X-Latin']).toBe('café\tok');
  });
});

describe('fromTargetRawHeaders', () => {
  it('drops hop-by-hop fields and the fields the target Connection header names', () => {
    const out = fromTargetRawHeaders([
      'Connection', 'X-Internal, keep-alive',
      'X-Internal', 'secret',
      'Keep-Alive', 'timeout=5',
      'Transfer-Encoding', 'chunked',
      'Proxy-Authenticate', 'Basic',
      'Trailer', 'X-Sum',
      'Upgrade', 'h2c',
      'Content-Type', 'application/json',
      'Set-Cookie', 'a=1',
      'set-cookie', 'b=2',
    ]);
    expect(out.names()).toEqual(['Content-Type', 'Set-Cookie']);
    expect(out.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('keeps the target Content-Length for the caller to decide', () => {
    expect(fromTargetRawHeaders(['content-length', '12']).get('Content-Length')).toBe('12');
  });
});

describe('toClientResponseHeaders', () => {
  it('sets the exact length of a buffered body, replacing the target Content-Length', () => {
    const out = toClientResponseHeaders(headers([['Content-Length', '999'], ['Content-Type', 'text/plain']]), 5);
    expect(out).toEqual(['Content-Type', 'text/plain', 'Content-Length', '5']);
  });

  it('sends each value of a repeated field as its own line', () => {
    const out = toClientResponseHeaders(headers([['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['X-Ok', '1']]), undefined);
    expect(out).toEqual(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Ok', '1']);
  });

  it('keeps the upstream Content-Length for a body streamed untouched', () => {
    const out = toClientResponseHeaders(headers([['Content-Length', '42']]), undefined);
    expect(out).toEqual(['Content-Length', '42']);
  });

  it('drops hop-by-hop fields and Connection-named fields', () => {
    const out = toClientResponseHeaders(
      headers([['Connection', 'X-Internal'], ['X-Internal', 's'], ['Keep-Alive', 'timeout=5'], ['Transfer-Encoding', 'chunked'], ['X-Ok', '1']]),
      undefined,
    );
    expect(out).toEqual(['X-Ok', '1']);
  });

  it('turns a policy-set value with CRLF into the InvalidHeader fault', () => {
    expect(() => toClientResponseHeaders(headers([['X-Bad', 'a\r\nb']]), 0)).toThrow(PolicyFault);
  });
});
