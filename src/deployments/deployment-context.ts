// What each deployment change works with, built once by the deployment service (which runs the changes one at a time).
import type { Logger } from 'pino';
import type { LeftoverRevisionPolicy } from '../config.js';
import type { DeployHistory } from '../history/deploy-history.js';
import type { RevisionRecord } from '../revisions/revision-records.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store, StoreOp } from '../store/store.js';
import type { DeploymentRecord } from './deployment-records.js';
import type { EnvironmentRuntime } from './environment-runtime.js';
import type { Retirements } from './retirements.js';
import type { HistoryEntryBase } from './to-history-entry.js';

export interface DeploymentContext {
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly logger: Logger;
  readonly now: () => number;
  readonly leftoverRevisions: LeftoverRevisionPolicy;
  readonly retirements: Retirements;
  readonly history: DeployHistory;
  /** EnvironmentDoesNotExist (404) when the environment is not configured. */
  runtimeOf(organization: string, environment: string): EnvironmentRuntime;
  /** ApplicationDoesNotExist or RevisionDoesNotExist (404). */
  loadRevision(organization: string, api: string, revision: number): RevisionRecord;
  /** StoreFailure (500) when the commit fails; nothing of it is applied then. */
  commit(ops: readonly StoreOp[]): Promise<void>;
  list(organization: string, filter?: { environment?: string; api?: string; revision?: number }): DeploymentRecord[];
  /** Deployed revisions of the proxy in the environment that are not the one deployed last. */
  leftoversOf(organization: string, environment: string, api: string): DeploymentRecord[];
  /** Records a change refused before it changed anything, in its own commit; best effort (a failure is logged). */
  recordFailure(base: HistoryEntryBase, apis: readonly string[], err: unknown): Promise<void>;
}
