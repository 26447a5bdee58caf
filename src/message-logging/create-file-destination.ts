// A MessageLogging file: lines appended in order by one writer, size-based rotation, a bounded queue.
import { constants } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CLOSE_FLUSH_MS, DEFAULT_MAX_QUEUED, createFailureLog, type DestinationDeps, type FileRotation, type MessageLogDestination } from './message-log-destination.js';

// A symbolic link planted in the log directory must not redirect writes elsewhere.
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export interface FileDestinationOptions {
  /** Absolute path, already checked to be inside the log directory. */
  readonly path: string;
  readonly rotation?: FileRotation;
  readonly maxQueued?: number;
}

export function createFileDestination(options: FileDestinationOptions, deps: DestinationDeps): MessageLogDestination {
  const { path, rotation } = options;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const failures = createFailureLog(deps.logger, `file://${path}`);
  const queue: string[] = [];
  let handle: FileHandle | undefined;
  let size = 0;
  let opened = false;
  let closed = false;
  let writing: Promise<void> | undefined;

  const rotate = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    const max = Math.max(1, rotation?.maxFiles ?? 1);
    await unlink(`${path}.${max}`).catch(ignoreMissing);
    for (let i = max - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(ignoreMissing);
    await rename(path, `${path}.1`).catch(ignoreMissing);
    handle = await open(path, OPEN_FLAGS, 0o640);
    size = 0;
  };

  const ensureOpen = async (): Promise<FileHandle> => {
    if (handle) return handle;
    await mkdir(dirname(path), { recursive: true, mode: 0o750 });
    handle = await open(path, OPEN_FLAGS, 0o640);
    size = (await stat(path)).size;
    if (!opened && rotation?.rotateOnStartup && size > 0) await rotate();
    opened = true;
    return handle as FileHandle;
  };

  /** The next chunk to write: queued lines up to the rotation size (at least one line). */
  const takeChunk = (): string[] => {
    if (!rotation) return queue.splice(0, queue.length);
    const lines: string[] = [];
    let bytes = 0;
    while (queue.length > 0) {
      const next = Buffer.byteLength(queue[0] as string, 'utf8');
      if (lines.length > 0 && size + bytes + next > rotation.maxBytes) break;
      lines.push(queue.shift() as string);
      bytes += next;
    }
    return lines;
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const lines = takeChunk();
      const bytes = Buffer.from(lines.join(''), 'utf8');
      try {
        let file = await ensureOpen();
        if (rotation && size > 0 && size + bytes.byteLength > rotation.maxBytes) {
          await rotate();
          file = handle as FileHandle;
        }
        await file.write(bytes);
        size += bytes.byteLength;
        failures.recovered();
      } catch (err) {
        failures.failed(err);
        for (let i = 0; i < lines.length; i++) deps.onDropped('file', 'failed');
        await handle?.close().catch(() => {});
        handle = undefined;
      }
    }
  };

  const kick = (): void => {
    if (writing) return;
    writing = drain().finally(() => {
      writing = undefined;
    });
  };

  return {
    send(message) {
      if (closed) return deps.onDropped('file', 'failed');
      if (queue.length >= maxQueued) return deps.onDropped('file', 'queue_full');
      queue.push(message.endsWith('\n') ? message : `${message}\n`);
      kick();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (writing || queue.length > 0) {
        kick();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([writing, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_FLUSH_MS)))]);
        clearTimeout(timer);
      }
      await handle?.close().catch(() => {});
      handle = undefined;
    },
  };
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
