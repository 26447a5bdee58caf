// Benchmark `leftover`: under load, a deploy to another base path leaves the old revision serving; is it reported?
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { createAdminClient } from '../lib/admin-client.js';
import { createBenchRun } from '../lib/create-bench-run.js';
import { loadKnobSpecs, parseKnobSpecs } from '../lib/knobs.js';
import { packBundle } from '../lib/pack-bundle.js';
import { runLoad } from '../lib/run-load.js';
import { toRunInfo } from '../lib/to-run-info.js';
import { ADMIN_USER, toDataPlaneUrl, toManagedGatewaySpec } from '../lib/to-managed-gateway-spec.js';
import { toPassThroughBundle } from '../lib/to-pass-through-bundle.js';
import { readLeftoverReport } from './read-leftover-report.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const ORGANIZATION = 'demo';
const ENVIRONMENT = 'test';
const API = 'leftover';
/** The ProxyEndpoint's BasePath; the deployment base path goes in front of it. */
const PROXY_BASE_PATH = '/leftover';
const NEW_DEPLOYMENT_BASE_PATH = '/v2';
const OLD_PATH = `${PROXY_BASE_PATH}/json`;
const NEW_PATH = `${NEW_DEPLOYMENT_BASE_PATH}${PROXY_BASE_PATH}/json`;
const PROBES = 20;

const knobSpecs = loadKnobSpecs.filter((s) => s.env === 'CONNECTIONS' || s.env === 'DURATION');

const run = createBenchRun('leftover');
const { log, problems } = run;
/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'leftover',
  ...toRunInfo(),
  knobs: undefined,
  processes: 'load generator (autocannon) and management calls in this process; target and Baton gateway in one child process each',
};

/**
 * Sends `PROBES` GETs and tallies status and revision header.
 * @param {Agent} agent
 * @param {string} url
 */
async function probe(agent, url) {
  /** @type {Record<string, number>} */
  const statusCodes = {};
  /** @type {Record<string, number>} */
  const revisions = {};
  for (let i = 0; i < PROBES; i++) {
    const res = await request(url, { dispatcher: agent, headersTimeout: 5_000, bodyTimeout: 5_000 });
    await res.body.dump();
    statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
    const revision = String(res.headers['x-baton-revision'] ?? 'none');
    revisions[revision] = (revisions[revision] ?? 0) + 1;
  }
  return { url, statusCodes, revisions };
}

/** @param {Record<string, number>} statusCodes */
const count5xx = (statusCodes) => Object.entries(statusCodes).reduce((n, [code, count]) => n + (code.startsWith('5') ? count : 0), 0);

