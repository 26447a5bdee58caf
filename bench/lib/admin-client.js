// A small client of Baton's management API (Apigee Edge v1) for benchmarks: import, deploy, undeploy, list, metrics.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} AdminReply
 * @property {number} statusCode
 * @property {unknown} body        parsed JSON, or the text when it is not JSON
 * @property {number} durationMs   from sending the request to the end of the response body, client side
 */

/**
 * @typedef {object} DeployOptions
 * @property {boolean} [override]
 * @property {number} [delaySeconds]
 * @property {string} [basePath]
 */

/**
 * @typedef {object} AdminClient
 * @property {(api: string, bytes: Uint8Array) => Promise<number>} importBundle  the new revision number; throws unless 201
 * @property {(environment: string, api: string, revision: number, options?: DeployOptions) => Promise<AdminReply>} deploy
 * @property {(environment: string, api: string, revision: number) => Promise<AdminReply>} undeploy
 * @property {(api: string) => Promise<AdminReply>} listDeployments  `GET …/apis/{api}/deployments`
 * @property {() => Promise<string>} readMetrics  `GET /metrics` (Prometheus text)
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ adminUrl: string, user: string, password: string, organization: string, connections?: number }} options
 * @returns {AdminClient}
 */
export function createAdminClient(options) {
  const pool = new Pool(options.adminUrl, { connections: options.connections ?? 8 });
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  const org = `/v1/organizations/${encodeURIComponent(options.organization)}`;

  /**
   * @param {'GET' | 'POST' | 'DELETE'} method
   * @param {string} path
   * @param {{ body?: Uint8Array, contentType?: string, auth?: boolean }} [extra]
   * @returns {Promise<AdminReply>}
   */
  const send = async (method, path, extra = {}) => {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    if (extra.auth !== false) headers.authorization = authorization;
    if (extra.contentType) headers['content-type'] = extra.contentType;
    const startedAt = performance.now();
    const res = await pool.request({
      method, path, headers, body: extra.body, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    const text = await res.body.text();
    const durationMs = performance.now() - startedAt;
    /** @type {unknown} */
    let body = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (the metrics text): kept as text.
    }
    return { statusCode: res.statusCode, body, durationMs };
  };

  /** @param {string} environment @param {string} api @param {number} revision */
  const deploymentPath = (environment, api, revision) =>
    `${org}/environments/${encodeURIComponent(environment)}/apis/${encodeURIComponent(api)}/revisions/${revision}/deployments`;

  return {
    async importBundle(api, bytes) {
      const reply = await send('POST', `${org}/apis?action=import&validate=true&name=${encodeURIComponent(api)}`, { body: bytes, contentType: 'application/octet-stream' });
      const revision = Number(/** @type {{ revision?: unknown } | null} */ (reply.body)?.revision);
      if (reply.statusCode !== 201 || !Number.isInteger(revision)) {
        throw new Error(`import of ${api}: ${reply.statusCode} ${JSON.stringify(reply.body).slice(0, 300)}`);
      }
      return revision;
    },
    deploy(environment, api, revision, deploy = {}) {
      const query = new URLSearchParams();
      if (deploy.override !== undefined) query.set('override', String(deploy.override));
      if (deploy.delaySeconds !== undefined) query.set('delay', String(deploy.delaySeconds));
      if (deploy.basePath !== undefined) query.set('basepath', deploy.basePath);
      const search = query.size > 0 ? `?${query}` : '';
      return send('POST', `${deploymentPath(environment, api, revision)}${search}`);
    },
    undeploy: (environment, api, revision) => send('DELETE', deploymentPath(environment, api, revision)),
    listDeployments: (api) => send('GET', `${org}/apis/${encodeURIComponent(api)}/deployments`),
    async readMetrics() {
      const reply = await send('GET', '/metrics', { auth: false });
      if (reply.statusCode !== 200) throw new Error(`GET /metrics: ${reply.statusCode}`);
      return String(reply.body);
    },
    close: () => pool.close(),
  };
}
