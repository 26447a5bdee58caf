// Log lines batched by the log destination are written out however the process ends: SIGTERM, SIGINT, process.exit or an empty event loop.
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

/**
 * Starts the child, signals it once it has logged (unless `signal` is undefined: it then ends by itself as `mode`
 * says), and resolves with how it ended and what its log holds: the file's text, or its stdout for `-`.
 */
function logThenEnd(signal: NodeJS.Signals | undefined, logFile: string, mode = 'signal'): Promise<{ code: number | null, signal: NodeJS.Signals | null, log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childPath, logFile, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (signal && !stdout.includes('ready') && (stdout + text).includes('ready')) child.kill(signal);
      stdout += text;
    });
    child.once('error', reject);
    // 'close', not 'exit': everything the child wrote to the pipe has been read then.
    child.once('close', (code, exitSignal) => {
      if (logFile === '-') {
        resolve({ code, signal: exitSignal, log: stdout });
        return;
      }
      readFile(logFile, 'utf8').then((log) => resolve({ code, signal: exitSignal, log }), (err: unknown) => reject(new Error(`${String(err)}\n${stderr}`)));
    });
  });
}

describe('log lines at the end of the process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('writes out the batch and still dies of %s', async (signal) => {
    const logFile = join(workDir, `${signal}.log`);
    const { signal: endedBy, log } = await logThenEnd(signal, logFile);
    expect(endedBy).toBe(signal);
    expect(log).toContain('"marker":"batched-before-end"');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('writes out the batch to a pipe on stdout and still dies of %s', async (signal) => {
    const { signal: endedBy, log } = await logThenEnd(signal, '-');
    expect(endedBy).toBe(signal);
    expect(log).toContain('"marker":"batched-before-end"');
  });

  it.each(['exit', 'drain'])('writes out the batch when the process ends by itself (%s)', async (mode) => {
    const logFile = join(workDir, `${mode}.log`);
    const { code, log } = await logThenEnd(undefined, logFile, mode);
    expect(code).toBe(0);
    expect(log).toContain('"marker":"batched-before-end"');
  });
});
