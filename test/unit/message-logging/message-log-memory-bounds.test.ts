// MessageLogging keeps memory bounded: messages are capped in size, queues in bytes, and a closed file writer leaves no handle open.
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDestination } from '../../../src/message-logging/create-file-destination.js';
import { createTcpDestination } from '../../../src/message-logging/create-tcp-destination.js';
import { MAX_MESSAGE_BYTES, TRUNCATED_MARKER, toBoundedMessage, type DropReason, type MessageLogTransport } from '../../../src/message-logging/message-log-destination.js';
import { startTcpSyslog } from '../../helpers/start-syslog-receivers.js';
import { findClosedPort } from '../../helpers/start-target.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function recordDrops(): { drops: string[]; onDropped: (t: MessageLogTransport, r: DropReason) => void } {
  const drops: string[] = [];
  return { drops, onDropped: (t, r) => drops.push(`${t}:${r}`) };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-ml-bounds-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('message size cap', () => {
  it('keeps short messages as they are and cuts long ones on a character boundary, with a marker', () => {
    expect(toBoundedMessage('short', 64).toString('utf8')).toBe('short');
    const long = toBoundedMessage('é'.repeat(100), 64).toString('utf8');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(long.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(long).not.toContain('\uFFFD');
  });

  it('a 10 MiB message reaches a file as one line of at most 64 KiB', async () => {
    const dir = await tempDir();
    const path = join(dir, 'big.log');
    const file = createFileDestination({ path }, { logger, onDropped: () => {} });
    file.send('x'.repeat(10 * 1024 * 1024));
    file.send('next');
    await file.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(Buffer.byteLength(lines[0] ?? '')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(lines[0]?.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(lines.slice(1)).toEqual(['next', '']);
  });

  it('a long message reaches a TCP syslog server truncated', async () => {
    const server = await startTcpSyslog();
    cleanups.push(() => server.close());
    const tcp = createTcpDestination({ host: '127.0.0.1', port: server.port }, { logger, onDropped: () => {} });
    cleanups.push(() => tcp.close());
    tcp.send('y'.repeat(1024 * 1024));
    const [line] = await server.waitForMessages(1);
    expect(Buffer.byteLength(line ?? '')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(line?.endsWith(TRUNCATED_MARKER)).toBe(true);
  });
});

describe('queues bounded by bytes', () => {
  it('TCP: while the server is down, messages past the byte cap are dropped and counted', async () => {
    const port = await findClosedPort();
    const { drops, onDropped } = recordDrops();
    const tcp = createTcpDestination({ host: '127.0.0.1', port, maxQueuedBytes: 200 * 1024, initialBackoffMs: 60_000 }, { logger, onDropped });
    cleanups.push(() => tcp.close());
    const message = 'z'.repeat(60 * 1024);
    for (let i = 0; i < 10; i++) tcp.send(message);
    // 3 × 60 KiB (plus newlines) fit in 200 KiB; the 7 others do not.
    expect(drops).toEqual(Array<string>(7).fill('tcp:queue_full'));
  });

  it('TCP: a server that accepts but never reads cannot make the queue grow past the cap', async () => {
    const sockets = new Set<Socket>();
    let connected: (socket: Socket) => void = () => {};
    const accepted = new Promise<Socket>((resolve) => (connected = resolve));
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.pause();
      connected(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    const { drops, onDropped } = recordDrops();
    const tcp = createTcpDestination({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, maxQueuedBytes: 1024 * 1024 }, { logger, onDropped });
    cleanups.push(() => tcp.close());
    tcp.send('hello');
    await accepted;
    const message = 'w'.repeat(64 * 1024 - 100);
    // 40 MiB: far more than the kernel's socket buffers and the 1 MiB queue together can hold.
    for (let i = 0; i < 640; i++) tcp.send(message);
    expect(drops.length).toBeGreaterThan(0);
    expect(new Set(drops)).toEqual(new Set(['tcp:queue_full']));
  });

  it('File: messages past the byte cap are dropped while the writer catches up', async () => {
    const dir = await tempDir();
    const { drops, onDropped } = recordDrops();
    const file = createFileDestination({ path: join(dir, 'burst.log'), maxQueuedBytes: 128 * 1024 }, { logger, onDropped });
    const message = 'v'.repeat(50 * 1024);
    for (let i = 0; i < 6; i++) file.send(message);
    await file.close();
    expect(drops.length).toBeGreaterThanOrEqual(3);
    expect(new Set(drops)).toEqual(new Set(['file:queue_full']));
    const written = (await readFile(join(dir, 'burst.log'), 'utf8')).split('\n').filter((l) => l !== '');
    expect(written.length).toBe(6 - drops.length);
  });
});

describe('File: close', () => {
  it('a file opened after close() gave up on the flush is closed at once, never written', async () => {
    const dir = await tempDir();
    const path = join(dir, 'fifo.log');
    // Opening a FIFO for writing blocks until a reader opens it: the writer is stuck in open() when close() times out.
    execFileSync('mkfifo', [path]);
    const file = createFileDestination({ path, closeFlushMs: 20 }, { logger, onDropped: () => {} });
    file.send('queued before close');
    await file.close();
    const reader = createReadStream(path);
    const chunks: Buffer[] = [];
    reader.on('data', (chunk) => chunks.push(chunk as Buffer));
    // 'end' comes once every writer closed the FIFO: a handle kept open after close() would hold it back.
    await new Promise<void>((resolve, reject) => {
      reader.on('data', () => resolve());
      reader.on('end', resolve);
      reader.on('error', reject);
    });
    expect(Buffer.concat(chunks).toString('utf8')).toBe('');
  });
});
