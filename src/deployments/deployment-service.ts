// The deployment service's contract: deploy, undeploy, revision content changes, history and rollback, one change at a time.
import type { Logger } from 'pino';
import type { LeftoverRevisionPolicy } from '../config.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import type { DeployHistoryKind, DeployHistoryRecord } from '../history/deploy-history-record.js';
import type { DeployHistoryFilter, DeployHistoryPage } from '../history/deploy-history.js';
import type { DeploymentMetrics } from '../metrics/deployment-metrics.js';
import type { RevisionRecord } from '../revisions/revision-records.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store, StoreOp } from '../store/store.js';
import type { EnvironmentChangeInput, EnvironmentChangeResult } from './apply-environment-change.js';
import type { DeploymentRecord } from './deployment-records.js';
import type { EnvironmentRuntime } from './environment-runtime.js';
import type { RollbackInput } from './rollback-to-history.js';

export interface DeploymentServiceDeps {
  readonly store: Store;
  readonly revisions: RevisionService;
  /** Runtimes by `${organization}/${environment}`. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly logger: Logger;
  readonly now: () => number;
  /** Longest an undeployed revision waits for its in-flight requests before its target pools are destroyed. */
  readonly drainCeilingMs: number;
  /** What a deploy does with revisions of the same proxy it would leave deployed at other base paths. */
  readonly leftoverRevisions: LeftoverRevisionPolicy;
  /** Deploy history records kept per environment (default 100); persistent ones are never deleted by it. */
  readonly historyRetention?: number;
  /** Counts deploys, undeploys, environment changes and rollbacks by result, with their duration. */
  readonly metrics?: DeploymentMetrics;
}

export interface DeployInput {
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly basePath?: string;
  /** Replace revisions of the same proxy at the same base path (compat §3.4 step 3). */
  readonly override?: boolean;
  /** Seconds the replaced revisions stay deployed (without new traffic) before they are undeployed. */
  readonly delaySeconds?: number;
  readonly user: string;
  /** How the deploy history records this change (default: kind `deploy`, a description naming the source). */
  readonly history?: DeployHistoryNote;
}

/** What a caller tells the deploy history about a change it makes. */
export interface DeployHistoryNote {
  readonly kind: DeployHistoryKind;
  readonly description?: string;
  /** A persistent record is never deleted by the retention limit. */
  readonly persistent?: boolean;
  /** What caused it, e.g. `promotion 7f3…` or `group payments`. */
  readonly source?: string;
  /** The proxy group deployed (kind `group`): the history can be filtered by it. */
  readonly group?: string;
}

export interface DeployResult {
  readonly deployed: DeploymentRecord;
  /** Revisions this deploy replaced, with their state at response time (compat §3.4 step 7). */
  readonly replaced: readonly DeploymentRecord[];
  /** False when the revision was already deployed there (idempotent). */
  readonly changed: boolean;
  /**
   * Revisions of the same proxy that stay deployed in the environment at other base paths (Apigee does not replace
   * them): leftover revisions, surfaced in the deploy response, the listings, the metrics and the log.
   */
  readonly leftovers: readonly DeploymentRecord[];
  /** The deploy history record of this deploy. */
  readonly history: DeployHistoryRecord;
}

export interface HistoryNoteInput {
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly user: string;
  readonly history: DeployHistoryNote & { readonly description: string };
  readonly ops?: readonly StoreOp[];
}

/** A change its caller refused before asking for it, for the history (e.g. a group deploy whose plan failed). */
export interface HistoryFailureInput {
  readonly organization: string;
  readonly environment: string;
  /** The proxies it would have changed: their deployments, unchanged, are the record's before and after. */
  readonly apis: readonly string[];
  readonly user: string;
  readonly history: DeployHistoryNote & { readonly description: string };
  readonly error: unknown;
}

export interface RollbackResult extends EnvironmentChangeResult {
  /** The record that was restored. */
  readonly target: DeployHistoryRecord;
}

/** A content change of a stored revision, parsed but not yet stored (revisions/ stages it). */
export interface StagedRevisionContent {
  readonly record: RevisionRecord;
  readonly bundle: ProxyBundle;
  commit(): Promise<RevisionRecord>;
}

export interface DeploymentService {
  deploy(input: DeployInput): Promise<DeployResult>;
  /** With `delaySeconds`, the revision keeps serving until then, then stops taking traffic and drains. */
  undeploy(input: Omit<DeployInput, 'basePath' | 'override'>): Promise<DeploymentRecord>;
  /**
   * Runs a change of a stored revision's content with deployments held still. `apply` stores the new content and
   * serves it wherever the revision is deployed; it is compiled for every such environment first, and if any
   * compile fails nothing is stored and nothing changes. Lock order: this deployment lock first, then the
   * revision locks (stage inside `revisions.withRevisionLock` within the task).
   */
  changeRevision<T>(task: (apply: (staged: StagedRevisionContent) => Promise<RevisionRecord>) => Promise<T>): Promise<T>;
  /** Runs a task with deployments held still (deleting revisions and proxies checks deployments inside it). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Changes several proxies' deployments in one environment as one: everything is checked and compiled first, then
   * one commit (with the history record) and one swap. A refusal changes nothing and is recorded as a failure.
   */
  applyEnvironmentChange(input: EnvironmentChangeInput): Promise<EnvironmentChangeResult>;
  /**
   * Restores what a history record shows after it, for the proxies it names, as one change with its own record
   * (kind `rollback`). DeployHistoryRecordDoesNotExist (404); RollbackNotPossible (409) when a revision is gone.
   */
  rollback(input: RollbackInput): Promise<RollbackResult>;
  /**
   * A success record that changes no deployment (e.g. a promotion requested or rejected): the proxy's deployments
   * in the environment as both before and after. `ops` (the change the note describes) go in the same commit.
   */
  recordHistoryNote(input: HistoryNoteInput): Promise<DeployHistoryRecord>;
  /** A failure record for a change refused before it reached this service; best effort, like every failure record. */
  recordHistoryFailure(input: HistoryFailureInput): Promise<void>;
  /** Marks or unmarks a history record persistent; DeployHistoryRecordDoesNotExist (404). */
  markHistory(input: { organization: string; environment: string; id: string; persistent: boolean }): Promise<DeployHistoryRecord>;
  /** The environment's deploy history, newest first. */
  listHistory(organization: string, environment: string, filter?: DeployHistoryFilter): DeployHistoryPage;
  getHistory(organization: string, environment: string, id: string): DeployHistoryRecord | undefined;
  list(organization: string, filter?: { environment?: string; api?: string; revision?: number }): DeploymentRecord[];
  /** Live information about a deployed revision in an environment (in-flight requests, retirement, leftover). */
  inspect(record: DeploymentRecord): { inflight: number; retiringAt: number | undefined; leftover: boolean } | undefined;
  /** Leftover revisions per environment key `${organization}/${environment}` (for the metrics). */
  countLeftovers(): Map<string, number>;
  /** Revisions out of routing still finishing their requests, per `${organization}/${environment}` (for the metrics). */
  countDraining(): Map<string, number>;
  /** Compiles and serves every stored deployment (start-up); a revision that cannot run is logged and skipped. */
  restore(): Promise<{ restored: number; failed: Array<{ record: DeploymentRecord; reason: string }> }>;
  /** Waits for queued deployment changes and drains in progress (tests). */
  settle(): Promise<void>;
  /** Shutdown: waits for queued changes, forgets pending undeploy timers (the next start completes them), waits for drains. */
  close(): Promise<void>;
}

