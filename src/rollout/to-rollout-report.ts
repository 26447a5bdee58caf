// Tally, timeline, deploy outcome and deployment check → the rollout report (pure; printed as a table or JSON).
import type { PhaseSummary, TallySummary } from './create-sample-tally.js';
import type { DeploymentCheck, ListedDeployment } from './parse-deployment-listing.js';
import type { RolloutMode } from './parse-rollout-options.js';
import { rolloutPhases, toPhaseDurationsMs, type RolloutPhase, type RolloutTimeline } from './rollout-timeline.js';
import { toRolloutVerdict } from './to-rollout-verdict.js';

/** What was rolled out where, as given on the command line (no credentials). */
export interface RolloutSubject {
  readonly management: string;
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly mode: RolloutMode;
  readonly delaySeconds: number;
  readonly basePath: string | undefined;
  readonly target: string;
  readonly method: string;
  readonly connections: number;
  readonly overallRate: number | undefined;
  readonly revisionHeader: string;
  readonly expectLeftover: boolean;
}

export interface ManagementCallRecord {
  readonly method: string;
  readonly path: string;
  /** Undefined when no HTTP answer came (see `error`). */
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly error?: string;
}

export interface DeployOutcome {
  readonly ok: boolean;
  readonly calls: readonly ManagementCallRecord[];
  /** The gateway's message when a call failed. */
  readonly message: string | undefined;
  readonly warnings: readonly string[];
}

export interface PhaseReport extends PhaseSummary {
  readonly durationMs: number;
  /** Responses plus transport errors. */
  readonly requests: number;
  readonly requestsPerSecond: number;
}

export interface RolloutReport {
  readonly subject: RolloutSubject;
  readonly phases: Readonly<Record<RolloutPhase, PhaseReport>>;
  readonly totals: { readonly requests: number; readonly responses5xx: number; readonly transportErrors: number };
  readonly deploy: DeployOutcome & { readonly durationMs: number | null; readonly status: number | null };
  readonly newRevision: {
    /** From sending the deploy call to the first response from the new revision; null when none was seen. */
    readonly firstResponseMs: number | null;
    readonly measuredBy: 'revision-header' | 'first-response-after-call';
    readonly note: string | undefined;
  };
  readonly deployments: {
    readonly checked: boolean;
    readonly newRevisionDeployed: boolean | null;
    readonly deployed: readonly ListedDeployment[];
    readonly leftovers: readonly ListedDeployment[];
    readonly warnings: readonly string[];
    readonly error: string | undefined;
  };
  readonly failures: readonly string[];
  readonly exitCode: 0 | 1;
}

export interface RolloutReportInput {
  readonly subject: RolloutSubject;
  readonly summary: TallySummary;
  readonly timeline: RolloutTimeline;
  readonly deploy: DeployOutcome;
  /** Undefined when not checked (failed deploy); a string when the listing could not be read. */
  readonly deployments: DeploymentCheck | string | undefined;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function toPhaseReport(summary: PhaseSummary, durationMs: number): PhaseReport {
  const errors = summary.transportErrors;
  const requests = summary.responses + errors.reset + errors.timeout + errors.other;
  return { ...summary, durationMs: round3(durationMs), requests, requestsPerSecond: durationMs > 0 ? Math.round((requests * 1000) / durationMs) : 0 };
}

function toNewRevision(input: RolloutReportInput): RolloutReport['newRevision'] {
  const { summary, timeline, subject } = input;
  const since = (at: number | undefined): number | null =>
    at === undefined || timeline.deployStartedAtMs === undefined ? null : round3(at - timeline.deployStartedAtMs);
  if (!input.deploy.ok) return { firstResponseMs: null, measuredBy: 'revision-header', note: 'the deploy failed' };
  if (summary.revisionHeaderSeen) {
    const firstResponseMs = since(summary.firstNewRevisionAtMs);
    return {
      firstResponseMs,
      measuredBy: 'revision-header',
      note: firstResponseMs === null ? `no response named revision ${subject.revision} in ${subject.revisionHeader}` : undefined,
    };
  }
  return {
    firstResponseMs: since(summary.firstAfterReturnAtMs),
    measuredBy: 'first-response-after-call',
    note: `no revision header (${subject.revisionHeader}); measured to the first 2xx response that started after the call returned`,
  };
}

export function toRolloutReport(input: RolloutReportInput): RolloutReport {
  const durations = toPhaseDurationsMs(input.timeline);
  const phases = Object.fromEntries(rolloutPhases.map((p) => [p, toPhaseReport(input.summary.phases[p], durations[p])])) as Record<RolloutPhase, PhaseReport>;
  const sum = (pick: (phase: PhaseReport) => number): number => rolloutPhases.reduce((total, p) => total + pick(phases[p]), 0);
  const transportErrors = {
    reset: sum((p) => p.transportErrors.reset),
    timeout: sum((p) => p.transportErrors.timeout),
    other: sum((p) => p.transportErrors.other),
  };
  const responses5xx = sum((p) => p.statusClasses['5xx']);
  const verdict = toRolloutVerdict({
    environment: input.subject.environment,
    revision: input.subject.revision,
    expectLeftover: input.subject.expectLeftover,
    deployFailure: input.deploy.ok ? undefined : (input.deploy.message ?? 'unknown error'),
    responses5xx,
    transportErrors,
    deployments: input.deployments,
  });
  const { timeline } = input;
  const deployDurationMs = timeline.deployStartedAtMs !== undefined && timeline.deployReturnedAtMs !== undefined
    ? round3(timeline.deployReturnedAtMs - timeline.deployStartedAtMs) : null;
  const check = typeof input.deployments === 'object' ? input.deployments : undefined;
  return {
    subject: input.subject,
    phases,
    totals: { requests: sum((p) => p.requests), responses5xx, transportErrors: transportErrors.reset + transportErrors.timeout + transportErrors.other },
    deploy: { ...input.deploy, durationMs: deployDurationMs, status: input.deploy.calls.at(-1)?.status ?? null },
    newRevision: toNewRevision(input),
    deployments: {
      checked: check !== undefined,
      newRevisionDeployed: check ? check.newRevisionDeployed : null,
      deployed: check?.deployed ?? [],
      leftovers: check?.leftovers ?? [],
      warnings: check?.warnings ?? [],
      error: typeof input.deployments === 'string' ? input.deployments : undefined,
    },
    failures: verdict.failures,
    exitCode: verdict.exitCode,
  };
}
