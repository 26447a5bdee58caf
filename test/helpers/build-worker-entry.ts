// Bundles the data-plane worker entry (src/cluster/worker-main.ts) so cluster can fork it: Node 20 cannot run TypeScript.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleTestChild } from './bundle-test-child.js';
import type { WorkerOptions } from '../../src/gateway.js';

const root = join(import.meta.dirname, '../..');

export interface BuiltWorkerEntry {
  /** What startGateway's `workers` option needs besides the count. */
  readonly options: (count: number) => WorkerOptions;
  close(): Promise<void>;
}

export async function buildWorkerEntry(): Promise<BuiltWorkerEntry> {
  // Inside node_modules: the bundle keeps its dependencies external, and they resolve from there.
  const outDir = await mkdtemp(join(root, 'node_modules', '.baton-worker-'));
  const exec = await bundleTestChild({ entry: join(root, 'src/cluster/worker-main.ts'), outDir, fileName: 'worker-main.mjs' });
  return {
    options: (count) => ({ count, exec, execArgv: ['--disable-proto=throw'] }),
    close: () => rm(outDir, { recursive: true, force: true }),
  };
}
