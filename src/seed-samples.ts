// First start on a fresh data directory: import every sample bundle and deploy it, so a newcomer can curl at once.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BatonConfig } from './config.js';
import { packBundleDir } from './bundle/pack-bundle-dir.js';
import type { DeploymentService } from './deployments/deployment-service.js';
import type { RevisionService } from './revisions/revision-service.js';
import type { Store } from './store/store.js';

export interface SeedSamplesDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  readonly logger: Logger;
}

/** Seeds once: a `meta/samples` record marks it done, so undeployed or deleted samples stay that way after a restart. */
export async function seedSamples(deps: SeedSamplesDeps): Promise<string[]> {
  const { config, logger } = deps;
  const organization = config.organizations[0]?.name;
  if (!organization) return [];
  let names: string[];
  try {
    const entries = await readdir(config.samples.dir, { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    logger.warn({ err, dir: config.samples.dir }, 'no sample bundles to deploy');
    return [];
  }
  const deployed: string[] = [];
  for (const name of names) {
    try {
      const bytes = await packBundleDir(join(config.samples.dir, name));
      const record = await deps.revisions.importRevision({ organization, api: name, bytes, user: 'baton', validate: true });
      await deps.deployments.deploy({ organization, environment: config.samples.deployTo, api: name, revision: record.revision, user: 'baton' });
      deployed.push(name);
    } catch (err) {
      logger.error({ err, sample: name }, 'a sample bundle could not be deployed');
    }
  }
  await deps.store.commit([{ collection: 'meta', key: 'samples', value: { seededAt: Date.now(), deployed } }]);
  logger.info({ organization, environment: config.samples.deployTo, samples: deployed }, 'deployed the sample bundles');
  return deployed;
}
