// Per-phase counters and latency histograms fed one sample at a time: memory stays bounded however long the load runs.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { RolloutSample, TransportErrorKind } from './rollout-sample.js';
import { rolloutPhases, toRolloutPhase, type RolloutPhase, type RolloutTimeline } from './rollout-timeline.js';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'other';

export interface LatencySummaryMs {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface PhaseSummary {
  readonly responses: number;
  readonly statusClasses: Readonly<Record<StatusClass, number>>;
  readonly transportErrors: Readonly<Record<TransportErrorKind, number>>;
  /** Transport errors by code (`ECONNRESET`, `premature close`, …). */
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Of the responses (transport errors have no latency); undefined when there was none. */
  readonly latencyMs: LatencySummaryMs | undefined;
  /** Responses per revision header value; `(none)` when the header was absent. */
  readonly revisions: Readonly<Record<string, number>>;
}

export interface TallySummary {
  readonly phases: Readonly<Record<RolloutPhase, PhaseSummary>>;
  /** Whether any response carried the revision header. */
  readonly revisionHeaderSeen: boolean;
  /** Completion time of the first response, after the deploy call was sent, whose header names the new revision. */
  readonly firstNewRevisionAtMs: number | undefined;
  /** Completion time of the first 2xx response that started after the deploy call returned. */
  readonly firstAfterReturnAtMs: number | undefined;
}

export interface TallyProgress {
  readonly phase: RolloutPhase;
  readonly requests: number;
  /** 5xx responses and transport errors. */
  readonly errors: number;
}

export interface SampleTally {
  add(sample: RolloutSample): void;
  /** Where the rollout stands at `nowMs`, for the progress line. */
  progress(nowMs: number): TallyProgress;
  toSummary(): TallySummary;
}

export interface SampleTallyOptions {
  readonly api: string;
  readonly revision: number;
  /** The live timeline: boundaries are filled in as the rollout reaches them. */
  readonly timeline: () => RolloutTimeline;
}

// Header values and error codes come from the network: cap the distinct keys kept per phase.
const maxDistinctKeys = 16;
const maxKeyLength = 80;
const otherKey = '(other)';
const noHeaderKey = '(none)';
// 1 µs to 1 h; 3 significant figures (0.1 %).
const histogramOptions = { lowest: 1, highest: 3_600_000_000, figures: 3 };

interface PhaseCounters {
  responses: number;
  statusClasses: Record<StatusClass, number>;
  transportErrors: Record<TransportErrorKind, number>;
  errorCodes: Map<string, number>;
  latencyUs: RecordableHistogram;
  revisions: Map<string, number>;
}

function createPhaseCounters(): PhaseCounters {
  return {
    responses: 0,
    statusClasses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 },
    transportErrors: { reset: 0, timeout: 0, other: 0 },
    errorCodes: new Map(),
    latencyUs: createHistogram(histogramOptions),
    revisions: new Map(),
  };
}

function toStatusClass(status: number): StatusClass {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'other';
}

function countKey(counts: Map<string, number>, raw: string): void {
  const key = raw.length > maxKeyLength ? raw.slice(0, maxKeyLength) : raw;
  const current = counts.get(key);
  if (current !== undefined) counts.set(key, current + 1);
  else if (counts.size < maxDistinctKeys - 1 || key === otherKey) counts.set(key, 1);
  else counts.set(otherKey, (counts.get(otherKey) ?? 0) + 1);
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function toPhaseSummary(counters: PhaseCounters): PhaseSummary {
  const { latencyUs } = counters;
  return {
    responses: counters.responses,
    statusClasses: { ...counters.statusClasses },
    transportErrors: { ...counters.transportErrors },
    errorCodes: Object.fromEntries(counters.errorCodes),
    latencyMs: latencyUs.count === 0 ? undefined : {
      p50: round3(latencyUs.percentile(50) / 1000),
      p99: round3(latencyUs.percentile(99) / 1000),
      max: round3(latencyUs.max / 1000),
    },
    revisions: Object.fromEntries(counters.revisions),
  };
}

/** True when a revision header value names `revision` of `api`: `<api>/<rev>` or just `<rev>`. */
export function isRevisionHeaderFor(value: string, api: string, revision: number): boolean {
  const trimmed = value.trim();
  if (trimmed === String(revision)) return true;
  const slash = trimmed.lastIndexOf('/');
  return slash > 0 && trimmed.slice(slash + 1) === String(revision) && trimmed.slice(0, slash).toLowerCase() === api.toLowerCase();
}

export function createSampleTally(options: SampleTallyOptions): SampleTally {
  const phases: Record<RolloutPhase, PhaseCounters> = { before: createPhaseCounters(), during: createPhaseCounters(), after: createPhaseCounters() };
  let requests = 0;
  let errors = 0;
  let revisionHeaderSeen = false;
  let firstNewRevisionAtMs: number | undefined;
  let firstAfterReturnAtMs: number | undefined;

  return {
    add(sample) {
      const timeline = options.timeline();
      const counters = phases[toRolloutPhase(sample.completedAtMs, timeline)];
      requests += 1;
      if ('error' in sample) {
        errors += 1;
        counters.transportErrors[sample.error] += 1;
        countKey(counters.errorCodes, sample.code);
        return;
      }
      const statusClass = toStatusClass(sample.status);
      if (statusClass === '5xx') errors += 1;
      counters.responses += 1;
      counters.statusClasses[statusClass] += 1;
      counters.latencyUs.record(Math.min(histogramOptions.highest, Math.max(1, Math.round((sample.completedAtMs - sample.startedAtMs) * 1000))));
      countKey(counters.revisions, sample.revision ?? noHeaderKey);
      if (sample.revision !== undefined) revisionHeaderSeen = true;
      const { deployStartedAtMs, deployReturnedAtMs } = timeline;
      if (deployStartedAtMs === undefined || sample.completedAtMs < deployStartedAtMs) return;
      if (firstNewRevisionAtMs === undefined && sample.revision !== undefined && isRevisionHeaderFor(sample.revision, options.api, options.revision)) {
        firstNewRevisionAtMs = sample.completedAtMs;
      }
      if (firstAfterReturnAtMs === undefined && statusClass === '2xx' && deployReturnedAtMs !== undefined && sample.startedAtMs >= deployReturnedAtMs) {
        firstAfterReturnAtMs = sample.completedAtMs;
      }
    },
    progress(nowMs) {
      return { phase: toRolloutPhase(nowMs, options.timeline()), requests, errors };
    },
    toSummary() {
      const summaries = Object.fromEntries(rolloutPhases.map((phase) => [phase, toPhaseSummary(phases[phase])])) as Record<RolloutPhase, PhaseSummary>;
      return { phases: summaries, revisionHeaderSeen, firstNewRevisionAtMs, firstAfterReturnAtMs };
    },
  };
}
