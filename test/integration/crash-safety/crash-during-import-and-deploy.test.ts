// kill -9 of a real gateway at every store failpoint and at random moments while it imports and deploys (reliability-security §2, plan 15-17).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleTestChild } from '../../helpers/bundle-test-child.js';
import { checkRecoveredGateway } from './fixtures/check-recovered-gateway.js';
import { applyAck, createCrashModel, type CrashModel } from './fixtures/crash-model.js';
import { createRandom, type CrashBegin } from './fixtures/crash-workload.js';
import { runCrashChild, type CrashRound } from './fixtures/run-crash-child.js';

/** Every failpoint of createFileStore, with how many calls of it a child reliably reaches before its workload ends. */
const failpoints: ReadonlyArray<{ name: string; maxHit: number }> = [
  { name: 'blob:after-temp-write', maxHit: 5 },
  { name: 'blob:after-fsync', maxHit: 5 },
  { name: 'blob:after-rename', maxHit: 5 },
  { name: 'journal:before-append', maxHit: 10 },
  { name: 'journal:after-append', maxHit: 10 },
  { name: 'journal:after-fsync', maxHit: 10 },
  { name: 'snapshot:after-temp-write', maxHit: 3 },
  { name: 'snapshot:after-fsync', maxHit: 3 },
  { name: 'snapshot:after-rename', maxHit: 3 },
  { name: 'journal:after-truncate', maxHit: 3 },
];
const roundsPerFailpoint = 3;
const killRounds = 12;
const delayWindowRounds = 8;
/** A child spends most of its life starting up (about 0.7 s of CPU) and fsyncing: four at a time keep two cores busy. */
const workers = 4;
/** A data directory lives this many rounds (so numbering and deployments carry across crashes), then a fresh one starts. */
const roundsPerDataDir = 6;
const compactAfterBytes = 4096;

let workDir: string;
let childPath: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'baton-crash-safety-'));
  const root = join(import.meta.dirname, '../../..');
  // The bundle runs from the temp folder; its few runtime require()s (jszip internals, xpath) resolve through this link.
  await symlink(join(root, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  // Node 20 cannot run TypeScript: the child is bundled once, dependencies included, which also halves its start-up time.
  childPath = await bundleTestChild({
    entry: join(import.meta.dirname, 'fixtures/crash-gateway-child.ts'), outDir: join(workDir, 'bin'), fileName: 'crash-gateway-child.mjs', bundleDependencies: true,
  });
}, 60_000);

afterAll(async () => {
  if (!workDir) return;
  await unlink(join(workDir, 'node_modules')).catch(() => undefined);
  await rm(workDir, { recursive: true, force: true });
});

/** The rounds of each worker, all derived from `seed`: the same seed replays the same workloads, failpoints and kill points. */
function toPlan(seed: number): CrashRound[][] {
  const random = createRandom(seed);
  const roundSeed = (): number => random.int(1, 2 ** 31 - 2);
  const rounds: CrashRound[] = [];
  for (const { name, maxHit } of failpoints) {
    for (let n = 0; n < roundsPerFailpoint; n++) {
      const crashAfter = random.int(1, maxHit);
      rounds.push({ label: `${name} call ${crashAfter}`, seed: roundSeed(), ops: 40, compactAfterBytes, crashAt: name, crashAfter });
    }
  }
  for (let n = 0; n < killRounds; n++) {
    const begin = random.int(0, 12);
    const killDelayMs = random.int(0, 40);
    const killAfter = begin === 0 ? { line: 'ready' as const } : { line: 'begin' as const, n: begin };
    rounds.push({ label: `kill -9 ${killDelayMs} ms after ${begin === 0 ? 'start-up' : `operation ${begin} began`}`, seed: roundSeed(), ops: 14, compactAfterBytes, killAfter, killDelayMs });
  }
  for (let n = 0; n < delayWindowRounds; n++) {
    // Well inside the 0.4-1 s delay: the replaced revision's undeploy is still pending when the process dies.
    const killDelayMs = random.int(0, 100);
    rounds.push({
      label: `kill -9 ${killDelayMs} ms into a deploy's delay window`, seed: roundSeed(), ops: 14, compactAfterBytes,
      prologue: 'delayed-deploy', killAfter: { line: 'delayed-deploy' }, killDelayMs,
    });
  }
  for (let i = rounds.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [rounds[i], rounds[j]] = [rounds[j]!, rounds[i]!];
  }
  return Array.from({ length: workers }, (_, w) =>
    rounds.filter((_, i) => i % workers === w).map((r, i) => ({ ...r, label: `worker ${w} round ${i} [${r.label}, child seed ${r.seed}]` })));
}

interface Totals {
  rounds: number;
  failpointHits: Map<string, number>;
  parentKills: number;
  finished: number;
  acks: number;
  revisionsVerified: number;
  tornTails: number;
  delayWindows: number;
  cutOffApplied: number;
  cutOffAbsent: number;
  childMs: number;
  checkMs: number;
}

