// A free loopback port, for a server whose port must be known before it starts (a probe polling it from its first moment).
import { createServer } from 'node:net';

/**
 * Binds port 0 on 127.0.0.1, reads the port the OS chose and releases it. Another process could take it before
 * it is used; on a benchmark machine that is rare, and the server's start then fails loudly (EADDRINUSE).
 * @returns {Promise<number>}
 */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
