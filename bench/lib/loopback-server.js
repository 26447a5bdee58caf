// Listening on and closing the loopback node:http servers of the bench children.

/**
 * @param {import('node:http').Server} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // A benchmark's load is over when this is called; idle keep-alive sockets would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/**
 * Listens on 127.0.0.1 (benchmarks are loopback only) on an ephemeral port.
 * @param {import('node:http').Server} server
 * @returns {Promise<number>} the port
 */
export function listenOnLoopback(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
    });
  });
}
