// Bench child: a real Baton gateway built from a JSON spec (config file shape + bundles to deploy), on loopback.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
 * A Baton config file's contents (validated by parseConfig); a port 0 means "any free port".
 * @typedef {{
 *   admin?: { port?: number },
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
    info: { urls, adminUrl: gateway.adminUrl },
    close: async () => {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
