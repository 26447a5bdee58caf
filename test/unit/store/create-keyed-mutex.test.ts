import { describe, expect, it } from 'vitest';
import { createKeyedMutex } from '../../../src/store/create-keyed-mutex.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';

describe('createKeyedMutex', () => {
  it('makes concurrent read-modify-write sequences on one key lose no update', async () => {
    const store = createMemoryStore();
    const mutex = createKeyedMutex();
    const increment = (): Promise<void> =>
      mutex.withLock('counter', async () => {
        const current = store.get<number>('c', 'counter') ?? 0;
        await store.commit([{ collection: 'c', key: 'counter', value: current + 1 }]);
      });
    await Promise.all(Array.from({ length: 25 }, increment));
    expect(store.get('c', 'counter')).toBe(25);
  });

  it('runs tasks of one key in call order, keeps going after a failure, and does not block other keys', async () => {
    const mutex = createKeyedMutex();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = mutex.withLock('a', async () => {
      await gate;
      order.push('a1');
    });
    const failing = mutex.withLock('a', () => {
      order.push('a2');
      throw new Error('boom');
    });
    const third = mutex.withLock('a', () => order.push('a3'));
    await mutex.withLock('b', () => order.push('b1'));
    expect(order).toEqual(['b1']);
    release();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await third;
    expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
  });
});
