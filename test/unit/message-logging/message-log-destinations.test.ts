import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createTestPki } from '../../helpers/create-test-pki.js';
import { createFileDestination } from '../../../src/message-logging/create-file-destination.js';
import { createMessageLogSenders } from '../../../src/message-logging/create-message-log-senders.js';
import { createTcpDestination } from '../../../src/message-logging/create-tcp-destination.js';
import { createUdpDestination } from '../../../src/message-logging/create-udp-destination.js';
import type { DropReason, MessageLogTransport } from '../../../src/message-logging/message-log-destination.js';
import { startTcpSyslog, startUdpSyslog } from '../../helpers/start-syslog-receivers.js';
import { findClosedPort } from '../../helpers/start-target.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];

function recordDrops(): { drops: string[]; onDropped: (t: MessageLogTransport, r: DropReason) => void } {
  const drops: string[] = [];
  return { drops, onDropped: (t, r) => drops.push(`${t}:${r}`) };
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('MessageLogging destinations', () => {
  it('UDP: one datagram per message; past the in-flight bound, messages are dropped and counted', async () => {
    const receiver = await startUdpSyslog();
    cleanups.push(() => receiver.close());
    const { drops, onDropped } = recordDrops();
    const udp = createUdpDestination({ host: '127.0.0.1', port: receiver.port, maxInFlight: 1 }, { logger, onDropped });
    cleanups.push(() => udp.close());
    udp.send('first');
    udp.send('second');
    expect(await receiver.waitForMessages(1)).toEqual(['first']);
    expect(drops).toEqual(['udp:queue_full']);
  });

  it('TCP: newline-framed; messages wait while the server is down and go out after a reconnect with backoff', async () => {
    const port = await findClosedPort();
    const { drops, onDropped } = recordDrops();
    const tcp = createTcpDestination({ host: '127.0.0.1', port, initialBackoffMs: 20, maxBackoffMs: 40 }, { logger, onDropped });
    cleanups.push(() => tcp.close());
    tcp.send('queued while down');
    tcp.send('second\n');
    const server = await startTcpSyslog(port);
    cleanups.push(() => server.close());
    expect(await server.waitForMessages(2)).toEqual(['queued while down', 'second']);
    expect(drops).toEqual([]);
  });

  it('TLS: syslog over TLS (RFC 5425), with certificate checks off for IgnoreValidationErrors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-ml-pki-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const pki = await createTestPki(dir);
    const lines: string[] = [];
    let received: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const server = createTlsServer({ cert: await readFile(pki.certFile), key: await readFile(pki.keyFile) }, (socket) => {
      socket.on('data', (data: Buffer) => {
        lines.push(...data.toString('utf8').split('\n').filter((l) => l !== ''));
        received();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const tls = createTcpDestination({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, tls: { rejectUnauthorized: false } }, { logger, onDropped: () => {} });
    cleanups.push(() => tls.close());
    tls.send('over tls');
    await arrived;
    expect(lines).toEqual(['over tls']);
  });

  it('TCP: a full queue drops new messages instead of growing', async () => {
    const port = await findClosedPort();
    const { drops, onDropped } = recordDrops();
    const tcp = createTcpDestination({ host: '127.0.0.1', port, maxQueued: 2, initialBackoffMs: 60_000 }, { logger, onDropped });
    cleanups.push(() => tcp.close());
    for (const m of ['a', 'b', 'c', 'd']) tcp.send(m);
    expect(drops).toEqual(['tcp:queue_full', 'tcp:queue_full']);
  });

  it('File: appends lines and rotates by size, keeping MaxFilesToRetain files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-ml-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'api.log');
    await writeFile(path, 'from a previous run\n');
    const file = createFileDestination({ path, rotation: { maxBytes: 25, maxFiles: 2, rotateOnStartup: true } }, { logger, onDropped: () => {} });
    for (const line of ['0123456789', '1123456789', '2123456789', '3123456789']) file.send(line);
    await file.close();
    expect((await readdir(dir)).sort()).toEqual(['api.log', 'api.log.1', 'api.log.2']);
    expect(await readFile(path, 'utf8')).toBe('2123456789\n3123456789\n');
    expect(await readFile(`${path}.1`, 'utf8')).toBe('0123456789\n1123456789\n');
    expect(await readFile(`${path}.2`, 'utf8')).toBe('from a previous run\n');
  });

  it('senders: one destination per target, shared by its users, closed with the last; file names stay in the log directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-ml-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { drops, onDropped } = recordDrops();
    const senders = createMessageLogSenders({ logDir: dir, logger, onDropped });
    cleanups.push(() => senders.close());
    const a = senders.acquire({ kind: 'file', fileName: 'shared.log' });
    const b = senders.acquire({ kind: 'file', fileName: 'shared.log' });
    expect(a.destination).toBe(b.destination);
    a.destination.send('one');
    a.release();
    b.destination.send('two');
    b.release();
    b.destination.send('after close');
    await senders.close();
    expect(await readFile(join(dir, 'shared.log'), 'utf8')).toBe('one\ntwo\n');
    expect(drops).toEqual(['file:failed']);
    expect(() => senders.acquire({ kind: 'file', fileName: '../escape.log' })).toThrow(/plain file name/);
    expect(() => senders.acquire({ kind: 'file', fileName: 'sub/x.log' })).toThrow(/plain file name/);
  });
});
