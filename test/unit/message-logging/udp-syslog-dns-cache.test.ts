// UDP syslog resolves its host name once in the background and caches it for a TTL; IP literals skip DNS.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createUdpDestination, type ResolvedAddress } from '../../../src/message-logging/create-udp-destination.js';
import { startUdpSyslog } from '../../helpers/start-syslog-receivers.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function countingLookup(): { lookups: string[]; lookup: (host: string) => Promise<ResolvedAddress> } {
  const lookups: string[] = [];
  return {
    lookups,
    lookup: async (host) => {
      lookups.push(host);
      return { address: '127.0.0.1', family: 4 };
    },
  };
}

describe('UDP syslog DNS', () => {
  it('looks a host name up once for many messages, then again in the background once the TTL has passed', async () => {
    const receiver = await startUdpSyslog();
    cleanups.push(() => receiver.close());
    const { lookups, lookup } = countingLookup();
    let clock = 1_000_000;
    const udp = createUdpDestination({ host: 'localhost', port: receiver.port, lookup, dnsTtlMs: 60_000, now: () => clock }, { logger, onDropped: () => {} });
    cleanups.push(() => udp.close());
    udp.send('one');
    udp.send('two');
    udp.send('three');
    expect(await receiver.waitForMessages(3)).toEqual(['one', 'two', 'three']);
    udp.send('four');
    expect(await receiver.waitForMessages(4)).toContain('four');
    expect(lookups).toEqual(['localhost']);
    clock += 60_000;
    udp.send('after ttl');
    expect(await receiver.waitForMessages(5)).toContain('after ttl');
    expect(lookups).toEqual(['localhost', 'localhost']);
  });

  it('sends to an IP literal without any lookup', async () => {
    const receiver = await startUdpSyslog();
    cleanups.push(() => receiver.close());
    const lookups: string[] = [];
    const udp = createUdpDestination(
      { host: '127.0.0.1', port: receiver.port, lookup: async (host) => { lookups.push(host); throw new Error('no DNS for literals'); } },
      { logger, onDropped: () => {} },
    );
    cleanups.push(() => udp.close());
    udp.send('direct');
    expect(await receiver.waitForMessages(1)).toEqual(['direct']);
    expect(lookups).toEqual([]);
  });

  it('a failed first lookup drops the waiting messages as failed', async () => {
    const drops: string[] = [];
    let failLookup: (err: Error) => void = () => {};
    const udp = createUdpDestination(
      { host: 'syslog.invalid', port: 514, lookup: () => new Promise((_resolve, reject) => (failLookup = reject)) },
      { logger, onDropped: (t, r) => drops.push(`${t}:${r}`) },
    );
    cleanups.push(() => udp.close());
    udp.send('waits');
    expect(drops).toEqual([]);
    failLookup(new Error('ENOTFOUND'));
    await udp.close();
    expect(drops).toEqual(['udp:failed']);
  });
});
