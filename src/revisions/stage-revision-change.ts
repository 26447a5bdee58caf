// Prepares a new content for an existing revision without committing it, so a deployed revision can be redeployed first.
import { createHash } from 'node:crypto';
import type { BundleLimits } from '../bundle/bundle-limits.js';
import { parseBundle } from '../bundle/parse-bundle.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import { readBundleZip } from '../bundle/read-bundle-zip.js';
import { AdminError, BundleError } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { Store } from '../store/store.js';
import type { RevisionLocks } from './create-revision-locks.js';
import { REVISIONS, toRevisionKey, toRevisionRecord, type RevisionRecord } from './revision-records.js';

export interface StagedRevisionChange {
  /** The record as it would be after the change (new sha-256, lists and problems). */
  readonly record: RevisionRecord;
  /** The parsed new content. */
  readonly bundle: ProxyBundle;
  /** Stores the blob and the record atomically; call at most once, still inside the revision's lock. */
  commit(): Promise<RevisionRecord>;
}

export interface StageContext {
  readonly store: Store;
  readonly registry: PolicyRegistry;
  readonly limits: BundleLimits;
  readonly locks: RevisionLocks;
  readonly now: () => number;
}

/** Staging reads the latest record and commit writes over it: only the revision lock makes that read-modify-write safe. */
export function assertRevisionLockHeld(locks: RevisionLocks, organization: string, api: string, revision: number): void {
  if (!locks.isRevisionLockHeld(organization, api, revision)) {
    throw new Error(`changes of revision ${revision} of ${organization}/${api} must run inside withRevisionLock`);
  }
}

/**
 * Parses `bytes` as the new content of `base`'s revision and returns it staged. Throws BundleError when the zip
 * cannot be read (413 over the limits) or, with `validate`, when the new content has problems; nothing is stored.
 */
export async function stageRevisionChange(ctx: StageContext, base: RevisionRecord, bytes: Uint8Array, user: string, validate: boolean): Promise<StagedRevisionChange> {
  const { organization, api, revision } = base;
  const files = await readBundleZip(bytes, ctx.limits);
  const { bundle, problems } = parseBundle(files, { registry: ctx.registry, apiName: api });
  if (validate && problems.length > 0) throw new BundleError(problems);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const record = toRevisionRecord({
    organization, api, revision, sha256,
    sizeBytes: bytes.byteLength,
    createdAt: base.createdAt,
    createdBy: base.createdBy,
    lastModifiedAt: ctx.now(),
    lastModifiedBy: user,
    bundle,
    problems,
  });
  const key = toRevisionKey(organization, api, revision);
  let committed = false;
  return {
    record,
    bundle,
    async commit() {
      if (committed) throw new Error('a staged revision change can be committed only once');
      committed = true;
      assertRevisionLockHeld(ctx.locks, organization, api, revision);
      const stored = await ctx.store.putBlob(bytes);
      if (stored !== sha256) throw new Error(`the store keyed the blob ${stored}, expected ${sha256}`);
      const current = ctx.store.get<RevisionRecord>(REVISIONS, key);
      if (!current) throw new AdminError('RevisionDoesNotExist', [revision, api, organization]);
      // Under the lock nothing else writes this record; a mismatch means the lock was bypassed.
      if (current.sha256 !== base.sha256 || current.lastModifiedAt !== base.lastModifiedAt) {
        throw new Error(`revision ${revision} of ${organization}/${api} changed after this change was staged`);
      }
      await ctx.store.commit([{ collection: REVISIONS, key, value: record }]);
      return ctx.store.get<RevisionRecord>(REVISIONS, key)!;
    },
  };
}
