// Runs every benchmark (bench/<name>/run.js) in sequence, each in its own process, and prints their JSON together.
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('./', import.meta.url));

/**
 * Every folder with a run.js (today: deploy-scale, leftover, scale, swap-under-load, throughput), or only those named in
 * `BENCHMARKS` (comma-separated), which must exist.
 * @returns {Promise<string[]>} benchmark names, sorted
 */
async function listBenchmarks() {
  /** @type {string[]} */
  const names = [];
  for (const entry of await readdir(benchDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = await stat(`${benchDir}${entry.name}/run.js`).then(() => true, () => false);
    if (found) names.push(entry.name);
  }
  const wanted = (process.env.BENCHMARKS ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = wanted.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`BENCHMARKS: no benchmark named ${unknown.join(', ')} (there are: ${names.sort().join(', ')})`);
  return (wanted.length > 0 ? names.filter((n) => wanted.includes(n)) : names).sort();
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let current;
let interrupted = false;
const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
  interrupted = true;
  // The benchmark stops its own children on this signal; a terminal's Ctrl-C reaches it directly as well.
  current?.kill(signal);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/**
 * Runs one benchmark with an IPC channel, whose loss makes it stop if this process dies.
 * @param {string} name
 * @returns {Promise<{ exitCode: number | null, result: unknown }>}
 */
function runBenchmark(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${benchDir}${name}/run.js`], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    current = child;
    let stdout = '';
    const pipe = /** @type {import('node:stream').Readable} */ (child.stdout);
    pipe.setEncoding('utf8');
    pipe.on('data', (/** @type {string} */ chunk) => {
      stdout += chunk;
    });
    child.once('error', (err) => resolve({ exitCode: null, result: { ok: false, problems: [err.message] } }));
    child.once('close', (exitCode) => {
      current = undefined;
      let result;
      try {
        result = JSON.parse(stdout);
      } catch {
        result = { ok: false, problems: [`no JSON summary on stdout (exit code ${exitCode})`], stdout: stdout.slice(-2_000) };
      }
      resolve({ exitCode, result });
    });
  });
}

/** @type {Record<string, unknown>} */
const results = {};
let ok = true;
/** @type {string[]} */
let names = [];
try {
  names = await listBenchmarks();
} catch (err) {
  process.stderr.write(`run-all: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
for (const name of names) {
  if (interrupted) break;
  process.stderr.write(`run-all: ${name}\n`);
  const { exitCode, result } = await runBenchmark(name);
  results[name] = result;
  if (exitCode !== 0) ok = false;
}
process.stdout.write(`${JSON.stringify({ ok: ok && !interrupted, benchmarks: results }, null, 2)}\n`);
process.exitCode = interrupted ? 130 : ok ? 0 : 1;
