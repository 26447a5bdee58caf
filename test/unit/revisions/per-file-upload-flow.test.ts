import { describe, expect, it } from 'vitest';
import type { FileUpload } from '../../../src/revisions/find-revision-file.js';
import { bytesOf, createHarness, org, policyXml, proxyXml, rootOnlyZip, targetXml, type Harness } from './revision-fixtures.js';

const put = (h: Harness, api: string, file: FileUpload) =>
  h.service.withRevisionLock(org, api, 1, async () => (await h.service.stagePutFile(org, api, 1, file, 'deployer')).commit());

describe('per-file uploads (compat §2.2 rule 4, §2.4)', () => {
  it('completes a root-only import file by file until it is deployable', async () => {
    const h = createHarness();
    const imported = await h.service.importRevision({ organization: org, api: 'shop', bytes: await rootOnlyZip('shop'), user: 'deployer', validate: false });
    expect(h.service.isDeployable(imported)).toBe(false);
    let record = await put(h, 'shop', { kind: 'policy', name: '', bytes: bytesOf(policyXml('AM-One')) });
    expect(h.service.isDeployable(record)).toBe(false);
    record = await put(h, 'shop', { kind: 'proxy', name: 'default', bytes: bytesOf(proxyXml('default', '/shop', ['AM-One'], 'backend')) });
    expect(record.problems.map((p) => p.message)).toEqual(['RouteRule default refers to TargetEndpoint backend, which does not exist']);
    record = await put(h, 'shop', { kind: 'target', name: 'backend', bytes: bytesOf(targetXml('backend')) });
    expect(record.problems).toEqual([]);
    expect(h.service.isDeployable(record)).toBe(true);
    const bundle = await h.service.loadBundle(record);
    expect([...bundle.files.keys()].sort()).toEqual(['policies/AM-One.xml', 'proxies/default.xml', 'shop.xml', 'targets/backend.xml']);
    expect(bundle.proxyEndpoints[0]?.basePath).toBe('/shop');
  });

  it('lands every one of 8 concurrent uploads to one revision', async () => {
    const h = createHarness();
    await h.service.importRevision({ organization: org, api: 'shop', bytes: await rootOnlyZip('shop'), user: 'deployer', validate: false });
    const uploads: FileUpload[] = [
      ...Array.from({ length: 4 }, (_, i): FileUpload => ({ kind: 'policy', name: '', bytes: bytesOf(policyXml(`AM-${i}`)) })),
      ...Array.from({ length: 3 }, (_, i): FileUpload => ({ kind: 'resource', type: 'jsc', name: `lib/f${i}.js`, bytes: bytesOf(`var f${i};`) })),
      { kind: 'proxy', name: 'default', bytes: bytesOf(proxyXml('default', '/shop', ['AM-0', 'AM-3'], 'default')) },
    ];
    await Promise.all(uploads.map((file) => put(h, 'shop', file)));
    const record = h.service.getRevision(org, 'shop', 1)!;
    expect(record.policies).toEqual(['AM-0', 'AM-1', 'AM-2', 'AM-3']);
    expect(record.resources).toEqual(['jsc://lib/f0.js', 'jsc://lib/f1.js', 'jsc://lib/f2.js']);
    expect(record.proxyEndpoints).toEqual(['default']);
    // The stored zip holds every file too, not just the record's lists.
    const bundle = await h.service.loadBundle(record);
    expect(bundle.files.size).toBe(1 + 4 + 3 + 1);
  });

  it('rebuilds the same bytes for the same files', async () => {
    const a = createHarness();
    const b = createHarness();
    b.tick(5_000);
    for (const h of [a, b]) {
      await h.service.importRevision({ organization: org, api: 'shop', bytes: await rootOnlyZip('shop'), user: 'deployer', validate: false });
      await put(h, 'shop', { kind: 'policy', name: '', bytes: bytesOf(policyXml('AM-One')) });
    }
    expect(a.service.getRevision(org, 'shop', 1)!.sha256).toBe(b.service.getRevision(org, 'shop', 1)!.sha256);
  });
});
