// One phase of swap-under-load's traffic: keep-alive clients (autocannon) and new-connection clients, GETs and POSTs.
import { runFreshConnectionLoad } from '../lib/run-fresh-connection-load.js';
import { runLoad } from '../lib/run-load.js';
import { createResponseCheck } from './create-response-check.js';

/**
 * @typedef {object} MixedLoadOptions
 * @property {string} origin       the gateway's data-plane URL
 * @property {string} path         request path (base path + suffix)
 * @property {Buffer} body         POST body
 * @property {number} connections  keep-alive connections
 * @property {number} freshClients new-connection clients
 * @property {number} durationS    longest run; `until` may end it sooner
 * @property {Promise<unknown>} [until]
 * @property {import('./create-deploy-timeline.js').DeployTimeline} [timeline]  checks new-connection answers against deploys
 */

/**
 * Both kinds of clients alternate GET and POST; every answer is checked (create-response-check.js).
 * @param {MixedLoadOptions} options
 */
export async function runMixedLoad(options) {
  const check = createResponseCheck(options.body, options.timeline);
  const postHeaders = { 'content-type': 'application/octet-stream' };
  const [keepAlive, freshConnection] = await Promise.all([
    runLoad({
      url: `${options.origin}${options.path}`,
      connections: options.connections,
      pipelining: 1,
      durationS: options.durationS,
      until: options.until,
      requests: [
        { method: 'GET', path: options.path, onResponse: check.onKeepAliveResponse('GET') },
        { method: 'POST', path: options.path, headers: postHeaders, body: options.body, onResponse: check.onKeepAliveResponse('POST') },
      ],
    }),
    options.freshClients === 0 ? undefined : runFreshConnectionLoad({
      origin: options.origin,
      clients: options.freshClients,
      durationS: options.durationS,
      until: options.until,
      requests: [
        { method: 'GET', path: options.path, onResponse: check.onFreshResponse('GET') },
        { method: 'POST', path: options.path, headers: postHeaders, body: options.body, onResponse: check.onFreshResponse('POST') },
      ],
    }),
  ]);
  const loads = freshConnection ? [keepAlive, freshConnection] : [keepAlive];
  return {
    requests: loads.reduce((n, l) => n + l.requests, 0),
    non2xx: loads.reduce((n, l) => n + l.non2xx, 0),
    errors: loads.reduce((n, l) => n + l.errors, 0),
    ...check.tally,
    keepAlive,
    freshConnection,
  };
}
