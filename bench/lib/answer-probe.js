// The child side of the measurement questions a benchmark asks its children over IPC: CPU, event-loop delay, memory.
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * @typedef {{ type?: unknown, action?: unknown, resolutionMs?: unknown, gc?: unknown } | null} ProbeMessage
 */

/** @type {import('node:perf_hooks').IntervalHistogram | undefined} */
let eventLoopDelay;
let eventLoopResolutionMs = 1;
/** GC pauses since the last reset: a long block is often one, and that tells it from the code's own work. */
const gcPauses = { count: 0, maxMs: 0, totalMs: 0 };
/** @type {PerformanceObserver | undefined} */
let gcObserver;

/** @param {number} ns */
const toMs = (ns) => Math.round(ns / 1_000) / 1_000;

/**
 * `eventLoopDelay` with `action: 'reset'` starts (or restarts) a monitorEventLoopDelay histogram; `action: 'read'`
 * reports it. The histogram exists only once asked for, so children that are never asked pay nothing.
 * Each sample is the time between two ticks of a timer of `resolutionMs`, so an idle loop reads about
 * `resolutionMs` and a loop blocked for B ms reads about B + resolutionMs: `maxBlockMs` subtracts it.
 * Both answers carry `cpuUsage`, and `read` the GC pauses seen since the reset: a block with little CPU time
 * behind it was the process waiting for a core (a busy machine), not work.
 * @param {ProbeMessage} message
 */
function answerEventLoopDelay(message) {
  if (message?.action === 'reset') {
    const resolutionMs = Number(message.resolutionMs ?? 1);
    if (!eventLoopDelay || resolutionMs !== eventLoopResolutionMs) {
      eventLoopDelay?.disable();
      eventLoopResolutionMs = Number.isInteger(resolutionMs) && resolutionMs > 0 ? resolutionMs : 1;
      eventLoopDelay = monitorEventLoopDelay({ resolution: eventLoopResolutionMs });
      eventLoopDelay.enable();
    }
    if (!gcObserver) {
      gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          gcPauses.count++;
          gcPauses.totalMs += entry.duration;
          gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration);
        }
      });
      gcObserver.observe({ entryTypes: ['gc'] });
    }
    eventLoopDelay.reset();
    Object.assign(gcPauses, { count: 0, maxMs: 0, totalMs: 0 });
    return { type: 'eventLoopDelay', resolutionMs: eventLoopResolutionMs, cpuUsage: process.cpuUsage() };
  }
  const h = eventLoopDelay;
  const gc = { count: gcPauses.count, maxMs: Math.round(gcPauses.maxMs * 1000) / 1000, totalMs: Math.round(gcPauses.totalMs * 1000) / 1000 };
  if (!h || h.count === 0) return { type: 'eventLoopDelay', resolutionMs: eventLoopResolutionMs, samples: 0, maxMs: 0, p99Ms: 0, meanMs: 0, maxBlockMs: 0, gc, cpuUsage: process.cpuUsage() };
  return {
    type: 'eventLoopDelay',
    resolutionMs: eventLoopResolutionMs,
    gc,
    cpuUsage: process.cpuUsage(),
    samples: h.count,
    maxMs: toMs(h.max),
    p99Ms: toMs(h.percentile(99)),
    meanMs: toMs(h.mean),
    maxBlockMs: Math.max(0, toMs(h.max - eventLoopResolutionMs * 1e6)),
  };
}

/**
 * `memoryUsage`, after full garbage collections when `gc: true` and the child runs with `--expose-gc`
 * (two passes: the first can leave objects whose finalizers free more).
 * @param {ProbeMessage} message
 */
function answerMemoryUsage(message) {
  const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
  const collected = message?.gc === true && typeof gc === 'function';
  if (collected) {
    gc();
    gc();
  }
  return { type: 'memoryUsage', collected, usage: process.memoryUsage() };
}

/**
 * The answer to a probe message, or undefined when the message is not one.
 * @param {ProbeMessage} message
 * @returns {Record<string, unknown> | undefined}
 */
export function answerProbe(message) {
  switch (message?.type) {
    case 'cpuUsage': return { type: 'cpuUsage', usage: process.cpuUsage() };
    case 'eventLoopDelay': return answerEventLoopDelay(message);
    case 'memoryUsage': return answerMemoryUsage(message);
    default: return undefined;
  }
}
