import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/audit/audit-log.js';
import { auditCollection, createAuditLog } from '../../../src/audit/create-audit-log.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import type { Store, StoreOp } from '../../../src/store/store.js';

function createClock(startMs = 1_000) {
  let nowMs = startMs;
  return { now: () => nowMs, set: (ms: number) => (nowMs = ms) };
}

const entry = (organization: string, operation: string): Omit<AuditEntry, 'time'> => ({
  organization,
  user: 'ann@example.com',
  operation,
  target: `apis/${operation}`,
  result: 'success',
});

describe('createAuditLog', () => {
  it('records each entry as one durable commit in the audit collection, with time-ordered keys', async () => {
    const store = createMemoryStore();
    const commits: StoreOp[][] = [];
    const spied: Store = { ...store, commit: (ops) => (commits.push([...ops]), store.commit(ops)) };
    const clock = createClock();
    const audit = createAuditLog(spied, { now: clock.now });
    await audit.record({ ...entry('demo', 'deploy'), details: { revision: 3, forced: false } });
    clock.set(999); // a clock that stepped back still sorts by time
    await audit.record(entry('demo', 'undeploy'));
    expect(commits).toHaveLength(2);
    expect(commits.every((ops) => ops.length === 1 && ops[0]?.collection === auditCollection)).toBe(true);
    const records = store.list<AuditEntry>(auditCollection);
    expect(records.map((record) => record.value.operation)).toEqual(['undeploy', 'deploy']);
    expect(records[1]?.value).toEqual({ time: 1_000, organization: 'demo', user: 'ann@example.com', operation: 'deploy', target: 'apis/deploy', result: 'success', details: { revision: 3, forced: false } });
  });

  it('lists an organization’s entries newest first, within [from, to], at most limit', async () => {
    const clock = createClock();
    const audit = createAuditLog(createMemoryStore(), { now: clock.now });
    for (let i = 1; i <= 6; i++) {
      clock.set(i * 100);
      await audit.record(entry(i % 2 === 0 ? 'demo' : 'other', `op${i}`));
    }
    await audit.record(entry('demo', 'op6b')); // same millisecond as op6: record order kept
    const operations = (list: AuditEntry[]): string[] => list.map((e) => e.operation);
    expect(operations(audit.list('demo'))).toEqual(['op6b', 'op6', 'op4', 'op2']);
    expect(operations(audit.list('other'))).toEqual(['op5', 'op3', 'op1']);
    expect(operations(audit.list('demo', { from: 200, to: 400 }))).toEqual(['op4', 'op2']);
    expect(operations(audit.list('demo', { from: 300 }))).toEqual(['op6b', 'op6', 'op4']);
    expect(operations(audit.list('demo', { to: 399 }))).toEqual(['op2']);
    expect(operations(audit.list('demo', { limit: 2 }))).toEqual(['op6b', 'op6']);
    expect(audit.list('demo', { limit: 0 })).toEqual([]);
    expect(audit.list('nobody')).toEqual([]);
  });

  it('keeps at most maxEntries, pruning the oldest in the same commit', async () => {
    const store = createMemoryStore();
    const clock = createClock();
    const audit = createAuditLog(store, { now: clock.now, maxEntries: 3 });
    for (let i = 1; i <= 5; i++) {
      clock.set(i);
      await audit.record(entry('demo', `op${i}`));
    }
    expect(store.list(auditCollection)).toHaveLength(3);
    expect(audit.list('demo').map((e) => e.operation)).toEqual(['op5', 'op4', 'op3']);
  });

  it('continues the trail over a restart: old entries listed, keys unique within one millisecond', async () => {
    const store = createMemoryStore();
    const clock = createClock();
    await createAuditLog(store, { now: clock.now }).record(entry('demo', 'before'));
    const restarted = createAuditLog(store, { now: clock.now });
    await restarted.record(entry('demo', 'after'));
    expect(restarted.list('demo').map((e) => e.operation)).toEqual(['after', 'before']);
    expect(store.list(auditCollection)).toHaveLength(2);
  });

  it('keeps only scalar details, and leaves the entry out of the trail when its commit fails', async () => {
    const store = createMemoryStore();
    let fail = false;
    const flaky: Store = { ...store, commit: (ops) => (fail ? Promise.reject(new Error('disk')) : store.commit(ops)) };
    const audit = createAuditLog(flaky, { now: () => 5 });
    await audit.record({ ...entry('demo', 'a'), details: { code: 'x', nested: { secret: 'y' } } as never });
    expect(audit.list('demo')[0]?.details).toEqual({ code: 'x' });
    fail = true;
    await expect(audit.record(entry('demo', 'b'))).rejects.toThrow('disk');
    fail = false;
    await audit.record(entry('demo', 'c'));
    expect(audit.list('demo').map((e) => e.operation)).toEqual(['c', 'a']);
  });
});
