// A cluster worker's life: receive the config and a store snapshot, serve, follow the primary's commits and acknowledge each, stop when told.
import { join } from 'node:path';
import { createLogger, dieOnStopSignals } from '../logger.js';
import { StoreError, type StoreOp } from '../store/store.js';
import { createReplicaStore } from './create-replica-store.js';
import { createWorkerGateway, type WorkerGateway } from './create-worker-gateway.js';
import { isBatonMessage, type ToPrimaryMessage, type ToWorkerMessage } from './worker-messages.js';
import type { OpBatch } from './store-replication.js';

function send(message: ToPrimaryMessage): void {
  process.send?.(message);
}

/** Runs in a process forked by the worker pool; exits when told to stop or when the primary goes away. */
export function runWorker(): void {
  let gateway: WorkerGateway | undefined;
  // Batches that arrive while the gateway starts wait for it, in order.
  const early: OpBatch[] = [];
  const commits = new Map<number, { resolve(seq: number): void; reject(err: Error): void }>();
  let nextCommitId = 1;
  const forwardCommit = (ops: readonly StoreOp[]): Promise<number> => new Promise((resolve, reject) => {
    const id = nextCommitId++;
    commits.set(id, { resolve, reject });
    send({ type: 'baton:commit', id, ops });
  });
  const apply = (batch: OpBatch): void => {
    if (!gateway) {
      early.push(batch);
      return;
    }
    // Acknowledged even when applying failed (logged): the replica has the records, and the primary must not wait forever.
    void gateway.apply(batch).catch(() => undefined).then(() => send({ type: 'baton:applied', seq: batch.seq }));
  };
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (gateway?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('message', (raw: unknown) => {
    if (!isBatonMessage(raw)) return;
    const message = raw as ToWorkerMessage;
    switch (message.type) {
      case 'baton:start': {
        const { config, snapshot } = message;
        const logger = createLogger({ level: config.logging.level }).child({ worker: process.env.BATON_WORKER_ID });
        // A signal sent to the whole process group (Ctrl-C, a service manager's stop) reaches workers too. They still
        // die of it at once (the primary runs the graceful stop), but write out their batched log lines first.
        dieOnStopSignals(logger);
        const store = createReplicaStore({ snapshot, blobsDir: join(config.dataDir, 'store', 'blobs'), forwardCommit });
        createWorkerGateway(config, { logger, store }).then((started) => {
          gateway = started;
          send({ type: 'baton:ready', listeners: started.listeners, problems: started.problems });
          for (const batch of early.splice(0)) apply(batch);
        }, (err: unknown) => {
          logger.fatal({ err }, 'worker could not start');
          send({ type: 'baton:failed', message: (err as Error).message });
          process.exit(1);
        });
        return;
      }
      case 'baton:ops':
        apply(message.batch);
        return;
      case 'baton:commit-result': {
        const pending = commits.get(message.id);
        commits.delete(message.id);
        if (message.error) pending?.reject(new StoreError(message.error.code, message.error.message));
        else pending?.resolve(message.seq ?? 0);
        return;
      }
      case 'baton:metrics':
        void (gateway?.metrics.registry.getMetricsAsJSON() ?? Promise.resolve([])).then((metrics) => send({ type: 'baton:metrics-result', id: message.id, metrics }));
        return;
      case 'baton:stop':
        stop();
        return;
    }
  });
  send({ type: 'baton:hello' });
}
