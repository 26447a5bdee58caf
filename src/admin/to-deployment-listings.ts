// The deployment listings of compat §3.8: per proxy, per environment and proxy, per environment, per revision, per organization.
import { toDeploymentEntryJson, type DeploymentEntryJson } from './to-deployment-json.js';
import type { DeploymentView } from './to-deployment-view.js';

export interface ApiDeploymentsJson {
  readonly environment: ReadonlyArray<{ readonly name: string; readonly revision: readonly DeploymentEntryJson[] }>;
  readonly name: string;
  readonly organization: string;
}

export interface EnvironmentApiDeploymentsJson {
  readonly environment: string;
  readonly name: string;
  readonly organization: string;
  readonly revision: readonly DeploymentEntryJson[];
}

interface ApiRevisionsJson {
  readonly name: string;
  readonly revision: readonly DeploymentEntryJson[];
}

export interface EnvironmentDeploymentsJson {
  readonly aPIProxy: readonly ApiRevisionsJson[];
  readonly name: string;
  readonly organization: string;
}

export interface RevisionDeploymentsJson {
  readonly aPIProxy: string;
  readonly environment: readonly DeploymentEntryJson[];
  readonly name: string;
  readonly organization: string;
}

export interface OrganizationDeploymentsJson {
  readonly environment: ReadonlyArray<{ readonly aPIProxy: readonly ApiRevisionsJson[]; readonly name: string }>;
  readonly name: string;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Groups views by a key, groups sorted by name; each group keeps the views' order (toListedViews). */
function groupBy(views: readonly DeploymentView[], keyOf: (view: DeploymentView) => string): Array<[string, DeploymentView[]]> {
  const groups = new Map<string, DeploymentView[]>();
  for (const view of views) {
    const key = keyOf(view);
    const group = groups.get(key);
    if (group) group.push(view);
    else groups.set(key, [view]);
  }
  return [...groups].sort(([a], [b]) => byCodeUnits(a, b));
}

const toRevisionEntries = (views: readonly DeploymentView[]): DeploymentEntryJson[] =>
  views.map((view) => toDeploymentEntryJson(view, String(view.record.revision)));

const toApiRevisions = (views: readonly DeploymentView[]): ApiRevisionsJson[] =>
  groupBy(views, (v) => v.record.api).map(([name, group]) => ({ name, revision: toRevisionEntries(group) }));

/** `GET …/apis/{api}/deployments`; no deployments: `"environment": []`. */
export function toApiDeploymentsJson(organization: string, api: string, views: readonly DeploymentView[]): ApiDeploymentsJson {
  return {
    environment: groupBy(views, (v) => v.record.environment).map(([name, group]) => ({ name, revision: toRevisionEntries(group) })),
    name: api,
    organization,
  };
}

/** `GET …/environments/{env}/apis/{api}/deployments`; the caller answers 400 when there is none. */
export function toEnvironmentApiDeploymentsJson(organization: string, environment: string, api: string, views: readonly DeploymentView[]): EnvironmentApiDeploymentsJson {
  return { environment, name: api, organization, revision: toRevisionEntries(views) };
}

/** `GET …/environments/{env}/deployments`; no deployments: `"aPIProxy": []`. */
export function toEnvironmentDeploymentsJson(organization: string, environment: string, views: readonly DeploymentView[]): EnvironmentDeploymentsJson {
  return { aPIProxy: toApiRevisions(views), name: environment, organization };
}

/** `GET …/apis/{api}/revisions/{rev}/deployments`: one entry per environment, named after it; none: `"environment": []`. */
export function toRevisionDeploymentsJson(organization: string, api: string, revision: number, views: readonly DeploymentView[]): RevisionDeploymentsJson {
  const environments = groupBy(views, (v) => v.record.environment).map(([name, group]) => toDeploymentEntryJson(group[0]!, name));
  return { aPIProxy: api, environment: environments, name: String(revision), organization };
}

/** `GET …/deployments`: environments with at least one deployment; none: `"environment": []`. */
export function toOrganizationDeploymentsJson(organization: string, views: readonly DeploymentView[]): OrganizationDeploymentsJson {
  return {
    environment: groupBy(views, (v) => v.record.environment).map(([name, group]) => ({ aPIProxy: toApiRevisions(group), name })),
    name: organization,
  };
}
