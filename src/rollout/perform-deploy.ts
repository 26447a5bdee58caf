// The deploy step of a rollout: seamless (one override deploy) or plain (undeploy what is deployed, then deploy).
import { ManagementCallError, toGatewayMessage, type ManagementCallResult, type ManagementClient } from './create-management-client.js';
import { ListingShapeError, parseEnvironmentDeploymentListing, toGatewayWarnings } from './parse-deployment-listing.js';
import type { RolloutOptions } from './parse-rollout-options.js';
import type { DeployOutcome, ManagementCallRecord } from './to-rollout-report.js';

type DeployTarget = Pick<RolloutOptions, 'environment' | 'api' | 'revision' | 'mode' | 'delaySeconds' | 'basePath'>;

const isSuccess = (status: number): boolean => status >= 200 && status < 300;
const toFailure = (result: ManagementCallResult): string => `${result.method} ${result.path} answered ${result.status}: ${toGatewayMessage(result)}`;

/** Runs the deploy step; never throws for a failed call: the outcome says what failed and the gateway's message. */
export async function performDeploy(client: ManagementClient, target: DeployTarget, now: () => number): Promise<DeployOutcome> {
  const calls: ManagementCallRecord[] = [];
  const warnings: string[] = [];
  const call = async (send: () => Promise<ManagementCallResult>): Promise<ManagementCallResult | ManagementCallError> => {
    const startedAtMs = now();
    try {
      const result = await send();
      calls.push({ method: result.method, path: result.path, status: result.status, durationMs: now() - startedAtMs });
      warnings.push(...toGatewayWarnings(result.body));
      return result;
    } catch (err) {
      if (!(err instanceof ManagementCallError)) throw err;
      calls.push({ method: err.method, path: err.path, status: undefined, durationMs: now() - startedAtMs, error: err.message });
      return err;
    }
  };
  const failed = (message: string): DeployOutcome => ({ ok: false, calls, message, warnings });
  const { environment, api, revision } = target;
  const basePath = target.basePath === undefined ? {} : { basePath: target.basePath };

  if (target.mode === 'plain') {
    const listed = await call(() => client.listEnvironmentApiDeployments(environment, api));
    if (listed instanceof ManagementCallError) return failed(listed.message);
    let deployed: string[];
    if (listed.status === 400 && toGatewayMessage(listed).includes('ApplicationNotDeployed')) {
      deployed = [];
    } else if (listed.status === 200) {
      try {
        deployed = parseEnvironmentDeploymentListing(listed.body).deployments.filter((d) => d.state !== 'undeployed').map((d) => d.revision);
      } catch (err) {
        if (err instanceof ListingShapeError) return failed(`unexpected deployment listing: ${err.message}`);
        throw err;
      }
    } else {
      return failed(toFailure(listed));
    }
    const unnumbered = deployed.find((name) => !/^\d{1,15}$/.test(name));
    if (unnumbered !== undefined) return failed(`unexpected revision name in the deployment listing: ${JSON.stringify(unnumbered.slice(0, 40))}`);
    for (const old of deployed) {
      const undeployed = await call(() => client.undeploy({ environment, api, revision: Number(old) }));
      if (undeployed instanceof ManagementCallError) return failed(undeployed.message);
      if (!isSuccess(undeployed.status)) return failed(toFailure(undeployed));
    }
  }
  const seamless = target.mode === 'seamless' ? { override: true, delaySeconds: target.delaySeconds } : { override: false };
  const deployed = await call(() => client.deploy({ environment, api, revision, ...seamless, ...basePath }));
  if (deployed instanceof ManagementCallError) return failed(deployed.message);
  if (!isSuccess(deployed.status)) return failed(toFailure(deployed));
  return { ok: true, calls, message: undefined, warnings };
}