const agent = new Agent();
try {
  const knobs = /** @type {{ connections: number, durationS: number }} */ (/** @type {unknown} */ (parseKnobSpecs(process.env, knobSpecs)));
  summary.knobs = knobs;
  const adminPassword = randomBytes(18).toString('base64url');

  log('starting target and gateway');
  const target = await run.start(`${benchDir}target-child.js`, {}, { name: 'target' });
  const targetUrl = String(/** @type {Record<string, unknown>} */ (target.ready.urls).target);
  const gatewaySpec = toManagedGatewaySpec({ organization: ORGANIZATION, environment: ENVIRONMENT, adminPassword, revisionHeader: true });
  const gateway = await run.start(`${benchDir}gateway-child.js`, gatewaySpec, { name: 'gateway' });
  const origin = toDataPlaneUrl(gateway, { organization: ORGANIZATION, environment: ENVIRONMENT });
  const admin = createAdminClient({ adminUrl: String(gateway.ready.adminUrl), user: ADMIN_USER, password: adminPassword, organization: ORGANIZATION, connections: 2 });

  try {
    const revisions = [];
    for (const description of ['leftover revision 1', 'leftover revision 2']) {
      revisions.push(await admin.importBundle(API, await packBundle(toPassThroughBundle({ api: API, basePath: PROXY_BASE_PATH, targetUrl, description }))));
    }
    const [oldRevision, newRevision] = /** @type {[number, number]} */ (revisions);
    const first = await admin.deploy(ENVIRONMENT, API, oldRevision);
    if (first.statusCode !== 200) throw new Error(`first deploy: ${first.statusCode} ${JSON.stringify(first.body).slice(0, 300)}`);
    summary.proxy = {
      api: API,
      old: { revision: oldRevision, deploymentBasePath: '/', path: OLD_PATH },
      new: { revision: newRevision, deploymentBasePath: NEW_DEPLOYMENT_BASE_PATH, path: NEW_PATH },
    };

    // The deploy lands in the middle of the load on the old path, which must keep answering 200 throughout.
    log(`load on ${OLD_PATH} for ${knobs.durationS} s, deploying revision ${newRevision} at ${NEW_DEPLOYMENT_BASE_PATH} half-way`);
    const loading = runLoad({ url: `${origin}${OLD_PATH}`, connections: knobs.connections, pipelining: 1, durationS: knobs.durationS });
    await sleep((knobs.durationS * 1000) / 2);
    const deploy = await admin.deploy(ENVIRONMENT, API, newRevision, { override: true, basePath: NEW_DEPLOYMENT_BASE_PATH });
    const [load, oldPath, newPath, listing, metrics] = await Promise.all([
      loading,
      probe(agent, `${origin}${OLD_PATH}`),
      probe(agent, `${origin}${NEW_PATH}`),
      admin.listDeployments(API),
      admin.readMetrics(),
    ]);

    const where = { organization: ORGANIZATION, environment: ENVIRONMENT };
    const { warning, leftoverRevisions, entries, gauge } = readLeftoverReport({ deployBody: deploy.body, listingBody: listing.body, metricsText: metrics }, where);
    const oldEntry = entries.find((e) => e.revision === String(oldRevision));
    summary.deploy = { statusCode: deploy.statusCode, callMs: Math.round(deploy.durationMs * 10) / 10, warning, leftoverRevisions };
    summary.load = { path: OLD_PATH, ...load, status5xx: count5xx(load.statusCodes) };
    summary.probes = { oldBasePath: oldPath, newBasePath: newPath };
    summary.listing = { statusCode: listing.statusCode, entries };
    summary.metrics = { baton_leftover_revisions: gauge };
    const leftoverCaught = {
      bothBasePathsServing: oldPath.statusCodes['200'] === PROBES && newPath.statusCodes['200'] === PROBES,
      deployResponseWarning: warning !== null,
      listingFlag: oldEntry?.leftover === true,
      metric: gauge !== null && gauge >= 1,
      // Baton's warn line 'leftover revisions: other revisions of this proxy stay deployed at other base paths'.
      logWarning: gateway.stderrTail().includes('leftover revisions'),
    };
    summary.leftoverCaught = leftoverCaught;

    if (deploy.statusCode !== 200) problems.push(`deploy to ${NEW_DEPLOYMENT_BASE_PATH}: ${deploy.statusCode} ${JSON.stringify(deploy.body).slice(0, 300)}`);
    const status5xx = count5xx(load.statusCodes) + count5xx(oldPath.statusCodes) + count5xx(newPath.statusCodes);
    if (status5xx > 0) problems.push(`${status5xx} 5xx answers during the swap`);
    if (load.errors > 0) problems.push(`load: ${load.errors} transport errors`);
    if (load.stoppedByWatchdog) problems.push('load: stopped by the watchdog');
    for (const [surface, seen] of Object.entries(leftoverCaught)) {
      if (!seen) problems.push(surface === 'bothBasePathsServing' ? `not both base paths answered 200: ${JSON.stringify(summary.probes)}` : `no leftover reported by: ${surface}`);
    }

    // Undeploying the leftover clears it everywhere and frees the old base path.
    const undeploy = await admin.undeploy(ENVIRONMENT, API, oldRevision);
    const [oldPathAfter, metricsAfter] = await Promise.all([probe(agent, `${origin}${OLD_PATH}`), admin.readMetrics()]);
    summary.afterUndeployingLeftover = {
      undeployStatusCode: undeploy.statusCode,
      oldBasePath: oldPathAfter.statusCodes,
      baton_leftover_revisions: readLeftoverReport({ deployBody: null, listingBody: null, metricsText: metricsAfter }, where).gauge,
    };
    summary.gatewayLogLines = gateway.stderrLines();
  } finally {
    await admin.close();
  }
  for (const child of [target, gateway]) if (child.hasExited()) problems.push(`the ${child.name} process exited during the run\n${child.stderrTail()}`);
  if (problems.length > 0) summary.gatewayStderrTail = gateway.stderrTail();
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
} finally {
  await agent.close();
}

await run.finish(summary);
