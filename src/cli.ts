#!/usr/bin/env node
// The `baton` command: serve, bundle validate, bundle pack, rollout. Commands take their I/O as arguments and return exit codes.
import { realpathSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParseBundleOptions, ParsedBundle } from './bundle/parse-bundle.js';
import type { BundleFiles } from './bundle/read-bundle-zip.js';
import { loadConfig, type BatonConfig } from './config.js';
import { BundleError, ConfigError } from './errors.js';
import type { ServeOptions } from './main.js';
import type { PolicyRegistry } from './policies/policy-registry.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The bundle modules the bundle commands use; injected so tests can substitute them. */
export interface BundleTools {
  readBundleDir(dir: string): Promise<BundleFiles>;
  readBundleZip(bytes: Uint8Array): Promise<BundleFiles>;
  parseBundle(files: BundleFiles, options: ParseBundleOptions): ParsedBundle;
  packBundleDir(dir: string): Promise<Uint8Array>;
  createDefaultPolicyRegistry(): PolicyRegistry;
}

export interface CliDeps {
  runServe(config: BatonConfig, options: ServeOptions): Promise<void>;
  loadBundleTools(): Promise<BundleTools>;
}

// Loaded on demand: `baton --help` should not pay for the gateway or every policy type.
export const defaultCliDeps: CliDeps = {
  async runServe(config, options) {
    const { runServe } = await import('./main.js');
    await runServe(config, options);
  },
  async loadBundleTools() {
    const [dir, zip, parse, pack, registry] = await Promise.all([
      import('./bundle/read-bundle-dir.js'),
      import('./bundle/read-bundle-zip.js'),
      import('./bundle/parse-bundle.js'),
      import('./bundle/pack-bundle-dir.js'),
      import('./policies/default-policy-registry.js'),
    ]);
    return {
      readBundleDir: (path) => dir.readBundleDir(path),
      readBundleZip: (bytes) => zip.readBundleZip(bytes),
      parseBundle: parse.parseBundle,
      packBundleDir: pack.packBundleDir,
      createDefaultPolicyRegistry: registry.createDefaultPolicyRegistry,
    };
  },
};

const usage = `Usage:
  baton serve [--config <file>] [--data-dir <dir>] [--workers <n>]
                                                      run the gateway (admin API and data plane); --workers 2+
                                                      runs the data plane in n processes sharing the listeners
  baton bundle validate <dir|zip> [--name <api>]      check an API proxy bundle; exit 1 on any problem
  baton bundle pack <dir> -o <zip>                    zip a bundle folder for import
  baton rollout --management <url> --org <org> --env <env> --api <api> --revision <n> --target <url> [options]
                                                      deploy a revision under load and report errors by phase;
                                                      exit 1 on any 5xx, transport error or leftover revision
                                                      (every option: baton rollout --help)
  baton --help | --version

Environment: BATON_CONFIG, BATON_DATA_DIR, BATON_ADMIN_HOST, BATON_ADMIN_PORT, BATON_ADMIN_USER,
BATON_ADMIN_PASSWORD, BATON_DATAPLANE_HOST, BATON_REVISION_HEADER, BATON_LOG_LEVEL.
rollout: BATON_ROLLOUT_PASSWORD, BATON_ROLLOUT_TOKEN (so secrets need not be in argv).
`;

