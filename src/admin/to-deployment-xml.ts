// The XML form of `GET …/apis/{api}/deployments` (compat §3.9), which existing deploy scripts parse.
import { escapeXml } from './send-xml.js';
import type { DeploymentServerJson } from './to-deployment-servers.js';
import type { ApiDeploymentsJson } from './to-deployment-listings.js';
import type { DeploymentEntryJson } from './to-deployment-json.js';

function toServerXml(server: DeploymentServerJson): string {
  return `<Server><Status>${escapeXml(server.status)}</Status><Types><Type>${escapeXml(server.type[0])}</Type></Types><UUID>${escapeXml(server.uUID)}</UUID></Server>`;
}

/** Scripts read the direct child `State` and the first descendant `BasePath`: Configuration comes first. */
function toRevisionXml(entry: DeploymentEntryJson): string {
  const servers = entry.server.length === 0 ? '<Servers/>' : `<Servers>${entry.server.map(toServerXml).join('')}</Servers>`;
  return `    <Revision name="${escapeXml(entry.name)}"><Configuration><BasePath>${escapeXml(entry.configuration.basePath)}</BasePath><Steps/></Configuration>${servers}<State>${escapeXml(entry.state)}</State></Revision>\n`;
}

/** Root element `APIProxyDeployments` (compat §3.9, our choice: Edge's name is not published). */
export function toApiDeploymentsXml(listing: ApiDeploymentsJson): string {
  const environments = listing.environment
    .map((env) => `  <Environment name="${escapeXml(env.name)}">\n${env.revision.map(toRevisionXml).join('')}  </Environment>\n`)
    .join('');
  return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + `<APIProxyDeployments name="${escapeXml(listing.name)}" organization="${escapeXml(listing.organization)}">\n${environments}</APIProxyDeployments>\n`;
}
