import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readBundleZip } from '../../../src/bundle/read-bundle-zip.js';
import { BundleError } from '../../../src/errors.js';
import { packBundle, rawZip, type RawZipEntry } from '../../helpers/pack-bundle.js';

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

async function refusal(zip: Uint8Array | Promise<Uint8Array>, limits?: Parameters<typeof readBundleZip>[1]): Promise<BundleError> {
  const error = await readBundleZip(await zip, limits).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

describe('readBundleZip: accepted layouts', () => {
  it('keeps files under apiproxy/ keyed by their path inside it and ignores everything else', async () => {
    const nested = await packBundle({ 'apiproxy/inner.xml': '<APIProxy/>' });
    const zip = await rawZip([
      { name: './apiproxy/Weather.xml', data: '<APIProxy name="w"/>' },
      { name: 'apiproxy/proxies/', data: '', unixPermissions: 0o040755 },
      { name: 'apiproxy/proxies/default.xml', data: '<ProxyEndpoint/>', method: 'store' },
      { name: 'apiproxy/resources/jsc/lib/a.js', data: 'var a = 1;' },
      { name: 'apiproxy/resources/java/nested.zip', data: nested },
      { name: './README.md', data: 'read me' },
      { name: 'deploy.sh', data: '#!/bin/sh' },
    ]);
    const files = await readBundleZip(zip);
    expect([...files.keys()].sort()).toEqual(['Weather.xml', 'proxies/default.xml', 'resources/java/nested.zip', 'resources/jsc/lib/a.js']);
    expect(text(files.get('resources/jsc/lib/a.js'))).toBe('var a = 1;');
    expect(text(files.get('proxies/default.xml'))).toBe('<ProxyEndpoint/>');
    // A nested archive is data, never opened.
    expect(Buffer.from(files.get('resources/java/nested.zip')!).equals(Buffer.from(nested))).toBe(true);
  });

  it('gives each file its own memory, not a view into a zlib chunk or the zip', async () => {
    const files = await readBundleZip(await rawZip([{ name: 'apiproxy/a.xml', data: '<APIProxy/>' }, { name: 'apiproxy/b.xml', data: '<APIProxy/>', method: 'store' }]));
    for (const data of files.values()) expect(data.buffer.byteLength).toBe(data.byteLength);
  });

  it('reads what packBundle writes', async () => {
    const zip = await packBundle({ 'apiproxy/a.xml': '<APIProxy/>', 'apiproxy/policies/AM.xml': '<AssignMessage name="AM"/>' }, { 'apiproxy/a.xml': null, 'apiproxy/b.xml': '<APIProxy name="b"/>' });
    const files = await readBundleZip(zip);
    expect([...files.keys()].sort()).toEqual(['b.xml', 'policies/AM.xml']);
  });

  it('refuses bytes that are not a zip with 400', async () => {
    const error = await refusal(new TextEncoder().encode('this is not a zip archive at all'));
    expect(error.status).toBe(400);
  });
});

describe('readBundleZip: unsafe names (test plan 24)', () => {
  const cases: [string, string][] = [
    ['../../x.js', '..'],
    ['apiproxy/../../x', '..'],
    ['/etc/passwd', 'absolute'],
    ['apiproxy\\..\\..\\x', 'backslash'],
    ['C:\\x', 'backslash'],
    ['C:/x', 'colon'],
    ['apiproxy/resources/jsc/%2e%2e/x', 'percent'],
    ['apiproxy/a\u0000b.xml', 'control'],
    ['apiproxy/a\u001bb.xml', 'control'],
    [`apiproxy/${'n'.repeat(2048)}`, 'bytes long'],
    [`apiproxy/${Array.from({ length: 63 }, () => 'd').join('/')}`, 'segments'],
    ['apiproxy//x.xml', 'empty'],
    ['apiproxy/./x.xml', '"."'],
  ];
  for (const [name, reason] of cases) {
    it(`refuses ${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)} with 400 naming it`, async () => {
      const error = await refusal(rawZip([{ name: 'apiproxy/ok.xml', data: '<APIProxy/>' }, { name, data: 'x' }]));
      expect(error.status).toBe(400);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]!.message).toContain(reason);
      const shown = name.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expect(shown.startsWith(error.problems[0]!.file.replace(/…$/, ''))).toBe(true);
    });
  }

  it('refuses a symlink entry (mode 0120777) even when its name is harmless', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/resources/jsc/link.js', data: '/etc/passwd', unixPermissions: 0o120777 }]));
    expect(error.status).toBe(400);
    expect(error.problems).toEqual([{ file: 'apiproxy/resources/jsc/link.js', message: expect.stringContaining('symbolic link') }]);
  });

  it('reports every bad entry at once', async () => {
    const error = await refusal(rawZip([{ name: '../a', data: '' }, { name: '/b', data: '' }, { name: 'apiproxy/ok.xml', data: '' }]));
    expect(error.problems.map((p) => p.file)).toEqual(['../a', '/b']);
  });
});

