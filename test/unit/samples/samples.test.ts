import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../../src/bundle/parse-bundle.js';
import { parseSharedFlowBundle } from '../../../src/bundle/parse-shared-flow-bundle.js';
import type { ProxyBundle } from '../../../src/bundle/proxy-bundle.js';
import { readBundleDir } from '../../../src/bundle/read-bundle-dir.js';
import { createDefaultPolicyRegistry } from '../../../src/policies/default-policy-registry.js';

const bundlesDir = fileURLToPath(new URL('../../../bundles', import.meta.url));
/** Shared-flow samples live in this folder; every other folder is an API proxy sample. */
const sharedFlowsDir = join(bundlesDir, 'sharedflows');
const sampleNames = readdirSync(bundlesDir).filter((name) => name !== 'sharedflows' && statSync(join(bundlesDir, name)).isDirectory()).sort();
const sharedFlowNames = readdirSync(sharedFlowsDir).filter((name) => statSync(join(sharedFlowsDir, name)).isDirectory()).sort();

async function readSample(name: string): Promise<ProxyBundle> {
  const files = await readBundleDir(join(bundlesDir, name));
  const { bundle, problems } = parseBundle(files, { registry: createDefaultPolicyRegistry(), apiName: name });
  expect(problems).toEqual([]);
  return bundle;
}

describe('sample bundles', () => {
  it('includes the documented samples', () => {
    expect(sampleNames).toEqual(expect.arrayContaining(['balanced', 'cached', 'faults', 'hello', 'keyed', 'mock', 'orders', 'scripted', 'secure']));
    expect(sharedFlowNames).toEqual(expect.arrayContaining(['security-headers']));
  });

  it.each(sampleNames)('%s reads and parses with no problems', async (name) => {
    const bundle = await readSample(name);
    expect(bundle.proxyEndpoints.length).toBeGreaterThan(0);
    // Its root file is named after the folder, which is the name the sample is imported under.
    expect(bundle.files.has(`${name}.xml`)).toBe(true);
  });

  it.each(sampleNames)('%s has a README with curl commands', (name) => {
    expect(() => statSync(join(bundlesDir, name, 'README.md'))).not.toThrow();
  });

  it('uses a distinct base path per sample, since all are deployed to one environment', async () => {
    const basePaths: string[] = [];
    for (const name of sampleNames) {
      const bundle = await readSample(name);
      basePaths.push(...bundle.proxyEndpoints.map((endpoint) => endpoint.basePath));
    }
    expect(new Set(basePaths).size).toBe(basePaths.length);
  });

  it.each(sharedFlowNames)('shared flow %s reads and parses with no problems', async (name) => {
    const files = await readBundleDir(join(sharedFlowsDir, name), undefined, { root: 'sharedflowbundle' });
    const { problems } = parseSharedFlowBundle(files, { registry: createDefaultPolicyRegistry(), name });
    expect(problems).toEqual([]);
  });
});
