// Per-key mutual exclusion for read-modify-write sequences over a Store (read, compute, await commit).

export interface KeyedMutex {
  /** Runs `task` once every earlier task holding `key` has settled; tasks on other keys run concurrently. */
  withLock<T>(key: string, task: () => Promise<T> | T): Promise<T>;
}

export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<unknown>>();
  return {
    withLock<T>(key: string, task: () => Promise<T> | T): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      // Drop the entry once nobody queued behind this task, so the map does not grow with every key ever used.
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