describe('readBundleZip: collisions and dangerous names (test plan 25)', () => {
  it('refuses the same path twice', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/policies/a.xml', data: '1' }, { name: 'apiproxy/policies/a.xml', data: '2' }]));
    expect(error.status).toBe(400);
    expect(error.problems[0]).toEqual({ file: 'apiproxy/policies/a.xml', message: expect.stringContaining('collides') });
  });

  it('refuses a dotted path alongside the plain one instead of letting one silently win', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/x/../policies/a.xml', data: '1' }, { name: 'apiproxy/policies/a.xml', data: '2' }]));
    expect(error.problems.map((p) => p.file)).toContain('apiproxy/x/../policies/a.xml');
  });

  it('refuses names equal after a leading ./ is stripped', async () => {
    const error = await refusal(rawZip([{ name: './apiproxy/a.xml', data: '1' }, { name: 'apiproxy/a.xml', data: '2' }]));
    expect(error.problems[0]!.file).toBe('apiproxy/a.xml');
  });

  it('refuses A.xml next to a.xml (case folding)', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/policies/A.xml', data: '1' }, { name: 'apiproxy/policies/a.xml', data: '2' }]));
    expect(error.problems).toEqual([{ file: 'apiproxy/policies/a.xml', message: expect.stringContaining('apiproxy/policies/A.xml') }]);
  });

  it('refuses a file that is also a folder', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/resources/jsc', data: '1' }, { name: 'apiproxy/resources/jsc/a.js', data: '2' }]));
    expect(error.problems[0]!.file).toBe('apiproxy/resources/jsc');
  });

  for (const name of ['apiproxy/__proto__', '__proto__', 'apiproxy/constructor', 'apiproxy/toString', 'apiproxy/prototype/x.js', 'apiproxy/__proto__/polluted']) {
    it(`refuses ${name} and leaves Object.prototype untouched`, async () => {
      const error = await refusal(rawZip([{ name, data: '{"polluted":true}' }]));
      expect(error.status).toBe(400);
      expect(error.problems).toEqual([{ file: name, message: expect.stringContaining('reserved segment') }]);
      expectNoPollution();
    });
  }
});

describe('readBundleZip: zip bombs (test plan 26)', () => {
  it('checks the zip size before reading anything (413)', async () => {
    const error = await refusal(new Uint8Array(2048), { maxZipBytes: 1024 });
    expect(error.status).toBe(413);
    expect(error.problems[0]!.message).toContain('1024');
  });

  it('refuses an entry of zeros inflating far past its compressed size (413, ratio)', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/resources/jsc/zeros.js', data: new Uint8Array(16 * 1024 * 1024) }]));
    expect(error.status).toBe(413);
    expect(error.problems).toEqual([{ file: 'apiproxy/resources/jsc/zeros.js', message: expect.stringContaining('times its compressed size') }]);
  });

  it('refuses an entry inflating past the per-entry cap (413)', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/big.bin', data: new Uint8Array(3 * 1024 * 1024) }]), { maxEntryBytes: 1024 * 1024, maxRatio: 1e6 });
    expect(error.status).toBe(413);
    expect(error.problems).toEqual([{ file: 'apiproxy/big.bin', message: expect.stringContaining('limit of 1048576 bytes') }]);
  });

  it('counts the inflated bytes, not the size the header declares', async () => {
    const zip = rawZip([{ name: 'apiproxy/liar.bin', data: new Uint8Array(4 * 1024 * 1024), declaredSize: 1024 }]);
    const error = await refusal(zip, { maxEntryBytes: 1024 * 1024, maxRatio: 1e6 });
    expect(error.status).toBe(413);
    expect(error.problems[0]!.file).toBe('apiproxy/liar.bin');
  });

  it('refuses a header that lies about the size even within the limits (400)', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/liar.xml', data: '<APIProxy/>', declaredSize: 3 }]));
    expect(error.status).toBe(400);
    expect(error.problems[0]).toEqual({ file: 'apiproxy/liar.xml', message: expect.stringContaining('corrupt') });
  });

  it('refuses more entries than the limit before inflating any (413)', async () => {
    const entries: RawZipEntry[] = Array.from({ length: 5_001 }, (_, i) => ({ name: `apiproxy/resources/jsc/${i}.js`, data: '' }));
    const error = await refusal(rawZip(entries));
    expect(error.status).toBe(413);
    expect(error.problems[0]!.message).toContain('5000');
  });

  it('refuses a bundle whose entries together pass the total cap, naming the entry that crossed it (413)', async () => {
    const entries: RawZipEntry[] = ['a', 'b', 'c'].map((n) => ({ name: `apiproxy/resources/jsc/${n}.bin`, data: randomBytes(40 * 1024) }));
    const error = await refusal(rawZip(entries), { maxTotalBytes: 100 * 1024 });
    expect(error.status).toBe(413);
    expect(error.problems).toEqual([{ file: 'apiproxy/resources/jsc/c.bin', message: expect.stringContaining('total limit') }]);
  });

  it('refuses entries whose bytes overlap (Fifield-style bomb)', async () => {
    const error = await refusal(rawZip([
      { name: 'apiproxy/resources/jsc/kernel.js', data: new Uint8Array(1000) },
      { name: 'apiproxy/resources/jsc/copy.js', data: new Uint8Array(1000), localHeaderOf: 0 },
    ]));
    expect(error.status).toBe(400);
    expect(error.problems.some((p) => p.message.includes('overlaps'))).toBe(true);
  });

  it('refuses encrypted entries (400)', async () => {
    const error = await refusal(rawZip([{ name: 'apiproxy/secret.xml', data: 'x', encrypted: true }]));
    expect(error.status).toBe(400);
    expect(error.problems[0]!.message).toMatch(/encrypted/i);
  });
});
