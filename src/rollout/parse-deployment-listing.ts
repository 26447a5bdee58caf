// Deployment listings (compat §3.8) → the revisions of one proxy deployed in one environment, and the leftover check.

export interface ListedDeployment {
  readonly revision: string;
  /** The deployment base path (`configuration.basePath`). */
  readonly basePath: string | undefined;
  readonly state: string;
  /** Baton: a replaced revision still inside its delay or drain (`baton.draining`). */
  readonly draining: boolean;
  /** Baton: the gateway itself calls it a leftover (`baton.leftover`). */
  readonly flaggedLeftover: boolean;
}

export interface DeploymentListing {
  readonly deployments: readonly ListedDeployment[];
  /** Warnings a gateway added in a top-level `baton` object (`warning` or `warnings`). */
  readonly warnings: readonly string[];
}

export interface DeploymentCheck {
  readonly deployed: readonly ListedDeployment[];
  readonly newRevisionDeployed: boolean;
  /** Revisions of the proxy deployed in the environment other than the new one. */
  readonly leftovers: readonly ListedDeployment[];
  readonly warnings: readonly string[];
}

/** A management answer that is not the documented listing shape. */
export class ListingShapeError extends Error {
  override name = 'ListingShapeError';
}

const maxWarnings = 10;
const maxWarningLength = 300;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function toListedDeployment(entry: unknown): ListedDeployment {
  if (!isObject(entry) || (typeof entry.name !== 'string' && typeof entry.name !== 'number')) {
    throw new ListingShapeError('a deployment entry has no revision name');
  }
  const configuration = isObject(entry.configuration) ? entry.configuration : {};
  const baton = isObject(entry.baton) ? entry.baton : {};
  return {
    revision: String(entry.name),
    basePath: typeof configuration.basePath === 'string' ? configuration.basePath : undefined,
    state: typeof entry.state === 'string' ? entry.state : 'deployed',
    draining: baton.draining === true,
    flaggedLeftover: baton.leftover === true,
  };
}

function toRevisionEntries(revisions: unknown): ListedDeployment[] {
  if (!Array.isArray(revisions)) throw new ListingShapeError('expected a "revision" array');
  return revisions.map(toListedDeployment);
}

/** Top-level `baton.warning` / `baton.warnings` strings of a management answer, bounded. */
export function toGatewayWarnings(json: unknown): string[] {
  if (!isObject(json) || !isObject(json.baton)) return [];
  const { warning, warnings } = json.baton;
  const all = [warning, ...(Array.isArray(warnings) ? warnings : [])].filter((w): w is string => typeof w === 'string' && w !== '');
  return all.slice(0, maxWarnings).map((w) => w.slice(0, maxWarningLength));
}

/** `GET …/apis/{api}/deployments`: the entries of `environment` (none when it is not listed). */
export function parseApiDeploymentListing(json: unknown, environment: string): DeploymentListing {
  if (!isObject(json) || !Array.isArray(json.environment)) throw new ListingShapeError('expected an "environment" array');
  const deployments: ListedDeployment[] = [];
  for (const env of json.environment) {
    if (isObject(env) && env.name === environment) deployments.push(...toRevisionEntries(env.revision));
  }
  return { deployments, warnings: toGatewayWarnings(json) };
}

/** `GET …/environments/{env}/apis/{api}/deployments` (a 400 ApplicationNotDeployed means none: the caller's job). */
export function parseEnvironmentDeploymentListing(json: unknown): DeploymentListing {
  if (!isObject(json)) throw new ListingShapeError('expected a JSON object');
  return { deployments: toRevisionEntries(json.revision), warnings: toGatewayWarnings(json) };
}

/** Leftover: any revision of the proxy still deployed in the environment other than the new one. */
export function toDeploymentCheck(listing: DeploymentListing, revision: number): DeploymentCheck {
  const deployed = listing.deployments.filter((d) => d.state !== 'undeployed');
  const isNew = (d: ListedDeployment): boolean => d.revision === String(revision);
  return {
    deployed,
    newRevisionDeployed: deployed.some(isNew),
    leftovers: deployed.filter((d) => !isNew(d)),
    warnings: listing.warnings,
  };
}
