// The behaviour every Store implementation must share; run against each implementation by its own test file.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Store } from '../../../src/store/store.js';

export function describeStoreContract(name: string, openStore: () => Promise<Store>): void {
  describe(`${name}: Store contract`, () => {
    it('gets, lists (sorted, by prefix) and deletes records', async () => {
      const store = await openStore();
      await store.commit([
        { collection: 'revisions', key: 'b/2', value: { n: 2 } },
        { collection: 'revisions', key: 'a/1', value: { n: 1 } },
        { collection: 'revisions', key: 'b/10', value: { n: 10 } },
        { collection: 'users', key: 'alice', value: 'x' },
      ]);
      expect(store.get('revisions', 'a/1')).toEqual({ n: 1 });
      expect(store.get('revisions', 'zzz')).toBeUndefined();
      expect(store.get('nope', 'a/1')).toBeUndefined();
      expect(store.list('revisions').map((r) => r.key)).toEqual(['a/1', 'b/10', 'b/2']);
      expect(store.list('revisions', { prefix: 'b/' })).toEqual([
        { key: 'b/10', value: { n: 10 } },
        { key: 'b/2', value: { n: 2 } },
      ]);
      await store.commit([{ collection: 'revisions', key: 'b/2', value: null }]);
      expect(store.get('revisions', 'b/2')).toBeUndefined();
      expect(store.list('revisions').map((r) => r.key)).toEqual(['a/1', 'b/10']);
      await store.commit([{ collection: 'users', key: 'alice', value: null }]);
      expect(store.list('users')).toEqual([]);
      await store.close();
    });

    it('stores the JSON round trip of a value, frozen', async () => {
      const store = await openStore();
      const value = { when: new Date(0), gone: undefined, list: [1, { deep: true }] };
      await store.commit([{ collection: 'c', key: 'k', value }]);
      value.list.push(2);
      const read = store.get<{ when: string; list: unknown[] }>('c', 'k');
      expect(read).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [1, { deep: true }] });
      expect(Object.isFrozen(read)).toBe(true);
      expect(Object.isFrozen(read?.list[1])).toBe(true);
      expect(() => (read as { list: unknown[] }).list.push(3)).toThrow(TypeError);
      await store.close();
    });

    it('keeps names that collide with Object.prototype members as plain data', async () => {
      const store = await openStore();
      await store.commit([
        { collection: '__proto__', key: 'constructor', value: { __proto__: null, polluted: true } },
        { collection: 'c', key: '__proto__', value: JSON.parse('{"__proto__":{"polluted":true}}') as unknown },
      ]);
      expect(store.get('__proto__', 'constructor')).toEqual({ polluted: true });
      expect(store.list('c').map((r) => r.key)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await store.close();
    });

    it('rejects invalid ops and applies none of the commit', async () => {
      const store = await openStore();
      const cases: unknown[] = [
        [{ collection: 'c', key: 'ok', value: 1 }, { collection: 'c', key: 'bad', value: undefined }],
        [{ collection: 'c', key: 'ok', value: 1 }, { collection: 'c', key: '', value: 1 }],
        [{ collection: 'c', key: 'ok', value: 1 }, { collection: 3, key: 'k', value: 1 }],
        [{ collection: 'c', key: 'ok', value: 1 }, { collection: 'c', key: 'big', value: 10n }],
        [{ collection: 'c', key: 'ok', value: () => 1 }],
      ];
      for (const ops of cases) {
        await expect(store.commit(ops as never)).rejects.toMatchObject({ name: 'StoreError', code: 'invalid' });
      }
      expect(store.get('c', 'ok')).toBeUndefined();
      await store.close();
    });

    it('applies commits one at a time in call order', async () => {
      const store = await openStore();
      const resolved: number[] = [];
      const commits = Array.from({ length: 40 }, (_, i) =>
        store
          .commit(i === 20 ? [{ collection: 'c', key: 'k', value: null }] : [{ collection: 'c', key: 'k', value: i }, { collection: 'log', key: String(i).padStart(3, '0'), value: i }])
          .then(() => resolved.push(i)),
      );
      await Promise.all(commits);
      expect(resolved).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(store.get('c', 'k')).toBe(39);
      expect(store.list('log')).toHaveLength(39);
      await store.close();
    });

    it('does not show a commit before it resolves', async () => {
      const store = await openStore();
      const pending = store.commit([{ collection: 'c', key: 'k', value: 1 }]);
      expect(store.get('c', 'k')).toBeUndefined();
      await pending;
      expect(store.get('c', 'k')).toBe(1);
      await store.close();
    });

    it('stores blobs by sha-256, idempotently', async () => {
      const store = await openStore();
      const bytes = new TextEncoder().encode('bundle bytes');
      const expected = createHash('sha256').update(bytes).digest('hex');
      expect(store.hasBlob(expected)).toBe(false);
      expect(await store.putBlob(bytes)).toBe(expected);
      expect(await store.putBlob(bytes)).toBe(expected);
      expect(store.hasBlob(expected)).toBe(true);
      expect(Buffer.from(await store.getBlob(expected)).toString()).toBe('bundle bytes');
      const empty = await store.putBlob(new Uint8Array(0));
      expect((await store.getBlob(empty)).length).toBe(0);
      await expect(store.getBlob('0'.repeat(64))).rejects.toMatchObject({ code: 'not-found' });
      await store.close();
    });

    it('hashes the bytes given, not later changes to the caller buffer', async () => {
      const store = await openStore();
      const bytes = new Uint8Array([1, 2, 3]);
      const put = store.putBlob(bytes);
      bytes[0] = 9;
      const hash = await put;
      expect([...(await store.getBlob(hash))]).toEqual([1, 2, 3]);
      await store.close();
    });

    it('rejects writes after close', async () => {
      const store = await openStore();
      await store.close();
      await expect(store.commit([{ collection: 'c', key: 'k', value: 1 }])).rejects.toMatchObject({ code: 'closed' });
      await expect(store.putBlob(new Uint8Array(1))).rejects.toMatchObject({ code: 'closed' });
    });

    it('reports health', async () => {
      const store = await openStore();
      expect(store.health()).toEqual({ ok: true, problems: [] });
      await store.close();
    });
  });
}
