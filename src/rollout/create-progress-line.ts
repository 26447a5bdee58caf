// A one-line progress display for a terminal (phase, elapsed, req/s, errors so far), redrawn in place.
import type { RolloutPhase } from './rollout-timeline.js';

export interface ProgressState {
  readonly phase: RolloutPhase;
  readonly elapsedMs: number;
  /** The planned run (before + delay + after), for the bar; the deploy call's own time comes on top. */
  readonly plannedMs: number;
  readonly requests: number;
  readonly errors: number;
}

export interface ProgressLine {
  update(state: ProgressState): void;
  /** Erases the line. */
  close(): void;
}

const barWidth = 20;
// Carriage return, then erase to the end of the line (ECMA-48 EL).
const clearLine = '\r\x1b[K';

export function createProgressLine(write: (text: string) => void): ProgressLine {
  let last: { elapsedMs: number; requests: number } | undefined;
  let rate = 0;
  let drawn = false;
  return {
    update(state) {
      if (last && state.elapsedMs > last.elapsedMs) rate = Math.round(((state.requests - last.requests) * 1000) / (state.elapsedMs - last.elapsedMs));
      last = { elapsedMs: state.elapsedMs, requests: state.requests };
      const filled = state.plannedMs > 0 ? Math.min(barWidth, Math.round((state.elapsedMs / state.plannedMs) * barWidth)) : barWidth;
      const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
      write(`${clearLine}rollout ${bar} ${state.phase.padEnd(6)} ${(state.elapsedMs / 1000).toFixed(1)} s  ${rate} req/s  errors ${state.errors}`);
      drawn = true;
    },
    close() {
      if (drawn) write(clearLine);
      drawn = false;
    },
  };
}
