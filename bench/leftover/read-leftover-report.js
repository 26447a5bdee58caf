// Reads what Baton says about leftover revisions: the deploy answer, the per-proxy listing and the metrics text.

/**
 * @typedef {object} LeftoverReport
 * @property {string | null} warning          the deploy answer's `baton.warning`
 * @property {unknown} leftoverRevisions      the deploy answer's `baton.leftoverRevisions`
 * @property {Array<{ revision: string, basePath: unknown, state: unknown, leftover: boolean, baton: unknown }>} entries
 *   the listing's entries in the environment, `leftover` from their `baton.leftover`
 * @property {number | null} gauge            `baton_leftover_revisions{org,env}`, null when absent
 */

/**
 * @param {{ deployBody: unknown, listingBody: unknown, metricsText: string }} sources
 * @param {{ organization: string, environment: string }} where
 * @returns {LeftoverReport}
 */
export function readLeftoverReport(sources, where) {
  const baton = /** @type {{ baton?: { warning?: unknown, leftoverRevisions?: unknown } } | null} */ (sources.deployBody)?.baton;

  const environments = /** @type {{ environment?: Array<{ name?: unknown, revision?: unknown }> } | null} */ (sources.listingBody)?.environment ?? [];
  const listed = environments.find((e) => e.name === where.environment)?.revision;
  const entries = (Array.isArray(listed) ? listed : []).map((/** @type {{ name?: unknown, configuration?: { basePath?: unknown }, state?: unknown, baton?: { leftover?: unknown } }} */ e) => ({
    revision: String(e.name),
    basePath: e.configuration?.basePath,
    state: e.state,
    leftover: e.baton?.leftover === true,
    baton: e.baton ?? null,
  }));

  /** @type {number | null} */
  let gauge = null;
  for (const line of sources.metricsText.split('\n')) {
    if (!line.startsWith('baton_leftover_revisions{')) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.indexOf('}'));
    if (labels.includes(`org="${where.organization}"`) && labels.includes(`env="${where.environment}"`)) gauge = Number(line.slice(line.indexOf('}') + 1).trim());
  }

  return { warning: typeof baton?.warning === 'string' ? baton.warning : null, leftoverRevisions: baton?.leftoverRevisions ?? null, entries, gauge };
}
