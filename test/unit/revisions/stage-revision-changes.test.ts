import { describe, expect, it } from 'vitest';
import { AdminError, BundleError } from '../../../src/errors.js';
import type { FileRef, FileUpload } from '../../../src/revisions/find-revision-file.js';
import { bytesOf, createHarness, helloZip, org, policyXml, proxyXml, targetXml, textOf, type Harness } from './revision-fixtures.js';

async function withHello(): Promise<Harness> {
  const h = createHarness();
  await h.service.importRevision({ organization: org, api: 'hello', bytes: await helloZip(), user: 'ann', validate: false });
  h.tick();
  return h;
}

const put = (h: Harness, file: FileUpload) =>
  h.service.withRevisionLock(org, 'hello', 1, async () => (await h.service.stagePutFile(org, 'hello', 1, file, 'bob')).commit());
const remove = (h: Harness, file: FileRef) =>
  h.service.withRevisionLock(org, 'hello', 1, async () => (await h.service.stageDeleteFile(org, 'hello', 1, file, 'bob')).commit());
const stagePut = (h: Harness, file: FileUpload) =>
  h.service.withRevisionLock(org, 'hello', 1, () => h.service.stagePutFile(org, 'hello', 1, file, 'bob'));
const current = (h: Harness) => h.service.getRevision(org, 'hello', 1)!;

describe('stageReplace', () => {
  it('stages a valid zip without storing it until commit, then stores it byte for byte', async () => {
    const h = await withHello();
    const before = current(h);
    const zip = await helloZip({ 'apiproxy/policies/AM-Extra.xml': policyXml('AM-Extra') });
    const stored = await h.service.withRevisionLock(org, 'hello', 1, async () => {
      const staged = await h.service.stageReplace(org, 'hello', 1, zip, 'bob', { validate: true });
      expect(staged.record.policies).toEqual(['AM-Extra', 'AM-Hello']);
      expect(staged.bundle.policies.map((p) => p.name).sort()).toEqual(['AM-Extra', 'AM-Hello']);
      expect(current(h)).toBe(before);
      expect(h.store.hasBlob(staged.record.sha256)).toBe(false);
      const committed = await staged.commit();
      await expect(staged.commit()).rejects.toThrow(/only once/);
      return committed;
    });
    expect(stored).toMatchObject({ revision: 1, createdBy: 'ann', createdAt: before.createdAt, lastModifiedBy: 'bob', sizeBytes: zip.byteLength });
    expect(stored.lastModifiedAt).toBeGreaterThan(before.lastModifiedAt);
    expect(current(h).sha256).toBe(stored.sha256);
    expect(Buffer.from(await h.service.exportRevision(current(h))).equals(Buffer.from(zip))).toBe(true);
    expect(h.service.listRevisions(org, 'hello')).toHaveLength(1);
  });

  it('throws for an unreadable zip, and for problems with validate=true, committing nothing', async () => {
    const h = await withHello();
    const before = current(h);
    const broken = await helloZip({ 'apiproxy/proxies/default.xml': proxyXml('default', '/hello', ['AM-Missing']) });
    await h.service.withRevisionLock(org, 'hello', 1, async () => {
      await expect(h.service.stageReplace(org, 'hello', 1, bytesOf('not a zip'), 'bob', { validate: false })).rejects.toBeInstanceOf(BundleError);
      await expect(h.service.stageReplace(org, 'hello', 1, broken, 'bob', { validate: true })).rejects.toThrow(/AM-Missing/);
      const lenient = await h.service.stageReplace(org, 'hello', 1, broken, 'bob', { validate: false });
      expect(lenient.record.problems.length).toBeGreaterThan(0);
    });
    expect(current(h)).toBe(before);
  });

  it('refuses to stage outside the revision lock, and 404s an unknown revision', async () => {
    const h = await withHello();
    await expect(h.service.stageReplace(org, 'hello', 1, await helloZip(), 'bob', { validate: false })).rejects.toThrow(/withRevisionLock/);
    await expect(h.service.stagePutFile(org, 'hello', 1, { kind: 'policy', name: '', bytes: bytesOf(policyXml('P')) }, 'bob')).rejects.toThrow(/withRevisionLock/);
    await expect(h.service.withRevisionLock(org, 'hello', 9, () => h.service.stageReplace(org, 'hello', 9, new Uint8Array(), 'bob', { validate: false })))
      .rejects.toMatchObject({ status: 404, code: 'messaging.config.beans.RevisionDoesNotExist' });
  });

  it('refuses a nested lock of the same revision instead of deadlocking', async () => {
    const h = await withHello();
    await expect(h.service.withRevisionLock(org, 'hello', 1, () => h.service.withRevisionLock(org, 'hello', 1, async () => 1))).rejects.toThrow(/already held/);
  });
});