async function playRound(dataDir: string, model: CrashModel, round: CrashRound, totals: Totals): Promise<string[]> {
  const childStartedAt = performance.now();
  const run = await runCrashChild(childPath, dataDir, round);
  const checkStartedAt = performance.now();
  totals.childMs += checkStartedAt - childStartedAt;
  const violations: string[] = [];
  const crashed = run.signal === 'SIGKILL';
  if (run.hung) violations.push('the child neither crashed nor finished');
  else if (!crashed && run.code !== 0) violations.push(`the child failed (exit ${run.code ?? run.signal}): ${run.stderr.slice(-2000)}`);
  for (const line of run.badLines) violations.push(`unexpected child output: ${line}`);
  if (crashed && !run.killedByParent && !run.hung && round.crashAt) totals.failpointHits.set(round.crashAt, (totals.failpointHits.get(round.crashAt) ?? 0) + 1);
  if (run.killedByParent) totals.parentKills++;
  if (!crashed) totals.finished++;

  let inFlight: CrashBegin | undefined;
  let windowOpenUntil = 0;
  for (const [index, line] of run.lines.entries()) {
    if ('begin' in line) {
      if (inFlight) violations.push(`operation ${line.begin} of ${line.api} began while ${inFlight.begin} of ${inFlight.api} was unacknowledged`);
      inFlight = line;
    } else if ('ack' in line) {
      if (line.ack === 'deploy' && line.replaced.length > 0 && inFlight?.begin === 'deploy') {
        windowOpenUntil = Math.max(windowOpenUntil, run.lineTimes[index]! + inFlight.delaySeconds * 1000);
      }
      violations.push(...applyAck(model, line));
      totals.acks++;
      inFlight = undefined;
    }
  }
  const check = await checkRecoveredGateway(dataDir, model, inFlight);
  violations.push(...check.violations);
  totals.checkMs += performance.now() - checkStartedAt;
  totals.rounds++;
  totals.revisionsVerified += check.revisionsVerified;
  if (check.tornTail) totals.tornTails++;
  // By this process's clock, which runs behind the child's: a conservative count.
  if (crashed && windowOpenUntil > run.endedAt) totals.delayWindows++;
  if (inFlight) {
    if (check.inFlightApplied) totals.cutOffApplied++;
    else totals.cutOffAbsent++;
  }
  return violations;
}

describe('crash safety of imports and deploys', () => {
  it('keeps every acknowledged import and deploy, and nothing partial, across kill -9 at failpoints and random moments', async () => {
    const seed = Number(process.env.CRASH_SAFETY_SEED ?? Date.now() % 1_000_000_000);
    const startedAt = performance.now();
    const totals: Totals = {
      rounds: 0, failpointHits: new Map(), parentKills: 0, finished: 0, acks: 0,
      revisionsVerified: 0, tornTails: 0, delayWindows: 0, cutOffApplied: 0, cutOffAbsent: 0, childMs: 0, checkMs: 0,
    };
    const violations: string[] = [];
    await Promise.all(toPlan(seed).map(async (rounds, worker) => {
      let dataDir = '';
      let model = createCrashModel();
      for (const [index, round] of rounds.entries()) {
        if (index % roundsPerDataDir === 0) {
          dataDir = join(workDir, `data-${worker}-${index}`);
          await mkdir(dataDir);
          model = createCrashModel();
        }
        const found = await playRound(dataDir, model, round, totals);
        violations.push(...found.map((v) => `${round.label}: ${v}`));
      }
    }));

    const hits = failpoints.map(({ name }) => `${name}×${totals.failpointHits.get(name) ?? 0}`).join(' ');
    console.log(`crash-safety: ${totals.rounds} rounds in ${((performance.now() - startedAt) / 1000).toFixed(1)} s (seed ${seed}); `
      + `failpoints hit: ${hits}; ${totals.parentKills} random kill -9, ${totals.finished} ran to the end; ${totals.acks} acks checked, `
      + `${totals.revisionsVerified} revision blobs verified; ${totals.delayWindows} kills inside a delay window, ${totals.tornTails} torn journal tails; `
      + `cut-off operations: ${totals.cutOffApplied} wholly applied, ${totals.cutOffAbsent} wholly absent; `
      + `per round: child ${(totals.childMs / totals.rounds).toFixed(0)} ms, restart and checks ${(totals.checkMs / totals.rounds).toFixed(0)} ms`);
    expect(violations, `replay with CRASH_SAFETY_SEED=${seed}`).toEqual([]);
    expect(totals.rounds).toBe(failpoints.length * roundsPerFailpoint + killRounds + delayWindowRounds);
    for (const { name } of failpoints) expect(totals.failpointHits.get(name) ?? 0, `${name} (seed ${seed})`).toBeGreaterThanOrEqual(2);
    expect(totals.delayWindows, `kills inside a delay window (seed ${seed})`).toBeGreaterThan(0);
  }, 180_000);
});
