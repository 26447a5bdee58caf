// The log destination: batched writes, everything written synchronously when the process must stop, no throw at the caller.
import { pbkdf2 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { LOG_BATCH_BYTES, createLogDestination, type LogDestination } from '../../src/log-destination.js';
import { makeTempDir } from '../helpers/make-temp-dir.js';

describe('createLogDestination', () => {
  const opened = (destination: LogDestination): Promise<void> => new Promise((resolve) => destination.on('ready', () => resolve()));
  const closed = (destination: LogDestination): Promise<void> => new Promise((resolve) => destination.on('close', () => resolve()));

  it('writes lines in batches of about LOG_BATCH_BYTES, complete and in order', async () => {
    const file = join(makeTempDir('baton-log-destination-'), 'out.log');
    const destination = createLogDestination(file);
    await opened(destination);
    const writes: number[] = [];
    destination.on('write', (bytes) => writes.push(bytes as number));
    const lines = Array.from({ length: 2_000 }, (_, i) => `${JSON.stringify({ n: i, pad: 'x'.repeat(80) })}\n`);
    for (const line of lines) destination.write(line);
    const done = closed(destination);
    destination.end();
    await done;

    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    const total = lines.join('').length;
    // 2,000 lines of ~100 bytes (about three batches): a handful of writes, none of them a single line. At least two:
    // the first batch goes out alone (batches gathered while a write is in flight may go out together).
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(total / LOG_BATCH_BYTES) + 1);
    expect(Math.min(...writes.slice(0, -1))).toBeGreaterThanOrEqual(LOG_BATCH_BYTES);
  });

  it('writes what is gathered synchronously on flushSync, even while the thread pool is busy', async () => {
    const file = join(makeTempDir('baton-log-destination-'), 'out.log');
    const destination = createLogDestination(file);
    await opened(destination);
    // Every libuv thread busy: an asynchronous write could not run now. A process dying of a signal is in the
    // same place: what flushSync leaves to the thread pool is lost.
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const busy = Array.from({ length: threads }, () => new Promise((resolve) => pbkdf2('p', 's', 200_000, 32, 'sha512', resolve)));
    destination.write('{"short":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    destination.flushSync();
    expect(readFileSync(file, 'utf8')).toBe('{"short":true}\n');
    await Promise.all(busy);
    destination.end();
  });

  it('reports a failed write once on stderr and drops the lines after it instead of throwing or piling them up', async () => {
    // A descriptor no file has (a closed one could be reused by another open in this process meanwhile).
    const destination = createLogDestination(99_999);
    await opened(destination);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    onTestFinished(() => stderr.mockRestore());
    const failed = new Promise<void>((resolve) => destination.on('error', () => resolve()));
    // More than a batch: the write is made at once, not when the flush timer fires.
    for (let i = 0; i <= LOG_BATCH_BYTES / 100; i++) destination.write(`${'z'.repeat(100)}\n`);
    await failed;
    expect(() => {
      for (let i = 0; i < 1000; i++) destination.write(`${'z'.repeat(100)}\n`);
      destination.flushSync();
    }).not.toThrow();
    const reports = stderr.mock.calls.map(([text]) => String(text)).filter((text) => text.includes('writing the log failed'));
    expect(reports).toEqual(['baton: writing the log failed (EBADF); log lines are dropped from now on\n']);
  });

  it('drops lines after the destination is closed instead of throwing at the caller', async () => {
    const file = join(makeTempDir('baton-log-destination-'), 'out.log');
    const destination = createLogDestination(file);
    await opened(destination);
    const done = closed(destination);
    destination.end();
    await done;
    expect(() => {
      for (let i = 0; i < 200; i++) destination.write(`${'y'.repeat(100)}\n`);
      destination.flushSync();
    }).not.toThrow();
  });
});
