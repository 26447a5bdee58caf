// Bench child: the target server, answering every request with the same small JSON document over keep-alive.
import { createServer } from 'node:http';
import { closeServer, listenOnLoopback } from './lib/loopback-server.js';
import { runChild } from './lib/run-child.js';

// About the size of a typical small API answer; fixed so every scenario moves the same bytes.
const body = Buffer.from(JSON.stringify({
  id: 1,
  name: 'Espresso cup',
  price: 4.5,
  currency: 'EUR',
  tags: ['kitchen', 'coffee'],
}));

runChild(async () => {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  const port = await listenOnLoopback(server);
  return { info: { urls: { target: `http://127.0.0.1:${port}` } }, close: () => closeServer(server) };
});
