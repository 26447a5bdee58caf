// Opening a store directory: remove temp leftovers, load the snapshot, replay the journal, cut a bad tail, index blobs.
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStoreState, type StoreState } from './create-store-state.js';
import { parseJournal } from './journal-format.js';
import { parseSnapshot, sha256Hex } from './snapshot-format.js';
import { fsyncDirectory, tempPrefix, writeFileDurably } from './write-file-durably.js';

export interface StoreLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RecoveredStore {
  state: StoreState;
  /** Sequence number of the last record applied (from the snapshot or the journal). */
  lastSeq: number;
  /** Size of journal.log after any bad tail was cut. */
  journalBytes: number;
  /** Blobs present and not known to be corrupt. */
  blobs: Set<string>;
  problems: string[];
  /** The recovered state should become a fresh snapshot now (the old one was unusable, or records are missing). */
  needsCompaction: boolean;
}

export const fileNames = { journal: 'journal.log', snapshot: 'snapshot.json', blobs: 'blobs' } as const;

const blobNamePattern = /^[0-9a-f]{64}$/;
const emptySha256 = sha256Hex(new Uint8Array(0));

/**
 * What is lost, by case: a torn journal tail held only an unacknowledged commit; a corrupt record in the middle
 * of the journal loses it and every later commit (their bytes are kept in `journal.corrupt-<time>.log`);
 * a corrupt snapshot loses every key not rewritten by the journal since (the file is kept as
 * `snapshot.corrupt-<time>.json`). None of these makes the open throw; all are reported as problems.
 */
export async function recoverFileStore(dir: string, logger: StoreLogger): Promise<RecoveredStore> {
  const blobsDir = join(dir, fileNames.blobs);
  if ((await mkdir(blobsDir, { recursive: true })) !== undefined) await fsyncDirectory(dir);
  const problems: string[] = [];
  const report = (level: 'warn' | 'error', details: object, message: string): void => {
    problems.push(message);
    logger[level]({ dir, ...details }, message);
  };
  await removeTempFiles(dir);
  await removeTempFiles(blobsDir);

  const state = createStoreState();
  let needsCompaction = false;
  // undefined: the snapshot was unusable, so which sequence number the journal should start after is unknown.
  let afterSeq: number | undefined = 0;
  const snapshotBytes = await readIfExists(join(dir, fileNames.snapshot));
  if (snapshotBytes) {
    const snapshot = parseSnapshot(snapshotBytes);
    if (typeof snapshot === 'string') {
      const keptAs = `snapshot.corrupt-${fileTime()}.json`;
      await rename(join(dir, fileNames.snapshot), join(dir, keptAs));
      await fsyncDirectory(dir);
      report('error', { reason: snapshot, keptAs }, `${fileNames.snapshot} is unusable (${snapshot}): records not rewritten by the journal since the last compaction are lost; the file was kept as ${keptAs}`);
      afterSeq = undefined;
      needsCompaction = true;
    } else {
      state.apply(snapshot.ops);
      afterSeq = snapshot.seq;
    }
  }

  const journalPath = join(dir, fileNames.journal);
  const journalBytes = (await readIfExists(journalPath)) ?? Buffer.alloc(0);
  const journal = parseJournal(journalBytes, afterSeq);
  for (const record of journal.records) state.apply(record.ops);
  if (journal.gap) {
    report('error', journal.gap, `${fileNames.journal} starts at sequence ${journal.gap.foundSeq} but ${journal.gap.expectedSeq} was expected: the commits in between are lost`);
    needsCompaction = true;
  }
  if (journal.stop) {
    const { offset, reason, torn } = journal.stop;
    const dropped = journalBytes.length - offset;
    if (torn) {
      report('warn', { offset, reason, droppedBytes: dropped }, `${fileNames.journal}: dropped a torn tail of ${dropped} bytes at offset ${offset} (${reason}); it held a commit that was never acknowledged`);
    } else {
      const keptAs = `journal.corrupt-${fileTime()}.log`;
      await writeFileDurably(join(dir, keptAs), journalBytes.subarray(offset), 'recovery', () => undefined);
      report('error', { offset, reason, droppedBytes: dropped, keptAs }, `${fileNames.journal}: corrupt record at offset ${offset} (${reason}); it and every later commit are lost; the ${dropped} bytes from there were kept as ${keptAs}`);
      needsCompaction = true;
    }
    await truncateDurably(journalPath, offset);
  }
  if (journalBytes.length === 0 && !(await exists(journalPath))) {
    await writeFile(journalPath, '');
    await fsyncDirectory(dir);
  }

  const lastSeq = journal.records.at(-1)?.seq ?? afterSeq ?? 0;
  const blobs = await indexBlobs(blobsDir, (name, message) => report('warn', { blob: name }, message));
  return { state, lastSeq, journalBytes: journal.validBytes, blobs, problems, needsCompaction };
}

async function indexBlobs(blobsDir: string, onProblem: (name: string, message: string) => void): Promise<Set<string>> {
  const blobs = new Set<string>();
  for (const entry of await readdir(blobsDir, { withFileTypes: true })) {
    if (!entry.isFile() || !blobNamePattern.test(entry.name)) {
      onProblem(entry.name, `${fileNames.blobs}/${entry.name} is not a blob and was ignored`);
      continue;
    }
    // Full hashing is left to getBlob; an empty file is the one corruption visible for free.
    if (entry.name !== emptySha256 && (await stat(join(blobsDir, entry.name))).size === 0) {
      onProblem(entry.name, `blob ${entry.name} is empty (corrupt); storing the same bytes again repairs it`);
      continue;
    }
    blobs.add(entry.name);
  }
  return blobs;
}

async function removeTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith(tempPrefix)) await unlink(join(dir, name)).catch(() => undefined);
  }
}

async function truncateDurably(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function fileTime(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

