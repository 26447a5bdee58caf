// Bench child: a real Baton gateway built from a JSON spec (config file shape + bundles to deploy), on loopback.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packBundle } from './lib/pack-bundle.js';
import { runChild } from './lib/run-child.js';

const dist = new URL('../dist/', import.meta.url);

/**
 * @typedef {object} DeploySpec
 * @property {string} [organization]     default: the first configured organization
 * @property {string} environment
 * @property {string} api
 * @property {string} [basePath]
 * @property {Record<string, string>} files  bundle files by path, e.g. `apiproxy/proxies/default.xml`
 */

/**
 * A Baton config file's contents (validated by parseConfig); a port 0 means "any free port". Benchmarks that
 * call the management API set `admin.password` (the administrator is `admin.user`, `admin@baton.local` by default).
 * @typedef {{
 *   admin?: { port?: number, host?: string, user?: string, password?: string },
 *   organizations?: Array<{ environments?: Array<{ virtualHosts?: Array<{ port?: number }> }> }>,
 * } & Record<string, unknown>} RawConfig
 */

/**
 * @typedef {object} GatewaySpec
 * @property {RawConfig} config
 * @property {DeploySpec[]} [deploy]
 */

/** @typedef {import('../src/config.js').BatonConfig} BatonConfig */

/**
 * parseConfig accepts ports 1-65535 only, so each port 0 is swapped for a distinct placeholder (never bound) for
 * validation and put back afterwards. Returns the restore step.
 * @param {RawConfig} raw  mutated
 * @returns {(config: BatonConfig) => BatonConfig}
 */
function toPlaceholderPorts(raw) {
  let next = 1;
  /** @type {Set<number>} */
  const ephemeral = new Set();
  const swap = (/** @type {{ port?: number }} */ holder) => {
    if (holder.port !== 0) return;
    holder.port = next++;
    ephemeral.add(holder.port);
  };
  if (raw.admin) swap(raw.admin);
  for (const org of raw.organizations ?? []) for (const env of org.environments ?? []) for (const vhost of env.virtualHosts ?? []) swap(vhost);
  return (config) => {
    // parseConfig freezes its result; the clone is the editable copy.
    const copy = structuredClone(config);
    const restore = (/** @type {{ port: number }} */ holder) => {
      if (ephemeral.has(holder.port)) holder.port = 0;
    };
    restore(copy.admin);
    for (const org of copy.organizations) for (const env of org.environments) for (const vhost of env.virtualHosts) restore(vhost);
    return copy;
  };
}

/**
 * Writes a bundle's files under `dir` and zips them the way `baton bundle pack` does.
 * @param {string} dir
 * @param {Record<string, string>} files
 * @returns {Promise<Uint8Array>}
 */
async function packBundleFiles(dir, files) {
  const { packBundleDir } = await import(new URL('bundle/pack-bundle-dir.js', dist).href);
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return packBundleDir(dir);
}

/**
 * Creates the gateway in `dataDir` and deploys the spec's bundles; closes it again if a deploy fails.
 * @param {GatewaySpec} spec
 * @param {string} dataDir
 * @returns {Promise<import('../src/gateway.js').Gateway>}
 */
async function startGateway(spec, dataDir) {
  const [{ parseConfig }, { createGateway }, { createLogger }] = await Promise.all([
    import(new URL('config.js', dist).href),
    import(new URL('gateway.js', dist).href),
    import(new URL('logger.js', dist).href),
  ]).catch((err) => {
    throw new Error('cannot load dist/: run `npm run build` first', { cause: err });
  });
  const raw = { ...structuredClone(spec.config), dataDir: join(dataDir, 'data') };
  const restorePorts = toPlaceholderPorts(raw);
  // An empty environment: BATON_* variables of the shell running the bench must not move listeners off loopback.
  const config = restorePorts(parseConfig(raw, {}, dataDir, dataDir));
  const logger = createLogger({ level: config.logging.level, destination: process.stderr });
  /** @type {import('../src/gateway.js').Gateway} */
  const gateway = await createGateway(config, { logger });
  try {
    for (const [index, item] of (spec.deploy ?? []).entries()) {
      const organization = item.organization ?? config.organizations[0]?.name ?? '';
      const bytes = await packBundleFiles(join(dataDir, 'bundles', String(index)), item.files);
      const revision = await gateway.revisions.importRevision({ organization, api: item.api, bytes, user: 'bench', validate: true });
      await gateway.deployments.deploy({
        organization, environment: item.environment, api: item.api, revision: revision.revision, basePath: item.basePath, user: 'bench',
      });
    }
  } catch (err) {
    await gateway.close();
    throw err;
  }
  return gateway;
}

/**
 * @typedef {object} BulkDeployMessage
 * @property {'bulkDeploy'} type
 * @property {string} [organization]  default: the first configured organization
 * @property {string} environment
 * @property {Record<string, string>} files  ONE bundle, imported under every name
 * @property {string} apiPrefix       proxies `${apiPrefix}${i}` for i in [from, to)
 * @property {number} from
 * @property {number} to
 * @property {string} basePathPrefix  deployment base path `${basePathPrefix}${i}`, so the copies do not collide
 * @property {number} [concurrency]   imports in flight (deploys run one at a time in Baton anyway)
 */

/**
 * Imports and deploys many proxies in-process through the same services the management API calls
 * (`revisions.importRevision`, `deployments.deploy`), without HTTP, auth or the audit trail: at 10,000 proxies the
 * management API would take minutes. One bundle is packed once and imported under each name, so the store keeps
 * one blob; each copy is still parsed, stored, compiled and routed on its own.
 * @param {import('../src/gateway.js').Gateway} gateway
 * @param {BulkDeployMessage} message
 */
async function bulkDeploy(gateway, message) {
  const organization = message.organization ?? gateway.config.organizations[0]?.name ?? '';
  const bytes = await packBundle(message.files);
  const startedAt = performance.now();
  let next = message.from;
  const importOne = async () => {
    /** @type {Array<{ api: string, index: number, revision: number }>} */
    const imported = [];
    while (next < message.to) {
      const index = next++;
      const api = `${message.apiPrefix}${index}`;
      const revision = await gateway.revisions.importRevision({ organization, api, bytes, user: 'bench', validate: true });
      imported.push({ api, index, revision: revision.revision });
    }
    return imported;
  };
  const imported = (await Promise.all(Array.from({ length: message.concurrency ?? 8 }, importOne))).flat();
  const importedAt = performance.now();
  await Promise.all(imported.map(({ api, index, revision }) => gateway.deployments.deploy({
    organization, environment: message.environment, api, revision, basePath: `${message.basePathPrefix}${index}`, user: 'bench',
  })));
  const doneAt = performance.now();
  return { deployed: imported.length, importMs: Math.round(importedAt - startedAt), deployMs: Math.round(doneAt - importedAt) };
}

runChild(async (spec) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'baton-bench-'));
  const gateway = await startGateway(/** @type {GatewaySpec} */ (/** @type {unknown} */ (spec)), dataDir).catch(async (err) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  /** @type {Record<string, string>} */
  const urls = {};
  for (const l of gateway.listeners) urls[`${l.organization}/${l.environment}/${l.virtualHost}`] = l.url;
  return {
    info: { urls, adminUrl: gateway.adminUrl, storeDir: join(dataDir, 'data', 'store') },
    answer: (message) => (message.type === 'bulkDeploy' ? bulkDeploy(gateway, /** @type {BulkDeployMessage} */ (/** @type {unknown} */ (message))) : undefined),
    close: async () => {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
