// Bench child: the floor proxy, a bare node:http server forwarding to one origin with undici Pool.stream.
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { closeServer, listenOnLoopback } from './lib/loopback-server.js';
import { runChild } from './lib/run-child.js';

// RFC 9110 §7.6.1: connection-specific fields are not forwarded. No per-request Connection-token parsing: this
// proxy is the least work a correct-enough Node proxy does, not a hardened one.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * @param {Record<string, string | string[] | undefined>} headers
 * @returns {Record<string, string | string[]>}
 */
function withoutHopByHop(headers) {
  /** @type {Record<string, string | string[]>} */
  const kept = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) kept[name] = value;
  }
  return kept;
}

runChild(async (spec) => {
  const targetUrl = new URL(String(spec.targetUrl));
  // Same pool shape as Baton's target client: one keep-alive Pool per origin, no connection cap.
  const pool = new Pool(targetUrl.origin);
  const server = createServer((req, res) => {
    const headers = withoutHopByHop(req.headers);
    headers.host = targetUrl.host;
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool.stream(
      { method: /** @type {import('undici').Dispatcher.HttpMethod} */ (req.method), path: req.url ?? '/', headers, body: hasBody ? req : null },
      ({ statusCode, headers: targetHeaders }) => {
        res.writeHead(statusCode, withoutHopByHop(targetHeaders));
        return res;
      },
      (err) => {
        if (!err) return;
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      },
    );
  });
  const port = await listenOnLoopback(server);
  return {
    info: { urls: { proxy: `http://127.0.0.1:${port}` } },
    close: async () => {
      await closeServer(server);
      await pool.close();
    },
  };
});
