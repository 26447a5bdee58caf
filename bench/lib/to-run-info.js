// What a benchmark summary says about the machine and the moment it ran on.
import os from 'node:os';

export function toRunInfo() {
  return {
    startedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    platform: `${process.platform}-${process.arch}`,
    // Other work on the machine skews every figure; this says whether there was any when the run began.
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}
