// Syslog over UDP (RFC 5426): one datagram per message, the host name resolved in the background and cached, a bounded number of sends in flight.
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  CLOSE_FLUSH_MS, DEFAULT_MAX_QUEUED, DEFAULT_MAX_QUEUED_BYTES, createFailureLog, toBoundedMessage,
  type DestinationDeps, type MessageLogDestination,
} from './message-log-destination.js';

// The largest UDP payload over IPv4 (65535 − 8 − 20); longer messages are truncated, as syslog relays do.
const MAX_DATAGRAM_BYTES = 65_507;
/** How long a resolved address is used before it is looked up again (in the background; the old one serves meanwhile). */
export const DEFAULT_DNS_TTL_MS = 60_000;
// After a failed first lookup, messages are dropped (counted) for this long before the next attempt.
const LOOKUP_RETRY_MS = 5_000;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

export interface UdpDestinationOptions {
  readonly host: string;
  readonly port: number;
  /** Messages sent or waiting for the first lookup; past it, new ones are dropped (counted). */
  readonly maxInFlight?: number;
  /** Bytes sent or waiting; past it, new messages are dropped (counted). */
  readonly maxQueuedBytes?: number;
  /** Resolves the host name (default: the system resolver, as node:dns lookup). */
  readonly lookup?: (host: string) => Promise<ResolvedAddress>;
  readonly dnsTtlMs?: number;
  /** Epoch milliseconds (the DNS cache's clock). */
  readonly now?: () => number;
}

/**
 * An IP literal is used as it is. A host name is looked up once, off the request path, and its address reused for
 * dnsTtlMs; past that, the next message triggers a background lookup and goes to the old address meanwhile (a failed
 * refresh keeps the old address). Messages sent before the first lookup completes wait for it (bounded).
 */
export function createUdpDestination(options: UdpDestinationOptions, deps: DestinationDeps): MessageLogDestination {
  const { host, port } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_QUEUED;
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const lookup = options.lookup ?? ((name: string) => dnsLookup(name));
  const dnsTtlMs = options.dnsTtlMs ?? DEFAULT_DNS_TTL_MS;
  const now = options.now ?? Date.now;
  const failures = createFailureLog(deps.logger, `udp://${host}:${port}`);
  const sockets = new Map<number, Socket>();
  const literal = isIP(host);
  let resolved: (ResolvedAddress & { expiresAt: number }) | undefined = literal === 0 ? undefined : { address: host, family: literal, expiresAt: Infinity };
  let resolving: Promise<void> | undefined;
  let retryAt = -Infinity;
  const pending: Buffer[] = [];
  let inFlight = 0;
  let bytesInFlight = 0;
  let closed = false;
  let released = false;
  let idle: (() => void) | undefined;

  const socketFor = (family: number): Socket => {
    let socket = sockets.get(family);
    if (!socket) {
      socket = createSocket(family === 6 ? 'udp6' : 'udp4');
      // An unconnected socket reports few errors here (ICMP unreachable is not one); they must never crash the gateway.
      socket.on('error', (err) => failures.failed(err));
      socket.unref();
      sockets.set(family, socket);
    }
    return socket;
  };

  const settle = (datagram: Buffer): void => {
    inFlight -= 1;
    bytesInFlight -= datagram.byteLength;
    if (inFlight === 0) idle?.();
  };

  const transmit = (datagram: Buffer, target: ResolvedAddress): void => {
    if (released) {
      deps.onDropped('udp', 'failed');
      settle(datagram);
      return;
    }
    socketFor(target.family).send(datagram, port, target.address, (err) => {
      if (err) {
        failures.failed(err);
        deps.onDropped('udp', 'failed');
      } else {
        failures.recovered();
      }
      settle(datagram);
    });
  };

  const refresh = (): void => {
    if (resolving) return;
    resolving = lookup(host)
      .then((address) => {
        resolved = { address: address.address, family: address.family, expiresAt: now() + dnsTtlMs };
        for (const datagram of pending.splice(0)) transmit(datagram, resolved);
      })
      .catch((err: unknown) => {
        failures.failed(err);
        if (resolved) {
          // Keep the address we have; look it up again after a pause rather than on every message.
          resolved.expiresAt = now() + LOOKUP_RETRY_MS;
          return;
        }
        retryAt = now() + LOOKUP_RETRY_MS;
        for (const datagram of pending.splice(0)) {
          deps.onDropped('udp', 'failed');
          settle(datagram);
        }
      })
      .finally(() => {
        resolving = undefined;
      });
  };

  return {
    send(message) {
      if (closed) return deps.onDropped('udp', 'failed');
      if (inFlight >= maxInFlight) return deps.onDropped('udp', 'queue_full');
      const datagram = toBoundedMessage(message, MAX_DATAGRAM_BYTES);
      if (bytesInFlight + datagram.byteLength > maxQueuedBytes) return deps.onDropped('udp', 'queue_full');
      if (!resolved && now() < retryAt) return deps.onDropped('udp', 'failed');
      inFlight += 1;
      bytesInFlight += datagram.byteLength;
      if (resolved) {
        if (now() >= resolved.expiresAt) refresh();
        transmit(datagram, resolved);
        return;
      }
      pending.push(datagram);
      refresh();
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
      released = true;
      for (const datagram of pending.splice(0)) {
        deps.onDropped('udp', 'failed');
        settle(datagram);
      }
      await Promise.all([...sockets.values()].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
      sockets.clear();
    },
  };
}
