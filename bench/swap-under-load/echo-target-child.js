// Bench child: a target that answers each request with the sha-256 and size of the body it received (integrity checks).
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, listenOnLoopback } from '../lib/loopback-server.js';
import { runChild } from '../lib/run-child.js';

runChild(async () => {
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.once('end', () => {
      const body = Buffer.from(JSON.stringify({ method: req.method, bytes, sha256: hash.digest('hex') }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  const port = await listenOnLoopback(server);
  return { info: { urls: { target: `http://127.0.0.1:${port}` } }, close: () => closeServer(server) };
});
