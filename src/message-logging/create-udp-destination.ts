// Syslog over UDP (RFC 5426): one datagram per message, a bounded number of sends in flight, failures counted.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { CLOSE_FLUSH_MS, DEFAULT_MAX_QUEUED, createFailureLog, type DestinationDeps, type MessageLogDestination } from './message-log-destination.js';

// The largest UDP payload over IPv4 (65535 − 8 − 20); longer messages are truncated, as syslog relays do.
const MAX_DATAGRAM_BYTES = 65_507;

export function createUdpDestination(options: { host: string; port: number; maxInFlight?: number }, deps: DestinationDeps): MessageLogDestination {
  const { host, port } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_QUEUED;
  const failures = createFailureLog(deps.logger, `udp://${host}:${port}`);
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  // An unconnected socket reports few errors here (ICMP unreachable is not one); they must never crash the gateway.
  socket.on('error', (err) => failures.failed(err));
  socket.unref();
  let inFlight = 0;
  let closed = false;
  let idle: (() => void) | undefined;

  return {
    send(message) {
      if (closed) return deps.onDropped('udp', 'failed');
      if (inFlight >= maxInFlight) return deps.onDropped('udp', 'queue_full');
      let datagram = Buffer.from(message, 'utf8');
      if (datagram.byteLength > MAX_DATAGRAM_BYTES) datagram = datagram.subarray(0, MAX_DATAGRAM_BYTES);
      inFlight += 1;
      // A host name is looked up per send (asynchronously, off the request path), so DNS changes are followed.
      socket.send(datagram, port, host, (err) => {
        inFlight -= 1;
        if (err) {
          failures.failed(err);
          deps.onDropped('udp', 'failed');
        } else {
          failures.recovered();
        }
        if (inFlight === 0) idle?.();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CLOSE_FLUSH_MS);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
