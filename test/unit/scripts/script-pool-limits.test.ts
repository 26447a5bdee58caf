// The script pool stops runaway scripts (time, memory), replaces their hosts, and keeps the runs queued behind them.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createScriptPool, type ScriptPool } from '../../../src/scripts/create-script-pool.js';
import { quietHandler, runOnce, toExecResult, toSnapshotJson, toWrittenVariables } from './script-test-kit.js';

let pool: ScriptPool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function startPool(hosts: number, maxHeapMb = 64): ScriptPool {
  pool = createScriptPool({ logger: pino({ level: 'silent' }), hosts, maxHeapMb, killGraceMs: 50 });
  return pool;
}

describe('script pool limits', () => {
  it('runs a script and returns its writes and prints', async () => {
    const result = await runOnce(startPool(1), "print('hello', 1 + 1); context.setVariable('answer', 42);");
    expect(toExecResult(result)).toEqual({ ops: [['set', 'answer', 42]], prints: ['hello 2'] });
  });

  it('keeps each of many runs dispatched at once apart, across hosts and batched writes, with calls back to the gateway', async () => {
    const p = startPool(2);
    // `n` comes in the snapshot; the name read at run time is a synchronous call to the handler.
    const script = p.load("var n = context.getVariable('n'); context.setVariable('out', n * 2 + context.getVariable('asked' + n));", {});
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, n) => script.run({
        snapshotJson: toSnapshotJson({ vars: [['n', n]] }),
        timeLimitMs: 5_000,
        handler: { call: (op, argumentJson) => (op === 'get' ? JSON.stringify({ v: Number(/\d+/.exec(argumentJson)![0]) }) : ''), send: () => {} },
      })));
      expect(results.map((result) => toWrittenVariables(result).out)).toEqual(Array.from({ length: 200 }, (_, n) => n * 3));
    } finally {
      script.release();
    }
  });

  it('stops an endless loop at the time limit with a timeout, and the next run works on a new host', async () => {
    const p = startPool(1);
    const started = performance.now();
    const looped = await runOnce(p, 'for (;;) {}', { timeLimitMs: 300 });
    const elapsed = performance.now() - started;
    expect(looped).toEqual({ kind: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(300 + 3_000);
    expect(toWrittenVariables(await runOnce(p, "context.setVariable('after', 'ok');"))).toEqual({ after: 'ok' });
  });

  it('stops a loop hidden in a promise job', async () => {
    const looped = await runOnce(startPool(1), 'Promise.resolve().then(function () { for (;;) {} });', { timeLimitMs: 300 });
    expect(looped).toEqual({ kind: 'timeout' });
  });

  it('runs the runs queued behind a looping script once its host is killed', async () => {
    const p = startPool(1);
    const loop = p.load('for (;;) {}', {});
    const quick = p.load("context.setVariable('ran', true);", {});
    const looping = loop.run({ snapshotJson: toSnapshotJson(), timeLimitMs: 300, handler: quietHandler });
    const queued = quick.run({ snapshotJson: toSnapshotJson(), timeLimitMs: 300, handler: quietHandler });
    expect(await looping).toEqual({ kind: 'timeout' });
    expect(toWrittenVariables(await queued)).toEqual({ ran: true });
  });

  it('ends a runaway allocation with a memory outcome, and the pool keeps serving', async () => {
    const p = startPool(1, 32);
    const result = await runOnce(p, 'var hoard = []; for (;;) hoard.push(new Array(100000).fill(1.5));', { timeLimitMs: 60_000 });
    expect(result).toEqual({ kind: 'memory' });
    expect(toWrittenVariables(await runOnce(p, "context.setVariable('after', 'ok');"))).toEqual({ after: 'ok' });
  });

  it('ends a string doubled forever with a script error (the engine caps string length)', async () => {
    const result = await runOnce(startPool(1, 64), "var s = 'x'; for (;;) s = s + s;", { timeLimitMs: 60_000 });
    expect(toExecResult(result).error).toMatchObject({ name: 'RangeError', message: 'Invalid string length' });
  });

  it('fails a run whose writes exceed the largest message a host may send, and replaces the host', async () => {
    pool = createScriptPool({ logger: pino({ level: 'silent' }), hosts: 1, maxHeapMb: 64, maxFrameBytes: 1024 * 1024 });
    const result = await runOnce(pool, "context.setVariable('big', 'x'.repeat(2 * 1024 * 1024));");
    expect(result).toEqual({ kind: 'failed', message: expect.stringMatching(/^the script host exited \(sent a frame of \d+ bytes \(more than 1048576\)\)$/) });
    expect(toWrittenVariables(await runOnce(pool, "context.setVariable('after', 'ok');"))).toEqual({ after: 'ok' });
  });

  it('fails the runs still waiting when it closes', async () => {
    const p = startPool(1);
    const loop = p.load('for (;;) {}', {});
    const waiting = loop.run({ snapshotJson: toSnapshotJson(), timeLimitMs: 60_000, handler: quietHandler });
    await p.close();
    expect(await waiting).toEqual({ kind: 'failed', message: 'the script pool is closed' });
    expect(await runOnce(p, '1')).toEqual({ kind: 'failed', message: 'the script pool is closed' });
  });
});
