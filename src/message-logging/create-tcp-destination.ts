// Syslog over TCP or TLS (RFC 6587 newline framing, RFC 5425): a bounded queue, one connection, reconnect with backoff.
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  CLOSE_FLUSH_MS, DEFAULT_MAX_QUEUED, DEFAULT_MAX_QUEUED_BYTES, MAX_MESSAGE_BYTES, createFailureLog, toBoundedMessage,
  type DestinationDeps, type MessageLogDestination,
} from './message-log-destination.js';

export interface TcpDestinationOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly rejectUnauthorized: boolean };
  readonly maxQueued?: number;
  /** Bytes queued at most; past it, new messages are dropped (counted). */
  readonly maxQueuedBytes?: number;
  readonly connectTimeoutMs?: number;
  /** First reconnect delay; it doubles per failed attempt up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const DEFAULTS = { connectTimeoutMs: 5_000, initialBackoffMs: 100, maxBackoffMs: 30_000 };

/**
 * Connects on the first message. While the connection is down or the server reads slower than messages come,
 * messages wait in the queue (up to maxQueued messages and maxQueuedBytes, then new ones are dropped and counted)
 * and reconnects back off exponentially. At most one chunk past the socket's high-water mark is handed to the
 * socket; the rest waits in the bounded queue, so a server that accepts but never reads holds memory bounded.
 * Messages already written to a connection that then breaks are lost: syslog over TCP has no acknowledgements.
 */
export function createTcpDestination(options: TcpDestinationOptions, deps: DestinationDeps): MessageLogDestination {
  const { host, port } = options;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const initialBackoffMs = options.initialBackoffMs ?? DEFAULTS.initialBackoffMs;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
  const failures = createFailureLog(deps.logger, `${options.tls ? 'tls' : 'tcp'}://${host}:${port}`);
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let socket: Socket | undefined;
  let connected = false;
  let waitingForDrain = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let attempts = 0;
  let closed = false;
  let flushed: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const scheduleReconnect = (): void => {
    if (closed || reconnectTimer || queue.length === 0) return;
    const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(attempts, 20));
    attempts += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      open();
    }, delay);
    reconnectTimer.unref();
  };

  const pump = (): void => {
    if (!socket || !connected || waitingForDrain) return;
    while (queue.length > 0) {
      const chunk = queue.shift() as Buffer;
      queuedBytes -= chunk.byteLength;
      if (!socket.write(chunk)) {
        waitingForDrain = true;
        return;
      }
    }
    flushed?.();
  };

  const open = (): void => {
    if (closed || socket) return;
    const onConnected = (): void => {
      connected = true;
      attempts = 0;
      created.setTimeout(0);
      failures.recovered();
      pump();
    };
    const created = options.tls
      ? connectTls({ host, port, rejectUnauthorized: options.tls.rejectUnauthorized, ...(isIP(host) === 0 ? { servername: host } : {}) }, onConnected)
      : connectTcp({ host, port }, onConnected);
    socket = created;
    created.unref();
    // Until connected, the idle timeout is the connect timeout (a blackholed host must not hold the queue forever).
    created.setTimeout(connectTimeoutMs, () => {
      if (!connected) created.destroy(new Error(`connect timeout after ${connectTimeoutMs} ms`));
    });
    created.on('drain', () => {
      waitingForDrain = false;
      pump();
    });
    created.on('error', (err) => failures.failed(err));
    // A syslog server does not answer; anything it sends is read and discarded so the socket never stalls.
    created.resume();
    created.on('close', () => {
      socket = undefined;
      connected = false;
      waitingForDrain = false;
      scheduleReconnect();
    });
  };

  return {
    send(message) {
      if (closed) return deps.onDropped('tcp', 'failed');
      if (queue.length >= maxQueued) return deps.onDropped('tcp', 'queue_full');
      const line = toBoundedMessage(message.endsWith('\n') ? message.slice(0, -1) : message, MAX_MESSAGE_BYTES, '\n');
      if (queuedBytes + line.byteLength > maxQueuedBytes) return deps.onDropped('tcp', 'queue_full');
      queue.push(line);
      queuedBytes += line.byteLength;
      if (connected) pump();
      else if (!socket && !reconnectTimer) open();
    },
    close() {
      closing ??= closeOnce();
      return closing;
    },
  };

  async function closeOnce(): Promise<void> {
    // One deadline for flushing and closing: a stuck server must not hold shutdown longer than that.
    const deadline = Date.now() + CLOSE_FLUSH_MS;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (connected && queue.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_FLUSH_MS);
        flushed = () => {
          clearTimeout(timer);
          resolve();
        };
        pump();
      });
    }
    closed = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    for (let i = 0; i < queue.length; i++) deps.onDropped('tcp', 'failed');
    queue.length = 0;
    queuedBytes = 0;
    const current = socket;
    if (!current) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => current.destroy(), Math.max(0, deadline - Date.now()));
      current.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (connected) current.end();
      else current.destroy();
    });
  }
}