describe('policies', () => {
  it('stores a policy under its XML name, whatever name the caller gave, and deletes it again', async () => {
    const h = await withHello();
    const record = await put(h, { kind: 'policy', name: '', bytes: bytesOf(policyXml('AM-New')) });
    expect(record.policies).toEqual(['AM-Hello', 'AM-New']);
    const bundle = await h.service.loadBundle(record);
    expect(bundle.files.has('policies/AM-New.xml')).toBe(true);
    expect((await h.service.getFile(record, 'policy', 'AM-New'))?.parsed.type).toBe('AssignMessage');
    const afterDelete = await remove(h, { kind: 'policy', name: 'AM-New' });
    expect(afterDelete.policies).toEqual(['AM-Hello']);
    expect(afterDelete.problems).toEqual([]);
  });

  it('replaces the file that holds the same policy name, even under another file name', async () => {
    const h = createHarness();
    const zip = await helloZip({ 'apiproxy/policies/AM-Hello.xml': null, 'apiproxy/policies/StripKey.xml': policyXml('AM-Hello', 'old') });
    await h.service.importRevision({ organization: org, api: 'hello', bytes: zip, user: 'ann', validate: true });
    expect((await h.service.getFile(current(h), 'policy', 'StripKey'))?.name).toBe('AM-Hello');
    const record = await put(h, { kind: 'policy', name: '', bytes: bytesOf(policyXml('AM-Hello', 'new')) });
    const bundle = await h.service.loadBundle(record);
    expect([...bundle.files.keys()].filter((f) => f.startsWith('policies/'))).toEqual(['policies/AM-Hello.xml']);
    expect(record.problems).toEqual([]);
  });

  it('leaves a problem, not an error, when a Step loses its policy', async () => {
    const h = await withHello();
    const record = await remove(h, { kind: 'policy', name: 'AM-Hello' });
    expect(h.service.isDeployable(record)).toBe(false);
    expect(record.problems.map((p) => p.message)).toContain('Step AM-Hello refers to a policy that does not exist');
  });

  it('refuses malformed XML, an unknown policy type and an unknown name, staging nothing', async () => {
    const h = await withHello();
    const before = current(h);
    await expect(stagePut(h, { kind: 'policy', name: '', bytes: bytesOf('<AssignMessage name="x">') })).rejects.toMatchObject({ status: 400 });
    await expect(stagePut(h, { kind: 'policy', name: '', bytes: bytesOf('<NoSuchPolicy name="x"/>') })).rejects.toBeInstanceOf(BundleError);
    await expect(stagePut(h, { kind: 'policy', name: '', bytes: bytesOf('<AssignMessage/>') })).rejects.toMatchObject({ status: 400 });
    await expect(stagePut(h, { kind: 'policy', name: '', bytes: bytesOf('<AssignMessage name="../x"/>') })).rejects.toBeInstanceOf(BundleError);
    const missing = await remove(h, { kind: 'policy', name: 'AM-Nope' }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(AdminError);
    expect(missing).toMatchObject({ status: 404 });
    expect(current(h)).toBe(before);
  });
});

describe('proxy and target endpoints', () => {
  it('stores endpoints under the ?name= file name, known by their XML name, found by either', async () => {
    const h = await withHello();
    await put(h, { kind: 'target', name: 'backend-file', bytes: bytesOf(targetXml('backend')) });
    const record = await put(h, { kind: 'proxy', name: 'second', bytes: bytesOf(proxyXml('v2', '/hello/v2', [], 'backend')) });
    expect(record.proxyEndpoints).toEqual(['default', 'v2']);
    expect(record.targetEndpoints).toEqual(['backend', 'default']);
    expect(record.problems).toEqual([]);
    const bundle = await h.service.loadBundle(record);
    expect(bundle.files.has('proxies/second.xml')).toBe(true);
    expect(bundle.files.has('targets/backend-file.xml')).toBe(true);
    for (const name of ['v2', 'second']) expect((await h.service.getFile(record, 'proxy', name))?.parsed.basePath).toBe('/hello/v2');
    for (const name of ['backend', 'backend-file']) {
      const file = await h.service.getFile(record, 'target', name);
      expect(file).toMatchObject({ name: 'backend', file: 'targets/backend-file.xml' });
      expect(textOf(file!.bytes)).toBe(targetXml('backend'));
    }
    expect(await h.service.getFile(record, 'proxy', 'nope')).toBeUndefined();
  });

  it('replaces an endpoint uploaded again under the same name, and deletes by file name', async () => {
    const h = await withHello();
    await put(h, { kind: 'proxy', name: 'default', bytes: bytesOf(proxyXml('default', '/hello/new')) });
    let record = current(h);
    expect(record.proxyEndpoints).toEqual(['default']);
    expect((await h.service.getFile(record, 'proxy', 'default'))?.parsed.basePath).toBe('/hello/new');
    record = await put(h, { kind: 'target', name: 'other', bytes: bytesOf(targetXml('other')) });
    record = await remove(h, { kind: 'target', name: 'other' });
    expect(record.targetEndpoints).toEqual(['default']);
  });

  it('falls back to the XML name when no ?name= is given, and refuses a wrong root element', async () => {
    const h = await withHello();
    const record = await put(h, { kind: 'target', name: '', bytes: bytesOf(targetXml('plain')) });
    expect((await h.service.loadBundle(record)).files.has('targets/plain.xml')).toBe(true);
    await expect(stagePut(h, { kind: 'proxy', name: 'x', bytes: bytesOf(targetXml('x')) })).rejects.toThrow(/expected ProxyEndpoint/);
    await expect(stagePut(h, { kind: 'target', name: 'a/b', bytes: bytesOf(targetXml('x')) })).rejects.toBeInstanceOf(BundleError);
  });
});

describe('resources', () => {
  it('stores resources in subfolders, replaces a same-name upload, and deletes them', async () => {
    const h = await withHello();
    await put(h, { kind: 'resource', type: 'jsc', name: 'sub/dir/file.js', bytes: bytesOf('var a = 1;') });
    let record = await put(h, { kind: 'resource', type: 'jsc', name: 'sub/dir/file.js', bytes: bytesOf('var a = 2;') });
    expect(record.resources).toEqual(['jsc://lib/util.js', 'jsc://sub/dir/file.js']);
    expect(h.service.listFiles(record, 'resource')).toEqual([{ type: 'jsc', name: 'lib/util.js' }, { type: 'jsc', name: 'sub/dir/file.js' }]);
    const file = await h.service.getFile(record, 'resource', 'sub/dir/file.js', 'jsc');
    expect(file && textOf(file.bytes)).toBe('var a = 2;');
    expect(file?.file).toBe('resources/jsc/sub/dir/file.js');
    record = await remove(h, { kind: 'resource', type: 'jsc', name: 'lib/util.js' });
    expect(record.resources).toEqual(['jsc://sub/dir/file.js']);
  });

  it('refuses unsafe names and types, and a missing type', async () => {
    const h = await withHello();
    const before = current(h);
    for (const name of ['../x.js', 'a/../../x.js', 'a//b.js', './a.js', 'a\\b.js', 'a%2e%2e/b.js', '__proto__/x.js', '/abs.js', 'a/', '']) {
      await expect(stagePut(h, { kind: 'resource', type: 'jsc', name, bytes: bytesOf('x') }), name).rejects.toMatchObject({ status: 400 });
    }
    for (const type of ['..', 'a/b', 'constructor', '']) {
      await expect(stagePut(h, { kind: 'resource', type, name: 'x.js', bytes: bytesOf('x') }), type).rejects.toMatchObject({ status: 400 });
    }
    await expect(stagePut(h, { kind: 'resource', name: 'x.js', bytes: bytesOf('x') })).rejects.toMatchObject({ status: 400, code: 'messaging.config.beans.InvalidParameter' });
    expect(current(h)).toBe(before);
  });

  it('refuses a file over the per-file limit and a revision over the bundle limit with 413', async () => {
    const h = createHarness({ maxZipBytes: 64 * 1024, maxTotalBytes: 96 * 1024 });
    await h.service.importRevision({ organization: org, api: 'hello', bytes: await helloZip(), user: 'ann', validate: false });
    await expect(stagePut(h, { kind: 'resource', type: 'jsc', name: 'big.js', bytes: new Uint8Array(64 * 1024 + 1) })).rejects.toMatchObject({ status: 413 });
    await put(h, { kind: 'resource', type: 'jsc', name: 'a.js', bytes: new Uint8Array(60 * 1024) });
    await expect(stagePut(h, { kind: 'resource', type: 'jsc', name: 'b.js', bytes: new Uint8Array(60 * 1024) })).rejects.toMatchObject({ status: 413 });
  });
});
