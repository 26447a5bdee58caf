// Test helper: a fresh directory under the OS temp dir, removed when the calling test finishes, passed or failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** Creates `<tmpdir>/<prefix>XXXXXX`; call it inside a test (onTestFinished throws elsewhere). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
