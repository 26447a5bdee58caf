import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packBundleDir } from '../../../src/bundle/pack-bundle-dir.js';
import { readBundleDir } from '../../../src/bundle/read-bundle-dir.js';
import { readBundleZip } from '../../../src/bundle/read-bundle-zip.js';
import { BundleError } from '../../../src/errors.js';
import { packBundle } from '../../helpers/pack-bundle.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-bundle-dir-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeTree(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

async function refusal(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

const hello = {
  'apiproxy/hello.xml': '<APIProxy name="hello"/>',
  'apiproxy/proxies/default.xml': '<ProxyEndpoint name="default"/>',
  'apiproxy/resources/jsc/lib/a.js': 'var a;',
  'README.md': 'not part of the bundle',
};

describe('readBundleDir', () => {
  it('reads the apiproxy folder of a bundle folder, or the apiproxy folder itself', async () => {
    await writeTree(hello);
    const expected = ['hello.xml', 'proxies/default.xml', 'resources/jsc/lib/a.js'];
    expect([...(await readBundleDir(root)).keys()].sort()).toEqual(expected);
    const files = await readBundleDir(join(root, 'apiproxy'));
    expect([...files.keys()].sort()).toEqual(expected);
    expect(new TextDecoder().decode(files.get('resources/jsc/lib/a.js'))).toBe('var a;');
  });

  it('refuses a folder with no apiproxy folder', async () => {
    const error = await refusal(readBundleDir(root));
    expect(error.status).toBe(400);
  });

  it('refuses a symlink to a file outside the bundle, naming it', async () => {
    await writeTree(hello);
    await symlink('/etc/passwd', join(root, 'apiproxy/resources/jsc/passwd.js'));
    const error = await refusal(readBundleDir(root));
    expect(error.status).toBe(400);
    expect(error.problems).toEqual([{ file: 'apiproxy/resources/jsc/passwd.js', message: expect.stringContaining('symbolic link') }]);
  });

  it('refuses a symlinked folder', async () => {
    await writeTree(hello);
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'elsewhere'), join(root, 'apiproxy/policies'));
    const error = await refusal(readBundleDir(root));
    expect(error.problems[0]!.file).toBe('apiproxy/policies');
  });

  it('refuses a symlinked apiproxy folder', async () => {
    await mkdir(join(root, 'real'));
    await symlink(join(root, 'real'), join(root, 'apiproxy'));
    const error = await refusal(readBundleDir(root));
    expect(error.problems[0]!.file).toBe('apiproxy');
  });

  it('refuses names that differ only by case and reserved names', async () => {
    await writeTree({ ...hello, 'apiproxy/policies/A.xml': '1', 'apiproxy/policies/a.xml': '2', 'apiproxy/resources/jsc/__proto__': '{}' });
    const error = await refusal(readBundleDir(root));
    expect(error.problems.map((p) => p.file).sort()).toEqual(['apiproxy/policies/a.xml', 'apiproxy/resources/jsc/__proto__']);
  });

  it('applies the size limits with 413', async () => {
    await writeTree({ ...hello, 'apiproxy/resources/jsc/big.js': 'x'.repeat(2000) });
    const perFile = await refusal(readBundleDir(root, { maxEntryBytes: 1000 }));
    expect(perFile.status).toBe(413);
    expect(perFile.problems[0]!.file).toBe('apiproxy/resources/jsc/big.js');
    const total = await refusal(readBundleDir(root, { maxTotalBytes: 1500 }));
    expect(total.status).toBe(413);
    const entries = await refusal(readBundleDir(root, { maxEntries: 3 }));
    expect(entries.status).toBe(413);
  });
});

describe('packBundleDir', () => {
  it('zips the apiproxy folder deterministically, and the zip reads back to the same files', async () => {
    await writeTree(hello);
    const first = await packBundleDir(root);
    const second = await packBundleDir(join(root, 'apiproxy'));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const files = await readBundleZip(first);
    expect([...files.keys()].sort()).toEqual(['hello.xml', 'proxies/default.xml', 'resources/jsc/lib/a.js']);
  });

  it('refuses what import would refuse', async () => {
    await writeTree(hello);
    await symlink('/etc/passwd', join(root, 'apiproxy/passwd'));
    await refusal(packBundleDir(root));
  });
});

describe('packBundle test helper', () => {
  it('zips a bundle folder as on disk and applies edits', async () => {
    await writeTree(hello);
    const zip = await packBundle(root, { 'apiproxy/proxies/default.xml': null, 'apiproxy/policies/AM.xml': '<AssignMessage name="AM"/>' });
    const files = await readBundleZip(zip);
    expect([...files.keys()].sort()).toEqual(['hello.xml', 'policies/AM.xml', 'resources/jsc/lib/a.js']);
    const fromApiproxy = await readBundleZip(await packBundle(join(root, 'apiproxy')));
    expect([...fromApiproxy.keys()].sort()).toEqual(['hello.xml', 'proxies/default.xml', 'resources/jsc/lib/a.js']);
  });
});
