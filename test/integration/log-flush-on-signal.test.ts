// Log lines batched by the log destination are written out when the process dies of SIGTERM or SIGINT.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleTestChild } from '../helpers/bundle-test-child.js';

const root = join(import.meta.dirname, '../..');
let workDir: string;
let childPath: string;

beforeAll(async () => {
  // Node 20 cannot run TypeScript: the child is bundled with vite, inside node_modules so pino resolves from there.
  workDir = await mkdtemp(join(root, 'node_modules', '.baton-log-flush-'));
  childPath = await bundleTestChild({ entry: join(import.meta.dirname, 'fixtures/log-until-signal.ts'), outDir: workDir, fileName: 'log-until-signal.mjs' });
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Starts the child, signals it once it has logged, and resolves with how it ended and what its log file holds. */
function logThenSignal(signal: NodeJS.Signals, logFile: string): Promise<{ signal: NodeJS.Signals | null, log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childPath, logFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('ready')) child.kill(signal);
    });
    child.once('error', reject);
    child.once('exit', (_code, exitSignal) => {
      readFile(logFile, 'utf8').then((log) => resolve({ signal: exitSignal, log }), (err: unknown) => reject(new Error(`${String(err)}\n${stderr}`)));
    });
  });
}

describe('log lines on a signal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('writes out the batch and still dies of %s', async (signal) => {
    const logFile = join(workDir, `${signal}.log`);
    const { signal: endedBy, log } = await logThenSignal(signal, logFile);
    expect(endedBy).toBe(signal);
    expect(log).toContain('"marker":"batched-before-signal"');
  });
});
