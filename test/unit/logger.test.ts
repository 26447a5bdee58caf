import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

/** A destination that keeps every line pino writes, parsed. */
function captureLines(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ level: 'warn', destination: stream });
    logger.info('hidden');
    logger.warn({ proxy: 'orders' }, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'shown', proxy: 'orders' });
  });

  it('redacts credentials at the top level and inside nested objects', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ level: 'info', destination: stream });
    logger.info({
      password: 'p1',
      token: 't1',
      'set-cookie': 'c0',
      req: { headers: { authorization: 'Basic YWRtaW46cw==', 'proxy-authorization': 'Basic x', cookie: 'sid=1', 'x-api-key': 'k1', accept: '*/*' } },
      clientResponse: { headers: { 'set-cookie': ['sid=2'] } },
      user: { email: 'a@b.c', passwordHash: 'h1' },
      config: { admin: { password: 'p2' }, users: [{ email: 'x@y.z', password: 'p3' }] },
      variables: { private: { apikey: 'k2' } },
      targetRequest: { headers: { 'x-api-key': 'k3' } },
      private: { secret: 's1' },
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['p1', 't1', 'c0', 'YWRtaW46cw==', 'Basic x', 'sid=1', 'k1', 'sid=2', 'h1', 'p2', 'p3', 'k2', 'k3', 's1']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ req: { headers: { authorization: '[Redacted]', accept: '*/*' } }, user: { email: 'a@b.c' } });
  });

  it('keeps no state between loggers', () => {
    const a = captureLines();
    const b = captureLines();
    createLogger({ level: 'info', destination: a.stream }).info('one');
    createLogger({ level: 'silent', destination: b.stream }).info('two');
    expect(a.lines).toHaveLength(1);
    expect(b.lines).toHaveLength(0);
  });
});
