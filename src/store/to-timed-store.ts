// A Store that reports how long each durable write (commit, blob) took and whether it failed; reads pass straight through.
import type { Store } from './store.js';

export type StoreWriteObserver = (operation: 'commit' | 'blob', succeeded: boolean, seconds: number) => void;

export function toTimedStore(store: Store, observe: StoreWriteObserver): Store {
  const timed = async <T>(operation: 'commit' | 'blob', write: () => Promise<T>): Promise<T> => {
    const startedAt = performance.now();
    try {
      const result = await write();
      observe(operation, true, (performance.now() - startedAt) / 1000);
      return result;
    } catch (err) {
      observe(operation, false, (performance.now() - startedAt) / 1000);
      throw err;
    }
  };
  return {
    get: <T>(collection: string, key: string) => store.get<T>(collection, key),
    list: <T>(collection: string, options?: { prefix?: string }) => store.list<T>(collection, options),
    collections: () => store.collections(),
    commit: (ops) => timed('commit', () => store.commit(ops)),
    putBlob: (bytes) => timed('blob', () => store.putBlob(bytes)),
    getBlob: (sha256) => store.getBlob(sha256),
    hasBlob: (sha256) => store.hasBlob(sha256),
    health: () => store.health(),
    close: () => store.close(),
  };
}
