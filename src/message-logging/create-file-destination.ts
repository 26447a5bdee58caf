// A MessageLogging file: lines appended in order by one writer, size-based rotation, a queue bounded in messages and bytes.
import { constants } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  CLOSE_FLUSH_MS, DEFAULT_MAX_QUEUED, DEFAULT_MAX_QUEUED_BYTES, MAX_MESSAGE_BYTES, createFailureLog, toBoundedMessage,
  type DestinationDeps, type FileRotation, type MessageLogDestination,
} from './message-log-destination.js';

// A symbolic link planted in the log directory must not redirect writes elsewhere.
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export interface FileDestinationOptions {
  /** Absolute path, already checked to be inside the log directory. */
  readonly path: string;
  readonly rotation?: FileRotation;
  readonly maxQueued?: number;
  /** Bytes queued at most; past it, new messages are dropped (counted). */
  readonly maxQueuedBytes?: number;
  /** How long close() waits for queued lines to be written. */
  readonly closeFlushMs?: number;
}

// One write takes at most this much of the queue (at least one line), so a burst never becomes one huge buffer.
const MAX_WRITE_BYTES = 1024 * 1024;

/**
 * One writer drains the queue in order. Once close() has given up waiting (or finished), the writer stops: a file
 * it was still opening is closed at once, and what is left in the queue is counted as failed.
 */
export function createFileDestination(options: FileDestinationOptions, deps: DestinationDeps): MessageLogDestination {
  const { path, rotation } = options;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const closeFlushMs = options.closeFlushMs ?? CLOSE_FLUSH_MS;
  const failures = createFailureLog(deps.logger, `file://${path}`);
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let handle: FileHandle | undefined;
  let size = 0;
  let opened = false;
  /** No new messages (close() was called); queued ones may still be flushed. */
  let closed = false;
  /** close() is done waiting: nothing is written or opened any more. */
  let released = false;
  let writing: Promise<void> | undefined;

  /** Opens the file, unless the destination was released meanwhile (then the new handle is closed at once). */
  const openFile = async (): Promise<FileHandle> => {
    const file = await open(path, OPEN_FLAGS, 0o640);
    if (released) {
      await file.close().catch(() => {});
      throw new Error('the destination was closed');
    }
    return file;
  };

  const rotate = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    const max = Math.max(1, rotation?.maxFiles ?? 1);
    await unlink(`${path}.${max}`).catch(ignoreMissing);
    for (let i = max - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(ignoreMissing);
    await rename(path, `${path}.1`).catch(ignoreMissing);
    handle = await openFile();
    size = 0;
  };

  const ensureOpen = async (): Promise<FileHandle> => {
    if (handle) return handle;
    await mkdir(dirname(path), { recursive: true, mode: 0o750 });
    handle = await openFile();
    size = (await stat(path)).size;
    if (!opened && rotation?.rotateOnStartup && size > 0) await rotate();
    opened = true;
    return handle as FileHandle;
  };

  /** The next chunk to write: queued lines up to MAX_WRITE_BYTES and the rotation size (at least one line). */
  const takeChunk = (): Buffer[] => {
    const lines: Buffer[] = [];
    let bytes = 0;
    while (queue.length > 0) {
      const next = (queue[0] as Buffer).byteLength;
      if (lines.length > 0 && (bytes + next > MAX_WRITE_BYTES || (rotation && size + bytes + next > rotation.maxBytes))) break;
      lines.push(queue.shift() as Buffer);
      bytes += next;
    }
    queuedBytes -= bytes;
    return lines;
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0 && !released) {
      let lines: Buffer[] = [];
      try {
        lines = takeChunk();
        const bytes = lines.length === 1 ? (lines[0] as Buffer) : Buffer.concat(lines);
        let file = await ensureOpen();
        if (rotation && size > 0 && size + bytes.byteLength > rotation.maxBytes) {
          await rotate();
          file = handle as FileHandle;
        }
        await file.write(bytes);
        size += bytes.byteLength;
        failures.recovered();
      } catch (err) {
        if (!released) failures.failed(err);
        for (let i = 0; i < lines.length; i++) deps.onDropped('file', 'failed');
        await handle?.close().catch(() => {});
        handle = undefined;
      }
    }
  };

  const kick = (): void => {
    if (writing) return;
    writing = drain()
      .catch((err: unknown) => deps.logger.warn({ err, destination: `file://${path}` }, 'MessageLogging file writer failed'))
      .finally(() => {
        writing = undefined;
      });
  };

  return {
    send(message) {
      if (closed) return deps.onDropped('file', 'failed');
      if (queue.length >= maxQueued) return deps.onDropped('file', 'queue_full');
      const line = toBoundedMessage(message.endsWith('\n') ? message.slice(0, -1) : message, MAX_MESSAGE_BYTES, '\n');
      if (queuedBytes + line.byteLength > maxQueuedBytes) return deps.onDropped('file', 'queue_full');
      queue.push(line);
      queuedBytes += line.byteLength;
      kick();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (writing || queue.length > 0) {
        kick();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([writing, new Promise<void>((resolve) => (timer = setTimeout(resolve, closeFlushMs)))]);
        clearTimeout(timer);
      }
      released = true;
      for (let i = 0; i < queue.length; i++) deps.onDropped('file', 'failed');
      queue.length = 0;
      queuedBytes = 0;
      await handle?.close().catch(() => {});
      handle = undefined;
    },
  };
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
