// The sorted key index behind list(): same answers as a full scan, after any mix of inserts and deletes.
import { describe, expect, it } from 'vitest';
import { createStoreState } from '../../../src/store/create-store-state.js';

function naiveList(records: Map<string, number>, prefix: string | undefined): string[] {
  return [...records.keys()].filter((k) => prefix === undefined || k.startsWith(prefix)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('store state prefix listing', () => {
  it('matches a sorted full scan after 5,000 random inserts, updates and deletes', () => {
    const state = createStoreState();
    const model = new Map<string, number>();
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const orgs = ['demo', 'acme', 'a'];
    for (let i = 0; i < 5000; i++) {
      const key = `${orgs[random(3)]}/e${random(3)}/api${random(40)}/${String(random(20)).padStart(10, '0')}`;
      if (random(4) === 0) {
        state.apply([{ collection: 'c', key, value: null }]);
        model.delete(key);
      } else {
        state.apply([{ collection: 'c', key, value: i }]);
        model.set(key, i);
      }
    }
    for (const prefix of [undefined, 'demo/', 'demo/e1/', 'demo/e1/api3/', 'demo/e1/api33/', 'a/', 'zz', '']) {
      const listed = state.list('c', prefix);
      expect(listed.map((e) => e.key)).toEqual(naiveList(model, prefix));
      for (const { key, value } of listed) expect(value).toBe(model.get(key));
    }
  });

  it('forgets a collection once its last record is deleted', () => {
    const state = createStoreState();
    state.apply([{ collection: 'c', key: 'k', value: 1 }]);
    state.apply([{ collection: 'c', key: 'k', value: null }, { collection: 'c', key: 'missing', value: null }]);
    expect(state.list('c', undefined)).toEqual([]);
    expect([...state.collections()]).toEqual([]);
  });
});
