// Torn or corrupt state on disk (reliability-security plan 19): the gateway still starts, serves what is intact and reports the rest as degraded.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { request } from 'undici';
import { createGateway, type Gateway } from '../../../src/gateway.js';
import { crashEnvironment, crashOrganization, toCrashGatewayConfig } from './fixtures/crash-gateway-config.js';
import { packCrashBundle, toBasePath, toServedBody } from './fixtures/crash-workload.js';

/** Plan 19's bound on a start over damaged state. */
const maxStartMs = 10_000;

interface Started {
  readonly gateway: Gateway;
  readonly logs: Array<{ level: number; msg: string }>;
  readonly startMs: number;
}

const dirs: string[] = [];
const running: Gateway[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-corrupt-'));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<Started> {
  const logs: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as { level: number; msg: string });
      callback();
    },
  });
  const startedAt = performance.now();
  const gateway = await createGateway(toCrashGatewayConfig(dataDir), { logger: pino({ level: 'warn' }, sink) });
  running.push(gateway);
  return { gateway, logs, startMs: performance.now() - startedAt };
}

async function stop(gateway: Gateway): Promise<void> {
  running.splice(running.indexOf(gateway), 1);
  await gateway.close();
}

/** Imports a mock bundle of `api` and deploys it; returns the revision record's sha-256. */
async function importAndDeploy(gateway: Gateway, api: string, label: string): Promise<string> {
  const bytes = await packCrashBundle(api, label, new TextEncoder().encode(`pad of ${label}`));
  const record = await gateway.revisions.importRevision({ organization: crashOrganization, api, bytes, user: 't', validate: true });
  await gateway.deployments.deploy({ organization: crashOrganization, environment: crashEnvironment, api, revision: record.revision, user: 't' });
  return record.sha256;
}

async function get(gateway: Gateway, api: string): Promise<{ status: number; body: string }> {
  const res = await request(`${gateway.listeners[0]!.url}${toBasePath(api)}`);
  return { status: res.statusCode, body: await res.body.text() };
}

async function readiness(gateway: Gateway): Promise<{ httpStatus: number; status: unknown; problems: string[] }> {
  const res = await request(`${gateway.adminUrl}/readyz`);
  const body = (await res.body.json()) as { status?: unknown; problems?: unknown[] };
  return { httpStatus: res.statusCode, status: body.status, problems: (body.problems ?? []).map(String) };
}

/** Offset of the last record in a journal of [u32 length][u32 crc][payload] records. */
function lastRecordOffset(journal: Buffer): number {
  let offset = 0;
  let last = -1;
  while (offset + 8 <= journal.length) {
    last = offset;
    offset += 8 + journal.readUInt32BE(offset);
  }
  return last;
}

describe('start-up over torn or corrupt state', () => {
  it('does not serve a deployment whose bundle blob has a flipped byte, serves the others, and reports degraded naming it', async () => {
    const dataDir = await newDataDir();
    const first = await start(dataDir);
    const alphaSha = await importAndDeploy(first.gateway, 'alpha', 'a1');
    await importAndDeploy(first.gateway, 'beta', 'b1');
    await stop(first.gateway);

    const blobPath = join(dataDir, 'store', 'blobs', alphaSha);
    const blob = await readFile(blobPath);
    blob[Math.floor(blob.length / 2)]! ^= 0x01;
    await writeFile(blobPath, blob);

    // Twice: the damage must not turn into a crash loop on the next start either.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { gateway, logs, startMs } = await start(dataDir);
      expect(startMs).toBeLessThan(maxStartMs);
      expect(await get(gateway, 'alpha')).toMatchObject({ status: 404 });
      expect(await get(gateway, 'beta')).toEqual({ status: 200, body: toServedBody('beta', 1, 'b1') });
      const ready = await readiness(gateway);
      expect(ready).toMatchObject({ httpStatus: 200, status: 'degraded' });
      expect(ready.problems.some((p) => p.includes('alpha revision 1') && p.includes('corrupt'))).toBe(true);
      expect(ready.problems.every((p) => !p.includes('beta'))).toBe(true);
      expect(logs.some((l) => l.msg === 'a stored deployment could not be restored')).toBe(true);
      await stop(gateway);
    }
  });

  it('drops a torn last journal record, keeps every earlier commit and reports the torn tail', async () => {
    const dataDir = await newDataDir();
    const first = await start(dataDir);
    await importAndDeploy(first.gateway, 'alpha', 'a1');
    await first.gateway.revisions.importRevision({
      organization: crashOrganization, api: 'beta', bytes: await packCrashBundle('beta', 'b1', new Uint8Array(64)), user: 't', validate: true,
    });
    await stop(first.gateway);

    // The beta import is the last record: cut it in half, as an append interrupted by a power loss would.
    const journalPath = join(dataDir, 'store', 'journal.log');
    const journal = await readFile(journalPath);
    const last = lastRecordOffset(journal);
    await truncate(journalPath, last + 8 + Math.floor(journal.readUInt32BE(last) / 2));

    const { gateway, logs, startMs } = await start(dataDir);
    expect(startMs).toBeLessThan(maxStartMs);
    expect(gateway.revisions.getApi(crashOrganization, 'beta')).toBeUndefined();
    expect(await get(gateway, 'alpha')).toEqual({ status: 200, body: toServedBody('alpha', 1, 'a1') });
    const ready = await readiness(gateway);
    expect(ready).toMatchObject({ httpStatus: 200, status: 'degraded' });
    expect(ready.problems).toHaveLength(1);
    expect(ready.problems[0]).toMatch(/journal\.log: dropped a torn tail/);
    expect(logs.some((l) => /torn tail/.test(l.msg))).toBe(true);
    // The store accepts writes again, and the lost import's number is free because it was never acknowledged.
    const again = await gateway.revisions.importRevision({
      organization: crashOrganization, api: 'beta', bytes: await packCrashBundle('beta', 'b2', new Uint8Array(64)), user: 't', validate: true,
    });
    expect(again.revision).toBe(1);
  });

  it('starts over a zero-length snapshot file, replays the journal and reports the unusable snapshot', async () => {
    const dataDir = await newDataDir();
    const first = await start(dataDir);
    await importAndDeploy(first.gateway, 'alpha', 'a1');
    await stop(first.gateway);
    await writeFile(join(dataDir, 'store', 'snapshot.json'), '');

    const { gateway, startMs } = await start(dataDir);
    expect(startMs).toBeLessThan(maxStartMs);
    expect(await get(gateway, 'alpha')).toEqual({ status: 200, body: toServedBody('alpha', 1, 'a1') });
    const ready = await readiness(gateway);
    expect(ready).toMatchObject({ httpStatus: 200, status: 'degraded' });
    expect(ready.problems.some((p) => p.includes('snapshot.json is unusable (file is empty)'))).toBe(true);
  });
});
