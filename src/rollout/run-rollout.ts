// Runs one rollout: load before, deploy, load through the delay and after, then the deployment check and the report.
import { setTimeout as sleep } from 'node:timers/promises';
import { checkDeployments } from './check-deployments.js';
import { createLoadDriver, type LoadDriver, type LoadOptions } from './create-load-driver.js';
import { createManagementClient, ManagementCallError, toGatewayMessage, type ManagementClient, type ManagementClientOptions } from './create-management-client.js';
import type { ProgressState } from './create-progress-line.js';
import { createSampleTally } from './create-sample-tally.js';
import type { RolloutOptions } from './parse-rollout-options.js';
import type { RolloutSample } from './rollout-sample.js';
import type { RolloutTimeline } from './rollout-timeline.js';
import { performDeploy } from './perform-deploy.js';
import { toRolloutReport, type RolloutReport, type RolloutSubject } from './to-rollout-report.js';

export interface RolloutDeps {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  createLoadDriver(options: LoadOptions, onSample: (sample: RolloutSample) => void): LoadDriver;
  createManagementClient(options: ManagementClientOptions): ManagementClient;
}

export const defaultRolloutDeps: RolloutDeps = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
  createLoadDriver,
  createManagementClient,
};

export interface RolloutInput {
  readonly options: RolloutOptions;
  readonly body: Buffer | undefined;
  readonly onProgress?: (state: ProgressState) => void;
}

/** The rollout could not start (bad credentials, unknown proxy, unreachable management API): no load was sent. */
export class RolloutAbortError extends Error {
  override name = 'RolloutAbortError';
}

const managementCallTimeoutMs = 120_000; // an Apigee deploy can take tens of seconds
const requestTimeoutS = 10;
const progressIntervalMs = 250;
// autocannon's own stop, should close() never run; the rollout stops it long before.
const watchdogSlackS = 3600;

function toSubject(options: RolloutOptions): RolloutSubject {
  return {
    management: options.managementUrl, organization: options.organization, environment: options.environment, api: options.api,
    revision: options.revision, mode: options.mode, delaySeconds: options.delaySeconds, basePath: options.basePath,
    target: options.targetUrl, method: options.method, connections: options.connections, overallRate: options.overallRate,
    revisionHeader: options.revisionHeader, expectLeftover: options.expectLeftover,
  };
}

/** Reads the proxy's deployments before any load: checks the address, the credentials and that the proxy exists. */
async function assertManagementReachable(client: ManagementClient, api: string): Promise<void> {
  try {
    const result = await client.listApiDeployments(api);
    if (result.status !== 200) throw new RolloutAbortError(`cannot read the deployments of ${api}: ${result.method} ${result.path} answered ${result.status}: ${toGatewayMessage(result)}`);
  } catch (err) {
    if (err instanceof ManagementCallError) throw new RolloutAbortError(`cannot reach the management API: ${err.message}`, { cause: err });
    throw err;
  }
}

export async function runRollout(input: RolloutInput, deps: RolloutDeps = defaultRolloutDeps): Promise<RolloutReport> {
  const { options } = input;
  const delayMs = options.delaySeconds * 1000;
  const client = deps.createManagementClient({
    baseUrl: options.managementUrl, organization: options.organization, credentials: options.credentials,
    insecure: options.insecure, callTimeoutMs: managementCallTimeoutMs,
  });
  let load: LoadDriver | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    await assertManagementReachable(client, options.api);

    let timeline: RolloutTimeline = { loadStartedAtMs: deps.now(), deployStartedAtMs: undefined, deployReturnedAtMs: undefined, delayMs, loadStoppedAtMs: undefined };
    const tally = createSampleTally({ api: options.api, revision: options.revision, timeline: () => timeline });
    load = deps.createLoadDriver({
      url: options.targetUrl, connections: options.connections, overallRate: options.overallRate, method: options.method, body: input.body,
      headers: { 'user-agent': 'baton-rollout', ...(options.contentType === undefined ? {} : { 'content-type': options.contentType }) },
      revisionHeader: options.revisionHeader, requestTimeoutS,
      maxDurationS: Math.ceil((options.beforeMs + options.afterMs) / 1000) + options.delaySeconds + watchdogSlackS,
      now: deps.now,
    }, (sample) => tally.add(sample));

    const plannedMs = options.beforeMs + delayMs + options.afterMs;
    const reportProgress = (): void => {
      const now = deps.now();
      input.onProgress?.({ ...tally.progress(now), elapsedMs: now - timeline.loadStartedAtMs, plannedMs });
    };
    if (input.onProgress) {
      progressTimer = setInterval(reportProgress, progressIntervalMs);
      progressTimer.unref();
    }

    reportProgress();
    await deps.sleep(options.beforeMs);
    timeline = { ...timeline, deployStartedAtMs: deps.now() };
    reportProgress();
    const deploy = await performDeploy(client, options, deps.now);
    const deployReturnedAtMs = deps.now();
    timeline = { ...timeline, deployReturnedAtMs };
    reportProgress();
    if (deploy.ok) {
      await deps.sleep(Math.max(0, deployReturnedAtMs + delayMs - deps.now()));
      reportProgress();
      await deps.sleep(options.afterMs);
    }
    // A failed deploy changed nothing worth watching: stop the load at once.
    timeline = { ...timeline, loadStoppedAtMs: deps.now() };
    await load.close();
    load = undefined;

    const deployments = deploy.ok
      ? await checkDeployments(client, { environment: options.environment, api: options.api, revision: options.revision, sleep: deps.sleep })
      : undefined;
    return toRolloutReport({ subject: toSubject(options), summary: tally.toSummary(), timeline, deploy, deployments });
  } finally {
    clearInterval(progressTimer);
    await load?.close();
    await client.close();
  }
}
