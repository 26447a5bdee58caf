// After the delay: which revisions of the proxy are deployed in the environment, and which are leftovers.
import { ManagementCallError, toGatewayMessage, type ManagementClient } from './create-management-client.js';
import { ListingShapeError, parseApiDeploymentListing, toDeploymentCheck, type DeploymentCheck } from './parse-deployment-listing.js';

export interface CheckDeploymentsInput {
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly sleep: (ms: number) => Promise<void>;
}

// A replaced revision the gateway marks as draining is on its way out: look again for a short while before
// calling it a leftover (its undeploy timer and our delay timer started at slightly different moments).
const drainRecheckMs = 250;
const maxDrainRechecks = 20;

/** The check, or a string saying why the listing could not be read. */
export async function checkDeployments(client: ManagementClient, input: CheckDeploymentsInput): Promise<DeploymentCheck | string> {
  for (let attempt = 0; ; attempt += 1) {
    let check: DeploymentCheck;
    try {
      const result = await client.listApiDeployments(input.api);
      if (result.status !== 200) return `${result.method} ${result.path} answered ${result.status}: ${toGatewayMessage(result)}`;
      check = toDeploymentCheck(parseApiDeploymentListing(result.body, input.environment), input.revision);
    } catch (err) {
      if (err instanceof ManagementCallError) return err.message;
      if (err instanceof ListingShapeError) return `unexpected deployment listing: ${err.message}`;
      throw err;
    }
    if (attempt >= maxDrainRechecks || !check.leftovers.some((d) => d.draining)) return check;
    await input.sleep(drainRecheckMs);
  }
}
