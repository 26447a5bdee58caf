// First start on a fresh data directory: deploy the sample shared flows, flow hooks and proxies, and the sample developer app.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BatonConfig } from './config.js';
import { packBundleDir } from './bundle/pack-bundle-dir.js';
import type { DeploymentService } from './deployments/deployment-service.js';
import type { DeveloperService } from './developers/developer-service.js';
import type { RevisionService } from './revisions/revision-service.js';
import type { SharedFlowService } from './sharedflows/shared-flow-service.js';
import { flowHookPoints, type FlowHookPoint } from './engine/shared-flow.js';
import type { Store } from './store/store.js';

export interface SeedSamplesDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  readonly sharedFlows: SharedFlowService;
  readonly developers: DeveloperService;
  readonly logger: Logger;
}

export interface SeededSamples {
  readonly proxies: readonly string[];
  readonly sharedFlows: readonly string[];
  /** The consumer key of the sample app (for the `keyed` sample), when it was created: print it once. */
  readonly sampleApiKey: string | undefined;
}

/** Shared-flow bundles live in this sub-folder of the samples folder, with `flowhooks.json` naming what to attach. */
const sharedFlowsFolder = 'sharedflows';
const seedUser = 'baton';

/** The sample that VerifyAPIKey protects, and the product, developer and app that give its key. */
const keyedSample = {
  proxy: 'keyed',
  product: { name: 'sample-product', displayName: 'Sample product', approvalType: 'auto', quota: '5', quotaInterval: '1', quotaTimeUnit: 'minute' },
  developer: { email: 'newcomer@example.com', firstName: 'New', lastName: 'Comer', userName: 'newcomer' },
  app: 'sample-app',
} as const;

async function listFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Seeds once: a `meta/samples` record marks it done, so undeployed or deleted samples stay that way after a restart. */
export async function seedSamples(deps: SeedSamplesDeps): Promise<SeededSamples> {
  const { config, logger } = deps;
  const organization = config.organizations[0]?.name;
  const environment = config.samples.deployTo;
  if (!organization) return { proxies: [], sharedFlows: [], sampleApiKey: undefined };
  let names: string[];
  try {
    names = await listFolders(config.samples.dir);
  } catch (err) {
    logger.warn({ err, dir: config.samples.dir }, 'no sample bundles to deploy');
    return { proxies: [], sharedFlows: [], sampleApiKey: undefined };
  }
  // Shared flows first: a proxy whose FlowCallout names one cannot deploy before it.
  const sharedFlows = names.includes(sharedFlowsFolder) ? await seedSharedFlows(deps, organization, environment) : [];
  const proxies: string[] = [];
  for (const name of names.filter((n) => n !== sharedFlowsFolder)) {
    try {
      const bytes = await packBundleDir(join(config.samples.dir, name));
      const record = await deps.revisions.importRevision({ organization, api: name, bytes, user: seedUser, validate: true });
      await deps.deployments.deploy({ organization, environment, api: name, revision: record.revision, user: seedUser });
      proxies.push(name);
    } catch (err) {
      logger.error({ err, sample: name }, 'a sample bundle could not be deployed');
    }
  }
  const sampleApiKey = proxies.includes(keyedSample.proxy) ? await seedSampleApp(deps, organization, environment) : undefined;
  await deps.store.commit([{ collection: 'meta', key: 'samples', value: { seededAt: Date.now(), deployed: proxies, sharedFlows } }]);
  logger.info({ organization, environment, samples: proxies, sharedFlows }, 'deployed the sample bundles');
  return { proxies, sharedFlows, sampleApiKey };
}

async function seedSharedFlows(deps: SeedSamplesDeps, organization: string, environment: string): Promise<string[]> {
  const dir = join(deps.config.samples.dir, sharedFlowsFolder);
  const deployed: string[] = [];
  for (const name of await listFolders(dir)) {
    try {
      const bytes = await packBundleDir(join(dir, name), { root: 'sharedflowbundle' });
      const record = await deps.sharedFlows.importRevision({ organization, name, bytes, user: seedUser, validate: true });
      await deps.sharedFlows.deploy({ organization, environment, name, revision: record.revision, user: seedUser });
      deployed.push(name);
    } catch (err) {
      deps.logger.error({ err, sample: name }, 'a sample shared flow could not be deployed');
    }
  }
  let hooks: Record<string, unknown> = {};
  try {
    hooks = JSON.parse(await readFile(join(dir, 'flowhooks.json'), 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') deps.logger.error({ err }, 'sample flowhooks.json could not be read');
  }
  for (const [point, sharedFlow] of Object.entries(hooks)) {
    if (!flowHookPoints.includes(point as FlowHookPoint) || typeof sharedFlow !== 'string' || !deployed.includes(sharedFlow)) {
      deps.logger.error({ point, sharedFlow }, 'sample flow hook skipped: unknown hook or shared flow not deployed');
      continue;
    }
    await deps.sharedFlows.attachFlowHook({
      organization, environment, point: point as FlowHookPoint, sharedFlow, continueOnError: true, description: 'sample', user: seedUser,
    });
  }
  return deployed;
}

async function seedSampleApp(deps: SeedSamplesDeps, organization: string, environment: string): Promise<string | undefined> {
  try {
    await deps.developers.createProduct(organization, { ...keyedSample.product, proxies: [keyedSample.proxy], environments: [environment] }, seedUser);
    await deps.developers.createDeveloper(organization, { ...keyedSample.developer }, seedUser);
    const app = await deps.developers.createApp(organization, keyedSample.developer.email, { name: keyedSample.app, apiProducts: [keyedSample.product.name] }, seedUser);
    return app.credentials[0]?.consumerKey;
  } catch (err) {
    deps.logger.error({ err }, 'the sample developer app could not be created');
    return undefined;
  }
}
