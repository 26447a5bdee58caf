// Test helper that talks raw HTTP/1.1 to a port, for framing checks no HTTP client would let a test see.
import { connect } from 'node:net';

/** Sends `payload` and resolves with every byte the server wrote until it closed the connection (send `Connection: close`). */
export function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after some bytes is an answer too (an aborted response); only a failure to connect is an error.
      if (err.code === 'ECONNRESET') return;
      reject(err);
    });
    socket.write(payload);
  });
}

/** Resolves true when a TCP connection to the port is refused, false when it is accepted (then closed at once). */
export function isConnectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve(true);
      // Queued in the backlog of a listener that closed meanwhile: not accepted, but not a clean refusal either.
      else if (err.code === 'ECONNRESET') resolve(false);
      else reject(err);
    });
  });
}
