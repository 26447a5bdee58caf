// The exit code rules of `baton rollout`: what makes a rollout fail, each reason spelled out.
import type { DeploymentCheck, ListedDeployment } from './parse-deployment-listing.js';

export interface RolloutFacts {
  readonly environment: string;
  readonly revision: number;
  readonly expectLeftover: boolean;
  /** The gateway's message when the deploy (or, in plain mode, an undeploy) failed. */
  readonly deployFailure: string | undefined;
  readonly responses5xx: number;
  readonly transportErrors: { readonly reset: number; readonly timeout: number; readonly other: number };
  /** Undefined when the listing was not read (failed deploy); a string when reading it failed. */
  readonly deployments: DeploymentCheck | string | undefined;
}

export interface RolloutVerdict {
  readonly exitCode: 0 | 1;
  readonly failures: readonly string[];
}

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

function describeLeftover(d: ListedDeployment): string {
  const path = d.basePath === undefined ? '' : ` at base path ${d.basePath}`;
  return `revision ${d.revision}${path}${d.draining ? ' (still draining)' : ''}`;
}

/** Fails on a failed deploy, any 5xx, any transport error, an unreadable listing, or a leftover that was not expected. */
export function toRolloutVerdict(facts: RolloutFacts): RolloutVerdict {
  const failures: string[] = [];
  if (facts.deployFailure !== undefined) failures.push(`deploy failed: ${facts.deployFailure}`);
  if (facts.responses5xx > 0) failures.push(`${plural(facts.responses5xx, 'response')} with status 5xx`);
  const { reset, timeout, other } = facts.transportErrors;
  const errors = reset + timeout + other;
  if (errors > 0) failures.push(`${plural(errors, 'transport error')} (${plural(reset, 'reset')}, ${plural(timeout, 'timeout')}, ${other} other)`);
  const check = facts.deployments;
  if (typeof check === 'string') {
    failures.push(`could not check the deployments: ${check}`);
  } else if (check !== undefined) {
    if (!check.newRevisionDeployed) failures.push(`revision ${facts.revision} is not deployed in ${facts.environment} after the rollout`);
    if (check.leftovers.length > 0 && !facts.expectLeftover) {
      failures.push(`leftover: ${check.leftovers.map(describeLeftover).join(', ')} still deployed in ${facts.environment}`);
    }
    if (check.leftovers.length === 0 && facts.expectLeftover) failures.push('--expect-leftover was given but no leftover revision is deployed');
  }
  return { exitCode: failures.length > 0 ? 1 : 0, failures };
}
