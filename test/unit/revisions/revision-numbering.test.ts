import { describe, expect, it } from 'vitest';
import { AdminError, BundleError } from '../../../src/errors.js';
import { APIS, REVISIONS } from '../../../src/revisions/revision-records.js';
import { StoreError } from '../../../src/store/store.js';
import { createHarness, helloZip, org, rootOnlyZip, textOf } from './revision-fixtures.js';

const importHello = async (h: ReturnType<typeof createHarness>, api = 'hello') =>
  h.service.importRevision({ organization: org, api, bytes: await helloZip(), user: 'ann', validate: false });

describe('revision numbering', () => {
  it('numbers the revisions of one API 1, 2, 3 and keeps APIs apart', async () => {
    const h = createHarness();
    expect((await importHello(h)).revision).toBe(1);
    expect((await importHello(h)).revision).toBe(2);
    expect((await importHello(h, 'other')).revision).toBe(1);
    expect((await importHello(h)).revision).toBe(3);
    expect(h.service.listRevisions(org, 'hello').map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(h.service.getApi(org, 'hello')?.highestRevision).toBe(3);
  });

  it('gives concurrent imports of one API distinct, gapless numbers', async () => {
    const h = createHarness();
    // A slow commit widens the window between reading the highest number and storing the next one.
    const commit = h.store.commit.bind(h.store);
    h.store.commit = async (ops) => {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      return commit(ops);
    };
    const zip = await helloZip();
    const records = await Promise.all(Array.from({ length: 10 }, () => h.service.importRevision({ organization: org, api: 'hello', bytes: zip, user: 'ann', validate: false })));
    expect(records.map((r) => r.revision).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.service.listRevisions(org, 'hello')).toHaveLength(10);
  });

  it('never hands out a deleted highest number again', async () => {
    const h = createHarness();
    await importHello(h);
    await importHello(h);
    await h.service.deleteRevision(org, 'hello', 2, 'ann');
    expect((await importHello(h)).revision).toBe(3);
    await h.service.deleteRevision(org, 'hello', 1, 'ann');
    await h.service.deleteRevision(org, 'hello', 3, 'ann');
    expect(h.service.listRevisions(org, 'hello')).toEqual([]);
    expect((await importHello(h)).revision).toBe(4);
  });

  it('starts again at 1 once the whole API is deleted', async () => {
    const h = createHarness();
    await importHello(h);
    await importHello(h);
    await h.service.deleteApi(org, 'hello', 'ann');
    expect((await importHello(h)).revision).toBe(1);
  });

  it('leaves no record and no number behind when an import fails', async () => {
    const h = createHarness();
    await importHello(h);
    await expect(h.service.importRevision({ organization: org, api: 'hello', bytes: new Uint8Array([1, 2, 3]), user: 'ann', validate: false })).rejects.toBeInstanceOf(BundleError);
    await expect(h.service.importRevision({ organization: org, api: 'hello', bytes: await rootOnlyZip('hello'), user: 'ann', validate: true })).rejects.toBeInstanceOf(BundleError);
    expect(h.service.getApi(org, 'hello')?.highestRevision).toBe(1);
    expect((await importHello(h)).revision).toBe(2);
  });

  it('allocates no number when the commit fails after the blob was stored', async () => {
    const h = createHarness();
    await importHello(h);
    const commit = h.store.commit.bind(h.store);
    h.store.commit = () => Promise.reject(new StoreError('io', 'disk went away'));
    await expect(importHello(h)).rejects.toBeInstanceOf(StoreError);
    h.store.commit = commit;
    expect(h.service.listRevisions(org, 'hello').map((r) => r.revision)).toEqual([1]);
    expect((await importHello(h)).revision).toBe(2);
  });

  it('reads a legacy API record without a high-water mark from its revisions', async () => {
    const h = createHarness();
    await importHello(h);
    const { highestRevision: _dropped, ...legacy } = h.service.getApi(org, 'hello')!;
    await h.store.commit([{ collection: APIS, key: `${org}/hello`, value: legacy }]);
    expect((await importHello(h)).revision).toBe(2);
  });
});

describe('createEmptyApi', () => {
  it('creates revision 1 holding only the root XML, not deployable yet', async () => {
    const h = createHarness();
    const record = await h.service.createEmptyApi(org, 'empty', 'ann');
    expect(record.revision).toBe(1);
    expect(h.service.isDeployable(record)).toBe(false);
    expect(record.problems.map((p) => p.message)).toContain('the bundle has no ProxyEndpoint (no proxies/*.xml)');
    const bundle = await h.service.loadBundle(record);
    expect([...bundle.files.keys()]).toEqual(['empty.xml']);
    expect(textOf(bundle.files.get('empty.xml')!)).toContain('<APIProxy name="empty"/>');
  });

  it('refuses an API that already exists with 409 and an invalid name with 400', async () => {
    const h = createHarness();
    await h.service.createEmptyApi(org, 'empty', 'ann');
    const conflict = await h.service.createEmptyApi(org, 'empty', 'ann').catch((err: unknown) => err);
    expect(conflict).toBeInstanceOf(AdminError);
    expect(conflict).toMatchObject({ status: 409, code: 'messaging.config.beans.ApplicationAlreadyExists' });
    await expect(h.service.createEmptyApi(org, 'bad/name', 'ann')).rejects.toMatchObject({ status: 400 });
    expect(h.store.list(REVISIONS)).toHaveLength(1);
  });
});

describe('listApis', () => {
  it('lists by name from startKey, at most count', async () => {
    const h = createHarness();
    for (const name of ['zeta', 'alpha', 'mid', 'beta']) await h.service.createEmptyApi(org, name, 'ann');
    await h.service.createEmptyApi('other-org', 'aaa', 'ann');
    const names = (options?: { count?: number; startKey?: string }) => h.service.listApis(org, options).map((a) => a.name);
    expect(names()).toEqual(['alpha', 'beta', 'mid', 'zeta']);
    expect(names({ count: 2 })).toEqual(['alpha', 'beta']);
    expect(names({ startKey: 'beta', count: 2 })).toEqual(['beta', 'mid']);
    expect(names({ startKey: 'c' })).toEqual(['mid', 'zeta']);
  });
});
