import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LOG_BATCH_BYTES, createLogDestination, createLogger, type LogDestination } from '../../src/logger.js';
import { makeTempDir } from '../helpers/make-temp-dir.js';

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

describe('createLogDestination', () => {
  const opened = (destination: LogDestination): Promise<void> => new Promise((resolve) => destination.on('ready', () => resolve()));
  const flushed = (destination: LogDestination): Promise<void> => new Promise((resolve, reject) => destination.flush((err) => (err ? reject(err) : resolve())));

  it('writes lines in batches of about LOG_BATCH_BYTES, complete and in order', async () => {
    const file = join(makeTempDir('baton-log-destination-'), 'out.log');
    const destination = createLogDestination(file);
    await opened(destination);
    const writes: number[] = [];
    destination.on('write', (bytes) => writes.push(bytes as number));
    const lines = Array.from({ length: 400 }, (_, i) => `${JSON.stringify({ n: i, pad: 'x'.repeat(80) })}\n`);
    for (const line of lines) destination.write(line);
    await flushed(destination);
    destination.end();

    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    const total = lines.join('').length;
    // 400 lines of ~100 bytes: a handful of writes, none of them a single line.
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(total / LOG_BATCH_BYTES) + 1);
    expect(Math.min(...writes.slice(0, -1))).toBeGreaterThanOrEqual(LOG_BATCH_BYTES);
  });

  it('writes out a batch that has not filled up on flushSync', async () => {
    const file = join(makeTempDir('baton-log-destination-'), 'out.log');
    const destination = createLogDestination(file);
    await opened(destination);
    destination.write('{"short":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    destination.flushSync();
    expect(readFileSync(file, 'utf8')).toBe('{"short":true}\n');
    destination.end();
  });

  it('drops lines after the destination is closed instead of throwing at the caller', async () => {
    const file = join(makeTempDir('baton-log-destination-'), 'out.log');
    const destination = createLogDestination(file);
    await opened(destination);
    const closed = new Promise<void>((resolve) => destination.on('close', () => resolve()));
    destination.end();
    await closed;
    expect(() => {
      for (let i = 0; i < 200; i++) destination.write(`${'y'.repeat(100)}\n`);
      destination.flushSync();
    }).not.toThrow();
  });
});
