// Revisions on their way out: replaced ones wait out their delay without traffic, then drain, then release their pools.
import type { Logger } from 'pino';
import type { DeployedRevision } from '../dataplane/deployed-revision.js';
import type { DeploymentRecord } from './deployment-records.js';
import type { EnvironmentRuntime } from './environment-runtime.js';
import { toDeployedKey } from './environment-runtime.js';

export interface RetirementsOptions {
  readonly logger: Logger;
  readonly now: () => number;
  readonly drainCeilingMs: number;
  /** Called when a replaced revision's delay is over: removes its deployment record. */
  readonly onUndeployDue: (record: DeploymentRecord) => Promise<void>;
}

interface Retiring {
  readonly deployed: DeployedRevision | undefined;
  readonly undeployAt: number;
  readonly timer: NodeJS.Timeout;
  /** Resolves once the undeploy ran (or was cancelled). */
  readonly done: Promise<void>;
  readonly finish: () => void;
}

export interface Retirements {
  /** A replaced revision: no new traffic already; undeployed at record.undeployAt, then drained. */
  retire(runtime: EnvironmentRuntime, deployed: DeployedRevision, record: DeploymentRecord): void;
  /** After a restart: only the record is left; undeploy it when due. */
  schedule(record: DeploymentRecord): void;
  /** An explicit undeploy during the delay: stop waiting. */
  cancel(runtime: EnvironmentRuntime, key: string): void;
  /** Waits for the revision's in-flight requests (up to the drain ceiling), then releases its pools. */
  drain(deployed: DeployedRevision): void;
  /** Revisions draining now, per `${organization}/${environment}`. */
  countDraining(): Map<string, number>;
  get(runtime: EnvironmentRuntime, key: string): { deployed: DeployedRevision; undeployAt: number } | undefined;
  /** Waits for pending undeploys to come due and run, and for the drains in progress (tests). */
  settle(): Promise<void>;
  /** Shutdown: forgets pending undeploy timers (the next start completes them from the records) and waits for drains. */
  close(): Promise<void>;
}

export function createRetirements(options: RetirementsOptions): Retirements {
  const { logger } = options;
  const pending = new Map<string, Retiring>();
  const drains = new Set<Promise<void>>();
  const draining = new Set<DeployedRevision>();
  const keyOf = (env: string, org: string, deployedKey: string): string => `${org}/${env}/${deployedKey}`;

  const drain = (deployed: DeployedRevision): void => {
    let timer: NodeJS.Timeout | undefined;
    const ceiling = new Promise<'ceiling'>((resolve) => {
      timer = setTimeout(() => resolve('ceiling'), options.drainCeilingMs);
      timer.unref();
    });
    draining.add(deployed);
    const startedAt = performance.now();
    const done = Promise.race([deployed.whenIdle().then(() => 'idle' as const), ceiling])
      .then(async (outcome) => {
        clearTimeout(timer);
        const { organization, environment, apiName, revision } = deployed.compiled;
        logger.info({ org: organization, env: environment, api: apiName, revision, outcome, drainMs: Math.round(performance.now() - startedAt) }, 'revision drained');
        if (outcome === 'ceiling') {
          const ended = deployed.endInflightRequests();
          logger.warn({ api: apiName, revision, env: environment, ended, drainCeilingMs: options.drainCeilingMs }, 'drain ceiling reached: ended the requests still in flight with 504');
          await deployed.compiled.destroy();
        } else {
          await deployed.compiled.close();
        }
      })
      .catch((err: unknown) => logger.error({ err }, 'releasing an undeployed revision failed'))
      .finally(() => {
        drains.delete(done);
        draining.delete(deployed);
      });
    drains.add(done);
  };

  const arm = (key: string, record: DeploymentRecord, deployed: DeployedRevision | undefined): void => {
    // A revision undeployed with a delay and then replaced within it is armed again: the newer plan wins.
    const earlier = pending.get(key);
    if (earlier) {
      clearTimeout(earlier.timer);
      pending.delete(key);
      earlier.finish();
    }
    const delayMs = Math.max(0, (record.undeployAt ?? 0) - options.now());
    let finish = (): void => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const timer = setTimeout(() => {
      if (pending.get(key)?.timer === timer) pending.delete(key);
      options.onUndeployDue(record)
        .catch((err: unknown) => logger.error({ err, api: record.api, revision: record.revision }, 'undeploying a replaced revision failed; the next start retries'))
        .finally(() => {
          if (deployed) drain(deployed);
          finish();
        });
    }, delayMs);
    timer.unref();
    pending.set(key, { deployed, undeployAt: record.undeployAt ?? 0, timer, done, finish });
  };

  return {
    retire(runtime, deployed, record) {
      arm(keyOf(runtime.options.environment, runtime.options.organization, toDeployedKey(record.api, record.revision)), record, deployed);
    },
    schedule(record) {
      arm(keyOf(record.environment, record.organization, toDeployedKey(record.api, record.revision)), record, undefined);
    },
    cancel(runtime, deployedKey) {
      const key = keyOf(runtime.options.environment, runtime.options.organization, deployedKey);
      const entry = pending.get(key);
      if (!entry) return;
      clearTimeout(entry.timer);
      pending.delete(key);
      if (entry.deployed) drain(entry.deployed);
      entry.finish();
    },
    drain,
    countDraining() {
      const counts = new Map<string, number>();
      for (const deployed of draining) {
        const key = `${deployed.compiled.organization}/${deployed.compiled.environment}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    get(runtime, deployedKey) {
      const entry = pending.get(keyOf(runtime.options.environment, runtime.options.organization, deployedKey));
      return entry?.deployed ? { deployed: entry.deployed, undeployAt: entry.undeployAt } : undefined;
    },
    async settle() {
      while (pending.size > 0 || drains.size > 0) {
        await Promise.all([...[...pending.values()].map((e) => e.done), ...drains]);
      }
    },
    async close() {
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
        if (entry.deployed) drain(entry.deployed);
        entry.finish();
      }
      pending.clear();
      await Promise.all([...drains]);
    },
  };
}
