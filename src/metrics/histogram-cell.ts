// A histogram series updated with plain arithmetic on the request path, and the prom-client Histogram that reads such series at scrape time.
import { Histogram, type Registry } from 'prom-client';

/**
 * One labelled histogram series. `observe` is a bucket search and three additions: no label hashing, no
 * allocation (prom-client hashes the label set on every observe, even through a `labels()` child).
 */
export class HistogramCell {
  /** Upper bounds, ascending; `+Inf` is implicit. */
  readonly bounds: readonly number[];
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export interface LabelledCell<T> {
  readonly labels: Readonly<Record<string, string>>;
  readonly cell: T;
}

interface CellHistogramOptions {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly bounds: readonly number[];
  readonly registry: Registry;
  /** The series to export, read at each scrape. */
  readonly cells: () => Iterable<LabelledCell<HistogramCell>>;
}

/** A prom-client histogram whose values come from HistogramCells (same text format, same buckets). */
class CellHistogram extends Histogram {
  private readonly readCells: () => Iterable<LabelledCell<HistogramCell>>;
  private readonly seriesName: string;
  private readonly seriesHelp: string;

  constructor(options: CellHistogramOptions) {
    super({ name: options.name, help: options.help, labelNames: [...options.labelNames], buckets: [...options.bounds], registers: [options.registry] });
    this.readCells = options.cells;
    this.seriesName = options.name;
    this.seriesHelp = options.help;
  }

  /**
   * The registry's text export reads this (and `get()` builds on it): one value per bucket with `le` in `labels` and
   * the series labels in `sharedLabels`, then `_sum` and `_count`, exactly like prom-client's own histograms.
   */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: unknown[]; aggregator: string }> {
    const name = this.seriesName;
    const values: unknown[] = [];
    for (const { labels, cell } of this.readCells()) {
      let cumulative = 0;
      for (let i = 0; i < cell.bounds.length; i++) {
        cumulative += cell.counts[i]!;
        values.push({ labels: { le: cell.bounds[i]! }, sharedLabels: labels, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: cell.count, metricName: `${name}_bucket` });
      values.push({ labels: {}, sharedLabels: labels, value: cell.sum, metricName: `${name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: cell.count, metricName: `${name}_count` });
    }
    return { name, help: this.seriesHelp, type: 'histogram', values, aggregator: 'sum' };
  }
}

export function registerCellHistogram(options: CellHistogramOptions): void {
  new CellHistogram(options);
}
