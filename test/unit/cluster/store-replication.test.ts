// Store replication: a worker's replica starts from a snapshot, follows every commit in order, and a commit resolves only once replicas applied it.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReplicaStore, type ReplicaStore } from '../../../src/cluster/create-replica-store.js';
import { createReplicationSource } from '../../../src/cluster/create-replication-source.js';
import type { OpBatch } from '../../../src/cluster/store-replication.js';
import { createFileStore } from '../../../src/store/create-file-store.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import { StoreError } from '../../../src/store/store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('store replication', () => {
  it('a replica starts from the snapshot and applies each later batch once, in order', async () => {
    const replicas: ReplicaStore[] = [];
    const source = createReplicationSource(createMemoryStore(), async (batch) => {
      for (const replica of replicas) replica.apply(batch);
    });
    await source.store.commit([{ collection: 'deployments', key: 'a', value: { n: 1 } }, { collection: 'apis', key: 'x', value: 'x' }]);
    const replica = createReplicaStore({ snapshot: source.snapshot(), blobsDir: '/nonexistent', forwardCommit: () => Promise.reject(new Error('unused')) });
    replicas.push(replica);
    expect(replica.seq).toBe(1);
    expect(replica.get('deployments', 'a')).toEqual({ n: 1 });
    expect(replica.collections().sort()).toEqual(['apis', 'deployments']);

    await source.store.commit([{ collection: 'deployments', key: 'b', value: { n: 2 } }]);
    await source.store.commit([{ collection: 'deployments', key: 'a', value: null }]);
    expect(replica.seq).toBe(3);
    expect(replica.list('deployments')).toEqual([{ key: 'b', value: { n: 2 } }]);
    expect(Object.isFrozen(replica.get('deployments', 'b'))).toBe(true);
    // A batch already covered (a snapshot taken just after it resolved) is not applied again.
    expect(replica.apply({ seq: 2, ops: [{ collection: 'deployments', key: 'stale', value: 1 }] })).toBe(false);
    expect(replica.get('deployments', 'stale')).toBeUndefined();
  });

  it('a commit resolves only after publish resolved: the barrier', async () => {
    let release: () => void = () => undefined;
    const published: OpBatch[] = [];
    const source = createReplicationSource(createMemoryStore(), (batch) => {
      published.push(batch);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    let resolved = false;
    const commit = source.store.commit([{ collection: 'c', key: 'k', value: 1 }]).then(() => {
      resolved = true;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(published.map((b) => b.seq)).toEqual([1]);
    expect(resolved).toBe(false);
    release();
    await commit;
    expect(resolved).toBe(true);
    // An empty commit stays a barrier and publishes nothing.
    await source.store.commit([]);
    expect(published).toHaveLength(1);
  });

  it("a replica's commit goes to the primary and resolves once its own batch has arrived", async () => {
    const replicas: ReplicaStore[] = [];
    const source = createReplicationSource(createMemoryStore(), async (batch) => {
      // Delivered after the primary answers, as IPC could interleave: the writer must still read its own write.
      setImmediate(() => replicas.forEach((r) => r.apply(batch)));
    });
    const replica = createReplicaStore({ snapshot: source.snapshot(), blobsDir: '/nonexistent', forwardCommit: (ops) => source.commitWithSeq(ops) });
    replicas.push(replica);
    await replica.commit([{ collection: 'kvms', key: 'k', value: 'v' }]);
    expect(replica.get('kvms', 'k')).toBe('v');
    await expect(replica.commit([{ collection: '', key: 'k', value: 1 }])).rejects.toMatchObject({ code: 'invalid' });
    await expect(replica.putBlob(new Uint8Array([1]))).rejects.toBeInstanceOf(StoreError);
  });

  it("reads blobs from the primary's blob directory, verified against their hash", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-replica-'));
    dirs.push(dir);
    const primary = await createFileStore(join(dir, 'store'));
    const sha256 = await primary.putBlob(new TextEncoder().encode('bundle bytes'));
    const replica = createReplicaStore({ snapshot: { seq: 0, records: [] }, blobsDir: join(dir, 'store', 'blobs'), forwardCommit: async () => 0 });
    expect(replica.hasBlob(sha256)).toBe(true);
    expect(new TextDecoder().decode(await replica.getBlob(sha256))).toBe('bundle bytes');
    const missing = '0'.repeat(64);
    expect(replica.hasBlob(missing)).toBe(false);
    await expect(replica.getBlob(missing)).rejects.toMatchObject({ code: 'not-found' });
    await primary.close();
  });
});
