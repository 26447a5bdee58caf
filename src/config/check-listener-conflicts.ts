// Start-up check that no two listeners (admin, virtual hosts, demo targets) would bind the same address and port.
import type { ConfigProblems } from './config-reader.js';

export interface ListenerAddress {
  /** Config path of the listener, for the message. */
  readonly path: string;
  readonly host: string;
  readonly port: number;
}

// A wildcard bind takes the port on every address, so it collides with any other host on that port.
const wildcardHosts = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

export function checkListenerConflicts(problems: ConfigProblems, listeners: readonly ListenerAddress[]): void {
  for (let i = 1; i < listeners.length; i++) {
    const listener = listeners[i]!;
    const earlier = listeners.slice(0, i).find((other) => isSameSocket(other, listener));
    if (earlier) {
      problems.add(listener.path, `${toAddress(listener)} is also used by ${earlier.path} (${toAddress(earlier)})`);
    }
  }
}

function isSameSocket(a: ListenerAddress, b: ListenerAddress): boolean {
  // Port 0 never collides: each such listener gets its own free port.
  if (a.port !== b.port || a.port === 0) return false;
  const hostA = a.host.toLowerCase();
  const hostB = b.host.toLowerCase();
  return hostA === hostB || wildcardHosts.has(hostA) || wildcardHosts.has(hostB);
}

function toAddress(listener: ListenerAddress): string {
  return listener.host.includes(':') ? `[${listener.host}]:${listener.port}` : `${listener.host}:${listener.port}`;
}
