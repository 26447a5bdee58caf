// What a MessageLogging destination is (syslog over UDP, TCP or TLS; a file) and what every destination shares.
import type { Logger } from 'pino';

/** Where messages go; two policies naming the same destination share one sender. */
export type DestinationSpec =
  | { readonly kind: 'udp'; readonly host: string; readonly port: number }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls?: { readonly rejectUnauthorized: boolean } }
  | { readonly kind: 'file'; readonly fileName: string; readonly rotation?: FileRotation };

export interface FileRotation {
  /** Rotate when the next write would take the file past this size. */
  readonly maxBytes: number;
  /** Rotated files kept (`name.1` … `name.N`, newest first). */
  readonly maxFiles: number;
  /** Rotate a non-empty file when the destination first opens it. */
  readonly rotateOnStartup: boolean;
}

export type MessageLogTransport = 'udp' | 'tcp' | 'file';
export type DropReason = 'queue_full' | 'failed';

export interface MessageLogDestination {
  /** Queues one message and returns at once: never throws, never waits. A full queue drops the message (counted). */
  send(message: string): void;
  /** Sends what is queued (within a bounded time), then releases the socket or file. Messages sent afterwards are dropped. */
  close(): Promise<void>;
}

export interface DestinationDeps {
  readonly logger: Logger;
  /** Counts a lost message (the metric `baton_message_logging_dropped_total`). */
  readonly onDropped: (transport: MessageLogTransport, reason: DropReason) => void;
}

/** Messages a destination holds while its socket or file catches up; past it, new ones are dropped. */
export const DEFAULT_MAX_QUEUED = 10_000;
/** Bytes a destination holds while its socket or file catches up; past it, new messages are dropped. */
export const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** The largest message a destination takes (a template naming `request.content` can render megabytes); longer ones are cut. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Ends a message cut at MAX_MESSAGE_BYTES (or at the UDP datagram limit). */
export const TRUNCATED_MARKER = '...[truncated]';
/** How long close() waits for queued messages to go out. */
export const CLOSE_FLUSH_MS = 2_000;

/**
 * Logs a destination's failure once per failure streak (a dead syslog server must not flood the gateway log),
 * and its recovery.
 */
export function createFailureLog(logger: Logger, destination: string): { failed(err: unknown): void; recovered(): void } {
  let failing = false;
  return {
    failed(err) {
      if (failing) return;
      failing = true;
      logger.warn({ err, destination }, 'MessageLogging destination failing; messages are dropped until it recovers');
    },
    recovered() {
      if (!failing) return;
      failing = false;
      logger.info({ destination }, 'MessageLogging destination recovered');
    },
  };
}

/**
 * The message as UTF-8, `suffix` (a line end) included, at most `maxBytes` long: a longer one is cut on a character
 * boundary and ends with TRUNCATED_MARKER (then the suffix). Only the head of a huge string is encoded.
 */
export function toBoundedMessage(message: string, maxBytes = MAX_MESSAGE_BYTES, suffix = ''): Buffer {
  const tail = Buffer.from(`${TRUNCATED_MARKER}${suffix}`, 'utf8');
  // A UTF-16 code unit is at least one UTF-8 byte, so the first maxBytes code units hold every byte that can be kept.
  const head = message.length > maxBytes ? message.slice(0, maxBytes) : message;
  const encoded = Buffer.from(head + suffix, 'utf8');
  if (head === message && encoded.byteLength <= maxBytes) return encoded;
  let end = Math.max(0, maxBytes - tail.byteLength);
  // Back up to the first byte of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return Buffer.concat([encoded.subarray(0, end), tail]);
}