/** A command-line mistake: reported with the usage text and exit code 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = defaultCliDeps): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(usage);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${await readVersion()}\n`);
      return 0;
    }
    if (command === 'serve') return await runServeCommand(rest, io, deps);
    if (command === 'rollout') {
      // Loaded on demand, like the gateway: autocannon and undici only when a rollout runs.
      const { runRolloutCommand } = await import('./rollout/run-rollout-command.js');
      return await runRolloutCommand(rest, io);
    }
    if (command === 'bundle') {
      const [subcommand, ...args] = rest;
      if (subcommand === 'validate') return await runBundleValidate(args, io, deps);
      if (subcommand === 'pack') return await runBundlePack(args, io, deps);
      throw new UsageError(subcommand === undefined ? 'missing bundle subcommand' : `unknown bundle subcommand: ${subcommand}`);
    }
    throw new UsageError(command === undefined ? 'missing command' : `unknown command: ${command}`);
  } catch (err) {
    return reportError(err, io);
  }
}

export async function runServeCommand(args: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values } = parseCommandArgs(args, { config: { type: 'string' }, 'data-dir': { type: 'string' }, workers: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 0);
  if (values.help) return printUsage(io);
  const workers = toWorkerCount(values.workers);
  // --data-dir wins over BATON_DATA_DIR and the file: passing it as the variable keeps one validated path.
  const env = typeof values['data-dir'] === 'string' ? { ...io.env, BATON_DATA_DIR: values['data-dir'] } : io.env;
  const config = await loadConfig({ ...(typeof values.config === 'string' ? { configPath: values.config } : {}), env, cwd: io.cwd });
  await deps.runServe(config, { workers });
  return 0;
}

const maxWorkers = 64;

/** `--workers`: an integer 1-64, default 1. */
function toWorkerCount(raw: string | boolean | undefined): number {
  if (raw === undefined) return 1;
  const count = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > maxWorkers) throw new UsageError(`--workers: expected an integer 1-${maxWorkers}, got "${String(raw)}"`);
  return count;
}

export async function runBundleValidate(args: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 1);
  if (values.help) return printUsage(io);
  const path = resolve(io.cwd, positionals[0]!);
  const tools = await deps.loadBundleTools();
  const isDir = (await stat(path)).isDirectory();
  const files = isDir ? await tools.readBundleDir(path) : await tools.readBundleZip(await readFile(path));
  const apiName = typeof values.name === 'string' ? values.name : toApiName(path, isDir);
  const { bundle, problems } = tools.parseBundle(files, { registry: tools.createDefaultPolicyRegistry(), apiName });
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(`${problem.file}: ${problem.message}\n`);
    return 1;
  }
  io.stdout(
    `${positionals[0]}: valid bundle ${apiName} (${bundle.proxyEndpoints.length} proxy endpoints, ` +
      `${bundle.targetEndpoints.length} target endpoints, ${bundle.policies.length} policies)\n`,
  );
  return 0;
}

export async function runBundlePack(args: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, 1);
  if (values.help) return printUsage(io);
  if (typeof values.output !== 'string') throw new UsageError('bundle pack needs -o <zip>');
  const tools = await deps.loadBundleTools();
  const zip = await tools.packBundleDir(resolve(io.cwd, positionals[0]!));
  await writeFile(resolve(io.cwd, values.output), zip);
  io.stdout(`wrote ${values.output} (${zip.byteLength} bytes)\n`);
  return 0;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** parseArgs in strict mode, with exactly `positionalCount` positionals unless --help is given. */
function parseCommandArgs(args: readonly string[], options: OptionSpec, positionalCount: number) {
  const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  if (parsed.values.help !== true && parsed.positionals.length !== positionalCount) {
    throw new UsageError(`expected ${positionalCount} argument${positionalCount === 1 ? '' : 's'}, got ${parsed.positionals.length}`);
  }
  return parsed;
}

/** The import name a bundle would get: its folder (`hello/` or `hello/apiproxy/`) or zip file name. */
function toApiName(path: string, isDir: boolean): string {
  if (!isDir) return basename(path, extname(path));
  return basename(path) === 'apiproxy' ? basename(dirname(path)) : basename(path);
}

function printUsage(io: CliIo): number {
  io.stdout(usage);
  return 0;
}

function reportError(err: unknown, io: CliIo): number {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
    io.stderr(`baton: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if (err instanceof BundleError) {
    for (const problem of err.problems) io.stderr(`${problem.file}: ${problem.message}\n`);
    return 1;
  }
  if (err instanceof ConfigError) {
    io.stderr(`baton: ${err.message}\n`);
    return 1;
  }
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    io.stderr(`baton: ${(err as Error).message}\n`);
    return 1;
  }
  io.stderr(`baton: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

async function readVersion(): Promise<string> {
  // src/cli.ts and dist/cli.js both sit one level below package.json.
  const manifest: unknown = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/** True when this file is the process entry point (`node dist/cli.js`, or the npm `baton` bin symlink). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
  // exitCode, not exit(): `serve` returns once listening, and the servers keep the process alive.
  process.exitCode = await runCli(process.argv.slice(2), io);
}
