// Temporary store directories for tests, removed after each test.
import { afterEach } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Registers cleanup in the calling test file and returns a factory of fresh directories. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-store-'));
    dirs.push(dir);
    return dir;
  };
}

/** Names starting with `.tmp-` in the store directory and its blobs folder. */
export async function listTempFiles(dir: string): Promise<string[]> {
  const top = await readdir(dir);
  const blobs = await readdir(join(dir, 'blobs')).catch(() => []);
  return [...top, ...blobs].filter((name) => name.startsWith('.tmp-'));
}
