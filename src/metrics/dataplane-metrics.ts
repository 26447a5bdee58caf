// Data-plane metrics: requests, latencies, in-flight requests and target errors per deployed revision, kept in plain cells read at scrape time.
import { Counter, Gauge, type Registry } from 'prom-client';
import { HistogramCell, registerCellHistogram, type LabelledCell } from './histogram-cell.js';

/** Seconds: from sub-millisecond pass-through to the 60 s default target timeouts. */
export const latencyBuckets: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Requests answered, by status class: index = first digit of the status (1 → 1xx … 5xx; 0 and 6-9 only for odd codes). */
function newStatusCounts(): Float64Array {
  return new Float64Array(10);
}

function toStatusClass(status: number): number {
  return Math.min(9, Math.max(0, (status / 100) | 0));
}

/**
 * The cells of one revision of a proxy in one environment. The data plane resolves it once per deployed revision and
 * then only does arithmetic on it; it outlives undeploys so counters never go backwards while the process lives.
 */
export class RevisionMetrics {
  readonly labels: Readonly<{ org: string; env: string; proxy: string; revision: string }>;
  readonly responses = newStatusCounts();
  readonly requestSeconds = new HistogramCell(latencyBuckets);
  /** Time from sending the target request to its response headers (a target call that fails is counted in targetErrors). */
  readonly targetSeconds = new HistogramCell(latencyBuckets);
  /** Target call failures by TargetError kind (connect, connect-timeout, read-timeout, reset, …). */
  readonly targetErrors = new Map<string, number>();
  inflight = 0;

  constructor(labels: RevisionMetrics['labels']) {
    this.labels = labels;
  }

  /** A response finished (or the client went away): its status and total time in seconds. */
  observeRequest(status: number, seconds: number): void {
    this.responses[toStatusClass(status)]!++;
    this.requestSeconds.observe(seconds);
  }

  countTargetError(kind: string): void {
    this.targetErrors.set(kind, (this.targetErrors.get(kind) ?? 0) + 1);
  }
}

/** Requests of one environment that matched no deployed proxy, or were refused before routing (400, 404, 414, 431). */
export class UnroutedMetrics {
  readonly labels: Readonly<{ org: string; env: string }>;
  readonly responses = newStatusCounts();

  constructor(labels: UnroutedMetrics['labels']) {
    this.labels = labels;
  }

  observe(status: number): void {
    this.responses[toStatusClass(status)]!++;
  }
}

export interface DataplaneMetrics {
  /** The cells of a revision in an environment (created on first use, the same object afterwards). */
  forRevision(org: string, env: string, proxy: string, revision: number): RevisionMetrics;
  forUnrouted(org: string, env: string): UnroutedMetrics;
}

const revisionLabels = ['org', 'env', 'proxy', 'revision'] as const;

function* statusSeries(labels: Readonly<Record<string, string>>, responses: Float64Array): Iterable<[Record<string, string>, number]> {
  for (let i = 0; i < responses.length; i++) {
    if (responses[i]! > 0) yield [{ ...labels, status_class: `${i}xx` }, responses[i]!];
  }
}

export function createDataplaneMetrics(registry: Registry): DataplaneMetrics {
  const revisions = new Map<string, RevisionMetrics>();
  const unrouted = new Map<string, UnroutedMetrics>();

  new Counter({
    name: 'baton_requests_total',
    help: 'Data-plane requests answered by a deployed revision, by status class of the response sent to the client',
    labelNames: [...revisionLabels, 'status_class'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of revisions.values()) for (const [labels, value] of statusSeries(r.labels, r.responses)) this.inc(labels, value);
    },
  });
  new Counter({
    name: 'baton_unrouted_requests_total',
    help: 'Data-plane requests no deployed proxy answered (404 ApplicationNotFound, or refused before routing: 400, 414, 431)',
    labelNames: ['org', 'env', 'status_class'],
    registers: [registry],
    collect() {
      this.reset();
      for (const u of unrouted.values()) for (const [labels, value] of statusSeries(u.labels, u.responses)) this.inc(labels, value);
    },
  });
  const histogramOf = (pick: (r: RevisionMetrics) => HistogramCell) => function* (): Iterable<LabelledCell<HistogramCell>> {
    for (const r of revisions.values()) if (pick(r).count > 0) yield { labels: r.labels, cell: pick(r) };
  };
  registerCellHistogram({
    name: 'baton_request_duration_seconds',
    help: 'Time from a data-plane request arriving to its response being sent (or the client leaving)',
    labelNames: revisionLabels,
    bounds: latencyBuckets,
    registry,
    cells: histogramOf((r) => r.requestSeconds),
  });
  registerCellHistogram({
    name: 'baton_target_duration_seconds',
    help: 'Time from sending a target request to receiving its response headers',
    labelNames: revisionLabels,
    bounds: latencyBuckets,
    registry,
    cells: histogramOf((r) => r.targetSeconds),
  });
  new Gauge({
    name: 'baton_inflight_requests',
    help: 'Data-plane requests in progress per revision (a replaced revision drains until this reaches 0)',
    labelNames: [...revisionLabels],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of revisions.values()) this.set(r.labels, r.inflight);
    },
  });
  new Counter({
    name: 'baton_target_errors_total',
    help: 'Target calls that got no response, by kind: connect, connect-timeout, read-timeout, write-timeout, reset, bad-response, no-healthy-server',
    labelNames: [...revisionLabels, 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of revisions.values()) for (const [kind, value] of r.targetErrors) this.inc({ ...r.labels, kind }, value);
    },
  });

  return {
    forRevision(org, env, proxy, revision) {
      const key = `${org}\0${env}\0${proxy}\0${revision}`;
      let cells = revisions.get(key);
      if (!cells) revisions.set(key, (cells = new RevisionMetrics({ org, env, proxy, revision: String(revision) })));
      return cells;
    },
    forUnrouted(org, env) {
      const key = `${org}\0${env}`;
      let cells = unrouted.get(key);
      if (!cells) unrouted.set(key, (cells = new UnroutedMetrics({ org, env })));
      return cells;
    },
  };
}
