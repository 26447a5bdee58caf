// The primary's data-plane workers: forks them, syncs each from a store snapshot, publishes every commit and waits for all to apply it, replaces the dead.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { BatonConfig } from '../config.js';
import type { ListenerInfo } from '../create-environment-listeners.js';
import type { StoreOp } from '../store/store.js';
import type { ReplicationSource } from './create-replication-source.js';
import type { OpBatch } from './store-replication.js';
import { isBatonMessage, type ToPrimaryMessage, type ToWorkerMessage } from './worker-messages.js';

export interface WorkerPoolOptions {
  readonly count: number;
  /** The worker entry module (dist/cluster/worker-main.js, or a bundle of it in tests). */
  readonly exec: string;
  readonly execArgv?: readonly string[];
  readonly config: BatonConfig;
  readonly source: ReplicationSource;
  readonly logger: Logger;
  /** Longest a commit waits for a worker to apply it; a worker slower than that is killed and replaced. */
  readonly applyTimeoutMs: number;
  /** A worker's commit (a KeyValueMapOperations Put) is durable: the primary's own indexes take it in here. */
  readonly afterForwardedCommit?: (ops: readonly StoreOp[]) => void;
  /** Longest a worker takes to stop after being told; then it is killed. */
  readonly stopTimeoutMs: number;
}

export interface WorkerPool {
  /** The listeners every worker shares (as the first worker reported them). */
  readonly listeners: readonly ListenerInfo[];
  /** Sends the batch to every synced worker; resolves once each applied it, died, or was replaced after the timeout. */
  publish(batch: OpBatch): Promise<void>;
  /** Each ready worker's metrics (prom-client `getMetricsAsJSON`). */
  collectMetrics(): Promise<unknown[]>;
  /** Workers restarting or not answering, for `/readyz`. */
  problems(): string[];
  /** The process ids of the live workers (tests). */
  pids(): number[];
  /** Resolves with the new process id once the worker `pid` has been replaced by a ready one (tests, operators' tools). */
  whenReplaced(pid: number): Promise<number>;
  close(): Promise<void>;
}

interface Member {
  readonly slot: number;
  readonly worker: Worker;
  /** Sent a snapshot: from then on every batch goes to it. */
  synced: boolean;
  ready: boolean;
  applied: number;
  readonly waiters: Array<{ seq: number; resolve(): void }>;
  readonly exited: Promise<void>;
}

const metricsTimeoutMs = 5_000;
/** A worker that dies before it is ready is forked again after this, doubling up to maxRespawnDelayMs. */
const firstRespawnDelayMs = 500;
const maxRespawnDelayMs = 30_000;

