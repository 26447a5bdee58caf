import { describe, expect, it } from 'vitest';
import { AdminError } from '../../../src/errors.js';
import { APIS, REVISIONS } from '../../../src/revisions/revision-records.js';
import { createHarness, helloZip, markDeployed, org } from './revision-fixtures.js';

async function twoRevisions() {
  const h = createHarness();
  const zip = await helloZip();
  await h.service.importRevision({ organization: org, api: 'hello', bytes: zip, user: 'ann', validate: false });
  await h.service.importRevision({ organization: org, api: 'hello', bytes: zip, user: 'ann', validate: false });
  return h;
}

const deployedError = { status: 400, code: 'messaging.config.beans.ApplicationDeployed' };

describe('deleteApi', () => {
  it('refuses while any revision is deployed in any environment, and keeps everything', async () => {
    const h = await twoRevisions();
    await markDeployed(h.store, 'hello', 1, 'prod');
    await expect(h.service.deleteApi(org, 'hello', 'ann')).rejects.toMatchObject(deployedError);
    expect(h.service.listRevisions(org, 'hello')).toHaveLength(2);
    expect(h.service.getApi(org, 'hello')).toBeDefined();
  });

  it('is not blocked by a deployment of another API', async () => {
    const h = await twoRevisions();
    await markDeployed(h.store, 'hello-other', 1);
    await markDeployed(h.store, 'hell', 1);
    const view = await h.service.deleteApi(org, 'hello', 'ann');
    expect(view).toMatchObject({ name: 'hello', revision: ['1', '2'] });
  });

  it('removes the API and all its revisions in one go, and 404s when unknown', async () => {
    const h = await twoRevisions();
    await h.service.createEmptyApi(org, 'kept', 'ann');
    await h.service.deleteApi(org, 'hello', 'ann');
    expect(h.service.getApi(org, 'hello')).toBeUndefined();
    expect(h.store.list(REVISIONS, { prefix: `${org}/hello/` })).toEqual([]);
    expect(h.store.list(APIS).map((e) => e.key)).toEqual([`${org}/kept`]);
    const missing = await h.service.deleteApi(org, 'hello', 'ann').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(AdminError);
    expect(missing).toMatchObject({ status: 404, code: 'messaging.config.beans.ApplicationDoesNotExist' });
  });
});

describe('deleteRevision', () => {
  it('refuses a deployed revision but deletes an undeployed one of the same API', async () => {
    const h = await twoRevisions();
    await markDeployed(h.store, 'hello', 2);
    await expect(h.service.deleteRevision(org, 'hello', 2, 'ann')).rejects.toMatchObject(deployedError);
    const deleted = await h.service.deleteRevision(org, 'hello', 1, 'bob');
    expect(deleted.revision).toBe(1);
    expect(h.service.listRevisions(org, 'hello').map((r) => r.revision)).toEqual([2]);
    expect(h.service.getApi(org, 'hello')?.lastModifiedBy).toBe('bob');
  });

  it('keeps the API when its last revision is deleted, and 404s an unknown revision', async () => {
    const h = createHarness();
    await h.service.createEmptyApi(org, 'solo', 'ann');
    await h.service.deleteRevision(org, 'solo', 1, 'ann');
    expect(h.service.getApi(org, 'solo')).toBeDefined();
    expect(h.service.listRevisions(org, 'solo')).toEqual([]);
    await expect(h.service.deleteRevision(org, 'solo', 1, 'ann')).rejects.toMatchObject({ status: 404, code: 'messaging.config.beans.RevisionDoesNotExist' });
    await expect(h.service.deleteRevision(org, 'nope', 1, 'ann')).rejects.toMatchObject({ status: 404, code: 'messaging.config.beans.ApplicationDoesNotExist' });
  });

  it('waits for a change of the revision that holds its lock', async () => {
    const h = await twoRevisions();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = h.service.withRevisionLock(org, 'hello', 1, async () => {
      await gate;
      return h.service.getRevision(org, 'hello', 1);
    });
    const deletion = h.service.deleteRevision(org, 'hello', 1, 'ann');
    // One full event-loop turn: an unlocked deletion would have committed by now.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await held).toBeDefined();
    await deletion;
    expect(h.service.getRevision(org, 'hello', 1)).toBeUndefined();
  });
});
