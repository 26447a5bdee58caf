// kill -9 at every failpoint and at random moments: acknowledged commits survive, none is partial, no temp files remain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../../src/store/create-file-store.js';
import { bundleTestChild } from '../../helpers/bundle-test-child.js';
import { listTempFiles } from '../../unit/store/temp-store-dir.js';
import { commitCount, isDeleted, toBlobBytes, toItem, toKey } from './fixtures/crash-workload.js';

const failpoints: Array<{ name: string; maxHit: number }> = [
  { name: 'blob:after-temp-write', maxHit: 90 },
  { name: 'blob:after-fsync', maxHit: 90 },
  { name: 'blob:after-rename', maxHit: 90 },
  { name: 'journal:before-append', maxHit: 70 },
  { name: 'journal:after-append', maxHit: 70 },
  { name: 'journal:after-fsync', maxHit: 70 },
  { name: 'snapshot:after-temp-write', maxHit: 10 },
  { name: 'snapshot:after-fsync', maxHit: 10 },
  { name: 'snapshot:after-rename', maxHit: 10 },
  { name: 'journal:after-truncate', maxHit: 10 },
];
const concurrency = 4;

interface Round {
  label: string;
  args: string[];
  /** Kill after this many acks instead of at a failpoint. */
  killAfterAcks?: number;
}

interface RoundResult {
  acked: number[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

let workDir: string;
let writerPath: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'baton-crash-'));
  // Node 20 cannot run TypeScript, so the child script is bundled once with vite (vitest's own build tool).
  writerPath = await bundleTestChild({ entry: join(import.meta.dirname, 'fixtures/crash-writer.ts'), outDir: join(workDir, 'bin'), fileName: 'crash-writer.mjs' });
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function runWriter(dir: string, round: Round): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerPath, dir, ...round.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let stderr = '';
    let pendingText = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pendingText + chunk).split('\n');
      pendingText = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      if (round.killAfterAcks !== undefined && acked.length >= round.killAfterAcks) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ acked, code, signal, stderr }));
  });
}

async function verifyRound(round: Round): Promise<void> {
  const dir = await mkdtemp(join(workDir, 'store-'));
  const result = await runWriter(dir, round);
  const context = `${round.label}: exit ${result.code ?? result.signal}, ${result.acked.length} acked, stderr ${result.stderr.slice(0, 500)}`;
  expect(result.signal === 'SIGKILL' || result.code === 0, context).toBe(true);

  const store = await createFileStore(dir);
  const applied = store.get<{ i: number }>('meta', 'counter')?.i ?? 0;
  // Commits are called in order and journalled in order, so what survives is exactly commits 1..applied.
  expect(applied, context).toBeGreaterThanOrEqual(Math.max(0, ...result.acked));
  const expectedKeys: string[] = [];
  for (let i = 1; i <= commitCount; i++) {
    const item = store.get<{ blob: string }>('items', toKey(i));
    const pair = store.get('pairs', toKey(i));
    if (i > applied || isDeleted(i, applied)) {
      expect(item, `${context}: item ${i}`).toBeUndefined();
      expect(pair, `${context}: pair ${i}`).toBeUndefined();
      continue;
    }
    expectedKeys.push(toKey(i));
    const blobBytes = toBlobBytes(i);
    const blob = createHash('sha256').update(blobBytes).digest('hex');
    expect(item, `${context}: item ${i}`).toEqual(toItem(i, blob));
    expect(pair, `${context}: pair ${i}`).toEqual({ i });
    expect(store.hasBlob(blob), `${context}: blob of ${i}`).toBe(true);
    expect(Buffer.compare(Buffer.from(await store.getBlob(blob)), blobBytes), `${context}: blob bytes of ${i}`).toBe(0);
  }
  expect(store.list('items').map((r) => r.key), context).toEqual(expectedKeys);
  expect(store.list('pairs').map((r) => r.key), context).toEqual(expectedKeys);
  expect(await listTempFiles(dir), context).toEqual([]);
  const problems = store.health().problems;
  expect(problems.filter((p) => !/torn tail/.test(p)), context).toEqual([]);

  // Recovery leaves a writable store whose next open is clean.
  await store.commit([{ collection: 'meta', key: 'after-recovery', value: { applied } }]);
  await store.close();
  const reopened = await createFileStore(dir);
  expect(reopened.get('meta', 'after-recovery'), context).toEqual({ applied });
  expect(reopened.health(), context).toEqual({ ok: true, problems: [] });
  await reopened.close();
  await rm(dir, { recursive: true, force: true });
}

function toRounds(seed: number): Round[] {
  let x = seed >>> 0;
  const random = (max: number): number => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return 1 + (x % max);
  };
  const rounds: Round[] = [];
  for (const { name, maxHit } of failpoints) {
    for (let n = 0; n < 2; n++) {
      const hit = random(maxHit);
      rounds.push({ label: `${name} hit ${hit} (seed ${seed})`, args: [name, String(hit)] });
    }
  }
  for (let n = 0; n < 10; n++) {
    const acks = random(commitCount - 10);
    rounds.push({ label: `kill after ${acks} acks (seed ${seed})`, args: [], killAfterAcks: acks });
  }
  return rounds;
}

describe('file store crash recovery', () => {
  it('keeps every acknowledged commit and no partial one after kill -9 at failpoints and random moments', async () => {
    const seed = Number(process.env.STORE_CRASH_SEED ?? Date.now() % 1_000_000);
    const rounds = toRounds(seed);
    const queue = [...rounds];
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let round = queue.shift(); round; round = queue.shift()) {
          await verifyRound(round).catch((err: unknown) => failures.push(err));
        }
      }),
    );
    if (failures.length > 0) throw failures[0];
    expect(rounds).toHaveLength(30);
    // Typically 5–8 s; the margin is for slow CI disks, where every round pays ~150 fsyncs.
  }, 60_000);
});