export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const { logger, source } = options;
  const members = new Map<number, Member>();
  const restarting = new Set<number>();
  const failuresInARow = new Map<number, number>();
  let closing = false;
  let listeners: readonly ListenerInfo[] = [];
  let nextMetricsId = 1;
  const metricsWaiters = new Map<number, (metrics: unknown) => void>();
  let startup: { resolve(): void; reject(err: Error): void; pending: number } | undefined;
  /** By slot: resolved when a worker other than `pid` is ready there. */
  const replacedWaiters = new Map<number, Array<{ pid: number; resolve(pid: number): void }>>();

  const send = (member: Member, message: ToWorkerMessage): void => {
    if (member.worker.isConnected()) member.worker.send(message);
  };
  const settle = (member: Member): void => {
    for (let i = member.waiters.length - 1; i >= 0; i--) {
      const waiter = member.waiters[i]!;
      if (waiter.seq <= member.applied) {
        member.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const fork = (slot: number): Member => {
    cluster.setupPrimary({ exec: options.exec, execArgv: [...(options.execArgv ?? process.execArgv)] });
    const worker = cluster.fork({ BATON_WORKER_ID: String(slot) });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const member: Member = { slot, worker, synced: false, ready: false, applied: 0, waiters: [], exited };
    members.set(slot, member);
    worker.on('message', (raw: unknown) => {
      if (!isBatonMessage(raw)) return;
      onMessage(member, raw as ToPrimaryMessage);
    });
    worker.once('exit', (code, signal) => onExit(member, code, signal));
    return member;
  };

  const onMessage = (member: Member, message: ToPrimaryMessage): void => {
    switch (message.type) {
      case 'baton:hello': {
        // Snapshot and membership in one synchronous step: the next batch published is the first one it needs.
        const snapshot = source.snapshot();
        member.synced = true;
        member.applied = snapshot.seq;
        send(member, { type: 'baton:start', config: options.config, snapshot });
        return;
      }
      case 'baton:ready':
        member.ready = true;
        restarting.delete(member.slot);
        failuresInARow.delete(member.slot);
        if (listeners.length === 0) listeners = message.listeners;
        for (const problem of message.problems) logger.error({ worker: member.slot, problem }, 'worker start-up problem');
        logger.info({ worker: member.slot, pid: member.worker.process.pid }, 'data-plane worker ready');
        if (startup && --startup.pending === 0) startup.resolve();
        for (const waiter of replacedWaiters.get(member.slot)?.splice(0) ?? []) {
          if (waiter.pid !== member.worker.process.pid) waiter.resolve(member.worker.process.pid ?? 0);
          else replacedWaiters.get(member.slot)?.push(waiter);
        }
        return;
      case 'baton:failed':
        logger.error({ worker: member.slot, reason: message.message }, 'data-plane worker could not start');
        return;
      case 'baton:applied':
        member.applied = Math.max(member.applied, message.seq);
        settle(member);
        return;
      case 'baton:commit':
        source.commitWithSeq(message.ops).then(
          (seq) => {
            options.afterForwardedCommit?.(message.ops);
            send(member, { type: 'baton:commit-result', id: message.id, seq });
          },
          (err: unknown) => {
            const code = (err as { code?: unknown }).code;
            send(member, { type: 'baton:commit-result', id: message.id, error: { code: typeof code === 'string' ? code as 'io' : 'io', message: (err as Error).message } });
          },
        );
        return;
      case 'baton:metrics-result':
        metricsWaiters.get(message.id)?.(message.metrics);
        metricsWaiters.delete(message.id);
        return;
    }
  };

  const onExit = (member: Member, code: number | null, signal: string | null): void => {
    if (members.get(member.slot) === member) members.delete(member.slot);
    // Nobody waits on a dead worker: its replacement starts from a snapshot that has every batch.
    member.applied = Number.POSITIVE_INFINITY;
    settle(member);
    if (closing) return;
    if (startup && !member.ready) {
      startup.reject(new Error(`data-plane worker ${member.slot} exited before it was ready (code ${code}, signal ${signal})`));
      return;
    }
    const failures = member.ready ? 0 : (failuresInARow.get(member.slot) ?? 0) + 1;
    failuresInARow.set(member.slot, failures);
    restarting.add(member.slot);
    const delayMs = failures === 0 ? 0 : Math.min(maxRespawnDelayMs, firstRespawnDelayMs * 2 ** (failures - 1));
    logger.error({ worker: member.slot, pid: member.worker.process.pid, code, signal, respawnInMs: delayMs }, 'data-plane worker exited; starting a replacement');
    const respawn = (): void => {
      if (!closing) fork(member.slot);
    };
    if (delayMs === 0) respawn();
    else setTimeout(respawn, delayMs).unref();
  };

  const stopAll = async (): Promise<void> => {
    closing = true;
    await Promise.all([...members.values()].map(async (member) => {
      send(member, { type: 'baton:stop' });
      const timer = setTimeout(() => member.worker.process.kill('SIGKILL'), options.stopTimeoutMs);
      await member.exited;
      clearTimeout(timer);
    }));
  };

  await new Promise<void>((resolve, reject) => {
    startup = { resolve, reject, pending: options.count };
    for (let slot = 1; slot <= options.count; slot++) fork(slot);
  }).catch(async (err: unknown) => {
    await stopAll();
    throw err;
  }).finally(() => {
    startup = undefined;
  });

  return {
    get listeners() {
      return listeners;
    },
    async publish(batch) {
      await Promise.all([...members.values()].filter((m) => m.synced).map((member) => new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        member.waiters.push({ seq: batch.seq, resolve: done });
        send(member, { type: 'baton:ops', batch });
        settle(member);
        timer = setTimeout(() => {
          logger.error({ worker: member.slot, pid: member.worker.process.pid, seq: batch.seq, timeoutMs: options.applyTimeoutMs }, 'a data-plane worker did not apply a change in time; replacing it');
          member.worker.process.kill('SIGKILL');
        }, options.applyTimeoutMs);
        timer.unref();
      })));
    },
    async collectMetrics() {
      const ready = [...members.values()].filter((m) => m.ready);
      const results = await Promise.all(ready.map((member) => new Promise<unknown>((resolve) => {
        const id = nextMetricsId++;
        const timer = setTimeout(() => {
          metricsWaiters.delete(id);
          resolve(undefined);
        }, metricsTimeoutMs);
        metricsWaiters.set(id, (metrics) => {
          clearTimeout(timer);
          resolve(metrics);
        });
        send(member, { type: 'baton:metrics', id });
      })));
      return results.filter((r) => r !== undefined);
    },
    problems: () => [...restarting].map((slot) => `data-plane worker ${slot} is restarting`),
    whenReplaced(pid) {
      const slot = [...members.values()].find((m) => m.worker.process.pid === pid)?.slot;
      if (slot === undefined) return Promise.reject(new Error(`no live worker has pid ${pid}`));
      return new Promise((resolve) => {
        const list = replacedWaiters.get(slot) ?? [];
        list.push({ pid, resolve });
        replacedWaiters.set(slot, list);
      });
    },
    pids: () => [...members.values()].map((m) => m.worker.process.pid).filter((pid): pid is number => pid !== undefined),
    close: stopAll,
  };
}
