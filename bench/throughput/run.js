// Benchmark `throughput`: a small JSON answer hit directly, through a bare undici proxy and through Baton, in one run.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { parseKnobs } from '../lib/knobs.js';
import { measureScenario } from '../lib/measure-scenario.js';
import { startChild } from '../lib/start-child.js';
import { stopOnSignal } from '../lib/stop-on-signal.js';
import { toRatios } from '../lib/to-ratios.js';
import { BASE_PATH, ENVIRONMENT, ORGANIZATION, VIRTUAL_HOST, toGatewaySpec } from './gateway-spec.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const REQUEST_PATH = '/json';

/** @param {string} line */
const log = (line) => process.stderr.write(`throughput: ${line}\n`);

/**
 * @param {Agent} agent
 * @param {string} url
 * @returns {Promise<{ statusCode: number, body: string }>}
 */
async function fetchOnce(agent, url) {
  const res = await request(url, { dispatcher: agent, headersTimeout: 5_000, bodyTimeout: 5_000 });
  return { statusCode: res.statusCode, body: await res.body.text() };
}

/**
 * @param {import('../lib/start-child.js').StartedChild} child
 * @param {string} key
 * @returns {string}
 */
const readyUrl = (child, key) => String(/** @type {Record<string, unknown>} */ (child.ready.urls)[key]);

/** @type {string[]} */
const problems = [];
/** @type {Record<string, import('../lib/measure-scenario.js').ScenarioResult>} */
const scenarios = {};
/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'throughput',
  startedAt: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  platform: `${process.platform}-${process.arch}`,
  // Other work on the machine skews every figure; this says whether there was any when the run began.
  loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  knobs: undefined,
  responseBodyBytes: undefined,
  processes: 'load generator (autocannon, one thread) in this process; target, undici proxy and Baton gateway in one child process each',
  scenarios,
  ratios: {},
  problems,
  ok: false,
};

/** @type {import('../lib/start-child.js').StartedChild[]} */
const children = [];
/** @type {Promise<unknown> | undefined} */
let stopping;
const stopAll = () => (stopping ??= Promise.all(children.map((c) => c.close())));
stopOnSignal(stopAll, log);

const agent = new Agent();
try {
  const knobs = parseKnobs(process.env);
  summary.knobs = knobs;

  log('starting target, undici proxy and gateway');
  const target = await startChild(`${benchDir}target-child.js`, {}, { name: 'target' });
  children.push(target);
  const targetUrl = readyUrl(target, 'target');
  const undiciProxy = await startChild(`${benchDir}undici-proxy-child.js`, { targetUrl }, { name: 'undici proxy' });
  children.push(undiciProxy);
  const gateway = await startChild(`${benchDir}gateway-child.js`, toGatewaySpec(targetUrl), { name: 'gateway' });
  children.push(gateway);

  const directUrl = `${targetUrl}${REQUEST_PATH}`;
  /** @type {import('../lib/measure-scenario.js').Scenario[]} */
  const plan = [
    { name: 'direct', path: 'client → target', url: directUrl, processes: { target } },
    {
      name: 'undiciProxy',
      path: 'client → undici Pool.stream proxy → target',
      url: `${readyUrl(undiciProxy, 'proxy')}${REQUEST_PATH}`,
      processes: { proxy: undiciProxy, target },
    },
    {
      name: 'baton',
      path: 'client → Baton pass-through proxy → target',
      url: `${readyUrl(gateway, `${ORGANIZATION}/${ENVIRONMENT}/${VIRTUAL_HOST}`)}${BASE_PATH}${REQUEST_PATH}`,
      processes: { proxy: gateway, target },
    },
  ];

  const expected = await fetchOnce(agent, directUrl);
  summary.responseBodyBytes = Buffer.byteLength(expected.body);
  for (const scenario of plan) {
    // A proxy that answers fast but wrong would win a benchmark: check one answer before measuring.
    const check = await fetchOnce(agent, scenario.url);
    if (check.statusCode !== 200 || check.body !== expected.body) {
      problems.push(`${scenario.name}: check request got ${check.statusCode} ${JSON.stringify(check.body.slice(0, 200))}, expected 200 and the target's body`);
      continue;
    }
    scenarios[scenario.name] = await measureScenario(scenario, knobs, { problems, log });
  }

  const { direct, undiciProxy: floor, baton } = scenarios;
  summary.ratios = {
    'baton/direct': baton && direct ? toRatios(baton, direct) : null,
    'baton/undiciProxy': baton && floor ? toRatios(baton, floor) : null,
    'undiciProxy/direct': floor && direct ? toRatios(floor, direct) : null,
  };
  if (!baton) problems.push('baton: not measured');
  // The gateway logs at warn: requests autocannon cuts off when a run ends can add a few lines; more means trouble.
  summary.gatewayLogLines = gateway.stderrLines();
  if (problems.length > 0) summary.gatewayStderrTail = gateway.stderrTail();
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
} finally {
  await stopAll();
  await agent.close();
}

summary.ok = problems.length === 0;
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.exitCode = summary.ok ? 0 : 1;
