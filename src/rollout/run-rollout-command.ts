// `baton rollout`: arguments in, report out (table or JSON on stdout, progress on a terminal's stderr), exit code back.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createProgressLine } from './create-progress-line.js';
import { parseRolloutOptions, RolloutUsageError } from './parse-rollout-options.js';
import { defaultRolloutDeps, RolloutAbortError, runRollout, type RolloutDeps } from './run-rollout.js';
import { toRolloutTable } from './to-rollout-table.js';
import { rolloutUsage } from './rollout-usage.js';

/** The CLI's writers and environment (structurally the CliIo of cli.ts). */
export interface RolloutIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface RolloutCommandDeps {
  readonly rollout: RolloutDeps;
  isStderrTerminal(): boolean;
}

export const defaultRolloutCommandDeps: RolloutCommandDeps = {
  rollout: defaultRolloutDeps,
  isStderrTerminal: () => process.stderr.isTTY === true,
};

const maxBodyBytes = 1024 * 1024;

/** A --body file, refused past 1 MiB: it is held in memory and sent on every request. */
async function readBodyFile(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const stats = await file.stat();
    const { size } = stats;
    if (!stats.isFile()) throw new RolloutAbortError(`--body ${path}: not a file`);
    if (size > maxBodyBytes) throw new RolloutAbortError(`--body ${path}: ${size} bytes, more than the ${maxBodyBytes} allowed`);
    return await file.readFile();
  } finally {
    await file.close();
  }
}

export async function runRolloutCommand(args: readonly string[], io: RolloutIo, deps: RolloutCommandDeps = defaultRolloutCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseRolloutOptions(args, io.env);
  } catch (err) {
    if (!(err instanceof RolloutUsageError)) throw err;
    io.stderr(`${err.problems.map((p) => `baton rollout: ${p}\n`).join('')}\n${rolloutUsage}`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(rolloutUsage);
    return 0;
  }
  const { options } = parsed;
  const progress = deps.isStderrTerminal() ? createProgressLine((text) => io.stderr(text)) : undefined;
  try {
    const body = options.bodyPath === undefined ? undefined : await readBodyFile(resolve(io.cwd, options.bodyPath));
    const report = await runRollout({ options, body, ...(progress ? { onProgress: (state) => progress.update(state) } : {}) }, deps.rollout);
    progress?.close();
    if (options.json) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      for (const failure of report.failures) io.stderr(`baton rollout: ${failure}\n`);
    } else {
      io.stdout(toRolloutTable(report));
    }
    return report.exitCode;
  } catch (err) {
    progress?.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof RolloutAbortError || code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.stderr(`baton rollout: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
