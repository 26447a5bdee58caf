// The gateway's MessageLogging destinations: one sender per destination, shared by every policy naming it, closed with the last user.
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import { createFileDestination } from './create-file-destination.js';
import { createTcpDestination } from './create-tcp-destination.js';
import { createUdpDestination } from './create-udp-destination.js';
import type { DestinationSpec, DropReason, MessageLogDestination, MessageLogTransport } from './message-log-destination.js';

export interface MessageLogSendersOptions {
  /** The only directory `File` destinations may write in. */
  readonly logDir: string;
  readonly logger: Logger;
  readonly onDropped?: (transport: MessageLogTransport, reason: DropReason) => void;
}

/** A compiled policy's hold on a destination; release it exactly once when the policy closes. */
export interface MessageLogLease {
  readonly destination: MessageLogDestination;
  release(): void;
}

export interface MessageLogSenders {
  /** Throws an Error (so the deploy fails) for a file name that would leave the log directory. */
  acquire(spec: DestinationSpec): MessageLogLease;
  /** Flushes and closes every destination (gateway shutdown). */
  close(): Promise<void>;
}

/** A plain file name: no directory part, not `.`/`..`, no NUL. */
export function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && name.length <= 255;
}

function keyOf(spec: DestinationSpec): string {
  if (spec.kind === 'file') return `file ${spec.fileName}`;
  if (spec.kind === 'udp') return `udp ${spec.host} ${spec.port}`;
  return `tcp ${spec.host} ${spec.port} ${spec.tls ? `tls ${spec.tls.rejectUnauthorized}` : 'plain'}`;
}

/**
 * Destinations are keyed by what they write to. Two policies naming one file share its writer, whose rotation
 * settings are those of the first policy compiled while it is open.
 */
export function createMessageLogSenders(options: MessageLogSendersOptions): MessageLogSenders {
  const logDir = resolve(options.logDir);
  const deps = { logger: options.logger, onDropped: options.onDropped ?? (() => {}) };
  const entries = new Map<string, { destination: MessageLogDestination; users: number }>();
  const closing = new Set<Promise<void>>();

  const create = (spec: DestinationSpec): MessageLogDestination => {
    if (spec.kind === 'udp') return createUdpDestination({ host: spec.host, port: spec.port }, deps);
    if (spec.kind === 'tcp') return createTcpDestination({ host: spec.host, port: spec.port, ...(spec.tls ? { tls: spec.tls } : {}) }, deps);
    if (!isPlainFileName(spec.fileName)) throw new Error(`FileName "${spec.fileName}" must be a plain file name inside the log directory`);
    const path = join(logDir, spec.fileName);
    const inside = relative(logDir, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw new Error(`FileName "${spec.fileName}" would leave the log directory`);
    return createFileDestination({ path, ...(spec.rotation ? { rotation: spec.rotation } : {}) }, deps);
  };

  return {
    acquire(spec) {
      const key = keyOf(spec);
      let entry = entries.get(key);
      if (!entry) entries.set(key, (entry = { destination: create(spec), users: 0 }));
      entry.users += 1;
      const held = entry;
      let released = false;
      return {
        destination: held.destination,
        release() {
          if (released) return;
          released = true;
          held.users -= 1;
          if (held.users > 0 || entries.get(key) !== held) return;
          entries.delete(key);
          const done = held.destination.close().catch((err: unknown) => options.logger.warn({ err }, 'closing a MessageLogging destination failed'));
          closing.add(done);
          void done.finally(() => closing.delete(done));
        },
      };
    },
    async close() {
      const open = [...entries.values()];
      entries.clear();
      await Promise.allSettled([...open.map((e) => e.destination.close()), ...closing]);
    },
  };
}
