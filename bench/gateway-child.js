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
 * @property {string} [dataDir]  the gateway's files go under `<dataDir>/data` and stay when it closes (a restart on
 *   the same store); absent: a temporary directory removed on close
 * @property {number} [workers]  data-plane worker processes (`baton serve --workers`); absent or 1: none
 * @property {string} [logFile]  log lines go to this file, through the destination `baton serve` writes its stdout
 *   with (src/log-destination.ts createLogDestination: asynchronous, batched); absent: stderr
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
 * @param {(logs: { createLogDestination: (dest: string) => import('pino').DestinationStream }) => import('pino').DestinationStream} toDestination
 * @returns {Promise<import('../src/gateway.js').Gateway>}
 */
async function startGateway(spec, dataDir, toDestination) {
  const [{ parseConfig }, { createGateway }, { createLogger }, { createLogDestination }] = await Promise.all([
    import(new URL('config.js', dist).href),
    import(new URL('gateway.js', dist).href),
    import(new URL('logger.js', dist).href),
    import(new URL('log-destination.js', dist).href),
  ]).catch((err) => {
    throw new Error('cannot load dist/: run `npm run build` first', { cause: err });
  });
  const raw = { ...structuredClone(spec.config), dataDir: join(dataDir, 'data') };
  const restorePorts = toPlaceholderPorts(raw);
  // An empty environment: BATON_* variables of the shell running the bench must not move listeners off loopback.
  const config = restorePorts(parseConfig(raw, {}, dataDir, dataDir));
  const logger = createLogger({ level: config.logging.level, destination: toDestination({ createLogDestination }) });
  /** @type {import('../src/gateway.js').Gateway} */
  const gateway = await createGateway(config, { logger, ...((spec.workers ?? 1) > 1 ? { workers: { count: spec.workers } } : {}) });
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
 * @typedef {object} BulkImportMessage
 * @property {'bulkImport'} type
 * @property {string} [organization]  default: the first configured organization
 * @property {Record<string, string>} files  ONE bundle, imported under every name
 * @property {string} apiPrefix       proxies `${apiPrefix}${i}` for i in [from, to)
 * @property {number} from
 * @property {number} to
 * @property {number} [concurrency]   imports in flight
 */

/**
 * @typedef {object} BulkDeployMessage
 * @property {'bulkDeploy'} type
 * @property {string} [organization]  default: the first configured organization
 * @property {string} environment
 * @property {Record<string, string>} [files]  ONE bundle, imported under every name first; absent: `revisions` says
 *   what a `bulkImport` imported
 * @property {number[]} [revisions]   without `files`: the revision of `${apiPrefix}${from + k}` at index k
 * @property {string} apiPrefix       proxies `${apiPrefix}${i}` for i in [from, to)
 * @property {number} from
 * @property {number} to
 * @property {string} basePathPrefix  deployment base path `${basePathPrefix}${i}`, so the copies do not collide
 * @property {number} [concurrency]   imports in flight (deploys run one at a time in Baton anyway)
 * @property {number} [batchSize]     deploy through `deployments.applyEnvironmentChange`, this many proxies per change
 *   (one commit and one route swap each); absent: one `deployments.deploy` per proxy
 */

/**
 * Imports many copies of one bundle in-process through the service the management API calls
 * (`revisions.importRevision`), without HTTP, auth or the audit trail. The bundle is packed once and imported under
 * each name, so the store keeps one blob; each copy is still parsed and stored on its own.
 * @param {import('../src/gateway.js').Gateway} gateway
 * @param {Omit<BulkImportMessage, 'type'>} message
 */
async function bulkImport(gateway, message) {
  const organization = message.organization ?? gateway.config.organizations[0]?.name ?? '';
  const bytes = await packBundle(message.files);
  const startedAt = performance.now();
  /** @type {number[]} */
  const revisions = new Array(message.to - message.from);
  let next = message.from;
  const importSome = async () => {
    while (next < message.to) {
      const index = next++;
      const revision = await gateway.revisions.importRevision({ organization, api: `${message.apiPrefix}${index}`, bytes, user: 'bench', validate: true });
      revisions[index - message.from] = revision.revision;
    }
  };
  await Promise.all(Array.from({ length: message.concurrency ?? 8 }, importSome));
  return { imported: revisions.length, importMs: Math.round(performance.now() - startedAt), revisions };
}

/**
 * Imports (unless given `revisions`) and deploys many proxies in-process through the services the management API
 * calls (`revisions.importRevision`, then `deployments.deploy` per proxy or `deployments.applyEnvironmentChange` per
 * batch), without HTTP, auth or the audit trail: at 10,000 proxies the management API would take minutes. Each copy
 * is still compiled and routed on its own.
 * @param {import('../src/gateway.js').Gateway} gateway
 * @param {BulkDeployMessage} message
 */
async function bulkDeploy(gateway, message) {
  const organization = message.organization ?? gateway.config.organizations[0]?.name ?? '';
  let importMs = 0;
  let revisions = message.revisions;
  if (message.files) {
    const imported = await bulkImport(gateway, { ...message, files: message.files });
    importMs = imported.importMs;
    revisions = imported.revisions;
  }
  if (!revisions || revisions.length !== message.to - message.from) throw new Error('bulkDeploy: give files, or one revision per proxy in revisions');
  const items = revisions.map((revision, k) => ({ api: `${message.apiPrefix}${message.from + k}`, revision, basePath: `${message.basePathPrefix}${message.from + k}` }));
  const startedAt = performance.now();
  const batchSize = message.batchSize;
  if (batchSize) {
    for (let start = 0; start < items.length; start += batchSize) {
      await gateway.deployments.applyEnvironmentChange({
        organization, environment: message.environment, user: 'bench',
        changes: items.slice(start, start + batchSize).map(({ api, revision, basePath }) => ({ api, deploy: [{ revision, basePath }] })),
      });
    }
  } else {
    await Promise.all(items.map(({ api, revision, basePath }) => gateway.deployments.deploy({
      organization, environment: message.environment, api, revision, basePath, user: 'bench',
    })));
  }
  return { deployed: items.length, importMs, deployMs: Math.round(performance.now() - startedAt) };
}

/**
 * @typedef {object} RouteLookupMessage
 * @property {'routeLookup'} type
 * @property {string} [organization]  default: the first configured organization
 * @property {string} environment
 * @property {string} virtualHost
 * @property {string[]} paths     looked up in turn
 * @property {number} lookups     per round
 * @property {number} rounds      timed rounds (after WARMUP_ROUNDS untimed ones)
 */

const WARMUP_ROUNDS = 3;

/**
 * Times `RouteTable.lookup` on the environment's live routing table, the call every data-plane request makes.
 * Reports the median and the fastest round in nanoseconds per lookup, and how many lookups found no proxy.
 * @param {import('../src/gateway.js').Gateway} gateway
 * @param {RouteLookupMessage} message
 */
function measureRouteLookup(gateway, message) {
  const organization = message.organization ?? gateway.config.organizations[0]?.name ?? '';
  const runtime = gateway.runtimes.get(`${organization}/${message.environment}`);
  if (!runtime) throw new Error(`routeLookup: no environment ${organization}/${message.environment}`);
  const table = runtime.getRouteTable();
  const { paths, virtualHost } = message;
  if (paths.length === 0) throw new Error('routeLookup: no paths');
  let misses = 0;
  /** @type {string[]} */
  const matched = [];
  const round = () => {
    let found = 0;
    const startedAt = process.hrtime.bigint();
    for (let i = 0; i < message.lookups; i++) {
      // Kept live, so the JIT cannot drop the call.
      if (table.lookup(virtualHost, /** @type {string} */ (paths[i % paths.length])) !== undefined) found++;
    }
    const elapsedNs = Number(process.hrtime.bigint() - startedAt);
    misses = message.lookups - found;
    return elapsedNs / message.lookups;
  };
  // Untimed: lets the JIT optimize lookup for these paths before anything is timed.
  for (let i = 0; i < WARMUP_ROUNDS; i++) round();
  const nsPerLookup = Array.from({ length: message.rounds }, round).sort((a, b) => a - b);
  for (const path of paths.slice(0, 3)) matched.push(table.lookup(virtualHost, path)?.target.basePath ?? '(none)');
  const median = nsPerLookup[Math.floor(nsPerLookup.length / 2)] ?? 0;
  return {
    paths: paths.length,
    lookupsPerRound: message.lookups,
    rounds: message.rounds,
    nsPerLookup: { median: Math.round(median * 10) / 10, min: Math.round((nsPerLookup[0] ?? 0) * 10) / 10 },
    misses,
    firstMatches: matched,
  };
}

/**
 * The answers to this child's own messages.
 * @param {import('../src/gateway.js').Gateway} gateway
 * @param {{ type: string } & Record<string, unknown>} message
 */
function answer(gateway, message) {
  const typed = /** @type {unknown} */ (message);
  switch (message.type) {
    case 'bulkImport': return bulkImport(gateway, /** @type {BulkImportMessage} */ (typed));
    case 'bulkDeploy': return bulkDeploy(gateway, /** @type {BulkDeployMessage} */ (typed));
    case 'routeLookup': return Promise.resolve(measureRouteLookup(gateway, /** @type {RouteLookupMessage} */ (typed)));
    default: return undefined;
  }
}

runChild(async (raw) => {
  const spec = /** @type {GatewaySpec} */ (/** @type {unknown} */ (raw));
  const dataDir = spec.dataDir ?? await mkdtemp(join(tmpdir(), 'baton-bench-'));
  const removeDataDir = () => (spec.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  /** @type {(import('pino').DestinationStream & { flushSync(): void }) | undefined} */
  let logFile;
  // The destination `baton serve` gets for stdout, pointed at a file.
  const gateway = await startGateway(spec, dataDir, ({ createLogDestination }) => {
    if (!spec.logFile) return process.stderr;
    logFile = /** @type {import('pino').DestinationStream & { flushSync(): void }} */ (createLogDestination(spec.logFile));
    return logFile;
  }).catch(async (err) => {
    await removeDataDir();
    throw err;
  });
  /** @type {Record<string, string>} */
  const urls = {};
  for (const l of gateway.listeners) urls[`${l.organization}/${l.environment}/${l.virtualHost}`] = l.url;
  return {
    info: { urls, adminUrl: gateway.adminUrl, storeDir: join(dataDir, 'data', 'store') },
    answer: (message) => answer(gateway, message),
    close: async () => {
      await gateway.close();
      logFile?.flushSync();
      await removeDataDir();
    },
  };
});
