// The deploy history over a store: retention pruning (persistent records kept), marking, filters, paging and order.
import { describe, expect, it } from 'vitest';
import { createDeployHistory, type NewDeployHistoryRecord } from '../../../src/history/deploy-history.js';
import { DEPLOY_HISTORY } from '../../../src/history/deploy-history-record.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import type { Store } from '../../../src/store/store.js';

function entry(api: string, overrides: Partial<NewDeployHistoryRecord> = {}): NewDeployHistoryRecord {
  return {
    organization: 'demo', environment: 'test', user: 'ada@example.com', kind: 'deploy', description: `Deployed ${api}`,
    persistent: false, proxies: [{ api, before: [], after: [{ revision: 1, basePath: '/' }] }], result: 'success', ...overrides,
  };
}

function setup(retention: number): { store: Store; add: (e: NewDeployHistoryRecord) => Promise<string>; history: ReturnType<typeof createDeployHistory> } {
  const store = createMemoryStore();
  let time = 1_700_000_000_000;
  const history = createDeployHistory({ store, now: () => time++, retention });
  return {
    store,
    history,
    async add(e) {
      const { record, ops } = history.toAddition(e);
      await store.commit(ops);
      return record.id;
    },
  };
}

const descriptions = (h: ReturnType<typeof createDeployHistory>, env = 'test'): string[] => h.list('demo', env).records.map((r) => r.description);

describe('deploy history retention', () => {
  it('deletes the oldest records past the limit in the commit that adds one, per environment', async () => {
    const { history, add } = setup(3);
    for (const api of ['a', 'b', 'c', 'd', 'e']) await add(entry(api));
    await add(entry('p', { environment: 'prod' }));
    expect(descriptions(history)).toEqual(['Deployed e', 'Deployed d', 'Deployed c']);
    expect(descriptions(history, 'prod')).toEqual(['Deployed p']);
  });

  it('never deletes persistent records, even past the limit, and prunes an unmarked one at the next addition', async () => {
    const { history, add, store } = setup(2);
    const a = await add(entry('a', { persistent: true }));
    await add(entry('b', { persistent: true }));
    await add(entry('c'));
    // Over the limit with persistent records only (the new one is never its own victim).
    expect(descriptions(history)).toEqual(['Deployed c', 'Deployed b', 'Deployed a']);
    await add(entry('d'));
    expect(descriptions(history)).toEqual(['Deployed d', 'Deployed b', 'Deployed a']);

    const unmark = history.toPersistenceChange('demo', 'test', a, false)!;
    await store.commit(unmark.ops);
    expect(history.get('demo', 'test', a)?.persistent).toBe(false);
    // Unmarking alone deletes nothing; the next addition does.
    expect(descriptions(history)).toHaveLength(3);
    await add(entry('e'));
    expect(descriptions(history)).toEqual(['Deployed e', 'Deployed b']);
    expect(store.list(DEPLOY_HISTORY)).toHaveLength(2);
  });

  it('marks and unmarks a record; an unknown one has no change', async () => {
    const { history, add, store } = setup(10);
    const id = await add(entry('a'));
    const mark = history.toPersistenceChange('demo', 'test', id, true)!;
    expect(mark.record).toMatchObject({ id, persistent: true, description: 'Deployed a' });
    await store.commit(mark.ops);
    expect(history.get('demo', 'test', id)?.persistent).toBe(true);
    expect(history.toPersistenceChange('demo', 'test', '01HF7YAT000000000000000000', true)).toBeUndefined();
    expect(history.toPersistenceChange('demo', 'prod', id, true)).toBeUndefined();
  });
});

describe('deploy history listing', () => {
  it('lists newest first, filtered by proxy, group and kind, in pages continued with startKey', async () => {
    const { history, add } = setup(100);
    await add(entry('a'));
    await add(entry('b', { kind: 'group', group: 'payments', proxies: [{ api: 'a', before: [], after: [] }, { api: 'b', before: [], after: [] }] }));
    await add(entry('c', { kind: 'undeploy' }));
    await add(entry('a', { kind: 'rollback', description: 'Rollback' }));
    expect(descriptions(history)).toEqual(['Rollback', 'Deployed c', 'Deployed b', 'Deployed a']);
    expect(history.list('demo', 'test', { api: 'a' }).records.map((r) => r.description)).toEqual(['Rollback', 'Deployed b', 'Deployed a']);
    expect(history.list('demo', 'test', { group: 'payments' }).records.map((r) => r.description)).toEqual(['Deployed b']);
    expect(history.list('demo', 'test', { kind: 'undeploy' }).records.map((r) => r.description)).toEqual(['Deployed c']);

    const first = history.list('demo', 'test', { count: 3 });
    expect(first.records.map((r) => r.description)).toEqual(['Rollback', 'Deployed c', 'Deployed b']);
    expect(first.nextStartKey).toBe(first.records[2]!.id);
    const second = history.list('demo', 'test', { count: 3, startKey: first.nextStartKey });
    expect(second.records.map((r) => r.description)).toEqual(['Deployed a']);
    expect(second.nextStartKey).toBeUndefined();
    expect(history.list('demo', 'test', { count: 4 }).nextStartKey).toBeUndefined();
    expect(history.list('demo', 'prod').records).toEqual([]);
  });

  it('gives each record an id, the time and the fields it was given; ids sort as the records were added', async () => {
    const { history, add } = setup(100);
    const first = await add(entry('a', { source: 'promotion 1' }));
    const second = await add(entry('b'));
    expect(second > first).toBe(true);
    expect(history.get('demo', 'test', first)).toEqual({ ...entry('a', { source: 'promotion 1' }), id: first, time: 1_700_000_000_000 });
  });

  it('keeps ids increasing after a restart over the same store', async () => {
    const { store, add } = setup(100);
    const before = await add(entry('a'));
    const restarted = createDeployHistory({ store, now: () => 1_600_000_000_000, retention: 100 });
    const { record } = restarted.toAddition(entry('b'));
    expect(record.id > before).toBe(true);
  });
});
