import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadBalancerConfig } from '../../src/bundle/proxy-bundle.js';
import { createTargetClient, type TargetClient, type TargetClientDeps, type TargetRequest, type TargetResponse } from '../../src/dataplane/target-client.js';
import type { TargetServerDefinition } from '../../src/dataplane/target-server.js';
import { ParamMap } from '../../src/engine/param-map.js';
import { TargetError } from '../../src/errors.js';
import { createGatedHandler, findClosedPort, resetBeforeResponseHandler, startTarget, type StartedTarget, type TargetHandler } from '../helpers/start-target.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function live(handler?: TargetHandler): Promise<StartedTarget> {
  const target = await startTarget(handler);
  cleanups.push(() => target.close());
  return target;
}

function server(name: string, port: number, enabled = true): TargetServerDefinition {
  return { name, host: '127.0.0.1', port, enabled };
}

function balancedClient(
  lb: Partial<LoadBalancerConfig> & Pick<LoadBalancerConfig, 'servers'>,
  definitions: TargetServerDefinition[],
  deps: Partial<TargetClientDeps> = {},
): TargetClient {
  const client = createTargetClient(
    { loadBalancer: { algorithm: 'RoundRobin', maxFailures: 0, retryEnabled: true, ...lb }, path: '/base', properties: new Map() },
    { targetServers: new Map(definitions.map((d) => [d.name, d])), ...deps },
  );
  cleanups.push(() => client.destroy());
  return client;
}

function request(overrides: Partial<TargetRequest> = {}): TargetRequest {
  return {
    method: 'GET',
    pathAndQuery: '/base/x?y=1',
    headers: new ParamMap({ caseInsensitive: true }, [['Host', 'gw.test']]),
    body: undefined,
    clientIp: '127.0.0.1',
    clientProto: 'http',
    clientHost: 'gw.test',
    ...overrides,
  };
}

async function drain(response: TargetResponse): Promise<TargetResponse> {
  await response.body.toReadable().toArray();
  return response;
}

async function sendMany(client: TargetClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await drain(await client.send(request()));
}

const primary = (name: string, weight = 1) => ({ name, weight, isFallback: false });
const fallback = (name: string) => ({ name, weight: 1, isFallback: true });

describe('LoadBalancer over TargetServers', () => {
  it('RoundRobin alternates, sends the path+query and each server\'s own Host', async () => {
    const a = await live();
    const b = await live();
    const client = balancedClient({ servers: [primary('a'), primary('b')] }, [server('a', a.port), server('b', b.port)]);
    const hosts: string[] = [];
    for (let i = 0; i < 4; i++) hosts.push((await drain(await client.send(request()))).targetHost);
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(2);
    expect(a.requests[0]?.url).toBe('/base/x?y=1');
    expect(a.requests[0]?.headers.host).toBe(`127.0.0.1:${a.port}`);
    expect(b.requests[0]?.headers.host).toBe(`127.0.0.1:${b.port}`);
    expect(hosts).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('Weighted follows the server weights', async () => {
    const a = await live();
    const b = await live();
    const client = balancedClient({ algorithm: 'Weighted', servers: [primary('a', 3), primary('b', 1)] }, [server('a', a.port), server('b', b.port)]);
    await sendMany(client, 8);
    expect([a.requests.length, b.requests.length]).toEqual([6, 2]);
  });

  it('LeastConnections avoids a server that is still busy', async () => {
    const gate = createGatedHandler();
    const a = await live(gate.handler);
    const b = await live();
    const client = balancedClient({ algorithm: 'LeastConnections', servers: [primary('a'), primary('b')] }, [server('a', a.port), server('b', b.port)]);
    const slow = client.send(request());
    await a.waitForRequests(1);
    await sendMany(client, 3);
    expect(b.requests).toHaveLength(3);
    gate.release();
    expect((await drain(await slow)).statusCode).toBe(200);
    expect(a.requests).toHaveLength(1);
  });

  it('skips disabled TargetServers', async () => {
    const a = await live();
    const b = await live();
    const client = balancedClient({ servers: [primary('a'), primary('b')] }, [server('a', a.port, false), server('b', b.port)]);
    await sendMany(client, 3);
    expect([a.requests.length, b.requests.length]).toEqual([0, 3]);
  });

  it('uses fallback servers only when every primary is down', async () => {
    const a = await live();
    const f = await live();
    const healthy = balancedClient({ servers: [primary('a'), fallback('f')] }, [server('a', a.port), server('f', f.port)]);
    await sendMany(healthy, 3);
    expect([a.requests.length, f.requests.length]).toEqual([3, 0]);

    const dead = await findClosedPort();
    const degraded = balancedClient({ servers: [primary('dead'), fallback('f')], maxFailures: 1, retryEnabled: false }, [server('dead', dead), server('f', f.port)]);
    await expect(degraded.send(request())).rejects.toMatchObject({ status: 503, kind: 'connect' });
    await sendMany(degraded, 2);
    expect(f.requests).toHaveLength(2);
  });

  it('retries a connect failure once on the next server, delivering a POST exactly once', async () => {
    const b = await live();
    const dead = await findClosedPort();
    let nowMs = 0;
    const client = balancedClient({ servers: [primary('dead'), primary('b')], maxFailures: 1 }, [server('dead', dead), server('b', b.port)], {
      now: () => nowMs,
      recoveryIntervalMs: 1000,
    });
    const post = () => request({ method: 'POST', body: Buffer.from('payload') });
    expect((await drain(await client.send(post()))).statusCode).toBe(200);
    expect(b.requests.map((r) => r.body.toString())).toEqual(['payload']);
    // `dead` is now marked down: no retry is needed, b answers directly.
    await drain(await client.send(post()));
    expect(b.requests).toHaveLength(2);
    // After the recovery interval `dead` gets one trial; it fails again, the retry still lands on b once.
    nowMs += 1000;
    await drain(await client.send(post()));
    expect(b.requests).toHaveLength(3);
  });

  it('does not retry a streamed body', async () => {
    const b = await live();
    const dead = await findClosedPort();
    const client = balancedClient({ servers: [primary('dead'), primary('b')] }, [server('dead', dead), server('b', b.port)]);
    const streamed = request({ method: 'POST', body: Readable.from([Buffer.from('stream')]) });
    await expect(client.send(streamed)).rejects.toMatchObject({ status: 503, kind: 'connect' });
    expect(b.requests).toHaveLength(0);
  });

  it('does not retry once the request was sent: a reset gives 502 and no duplicate POST', async () => {
    const r = await live(resetBeforeResponseHandler);
    const b = await live();
    const client = balancedClient({ servers: [primary('r'), primary('b')] }, [server('r', r.port), server('b', b.port)]);
    await expect(client.send(request({ method: 'POST', body: Buffer.from('once') }))).rejects.toMatchObject({ status: 502, kind: 'reset' });
    expect([r.requests.length, b.requests.length]).toEqual([1, 0]);
  });

  it('answers 503 NoActiveTargets when every server is down', async () => {
    const dead = await findClosedPort();
    const client = balancedClient({ servers: [primary('dead')], maxFailures: 1 }, [server('dead', dead)]);
    await expect(client.send(request())).rejects.toMatchObject({ status: 503, kind: 'connect' });
    const err = await client.send(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect(err).toMatchObject({ status: 503, kind: 'no-healthy-server', errorCode: 'messaging.adaptors.http.flow.NoActiveTargets' });
  });

  it('keeps path tricks on the chosen server and normalizes dot segments (item 35)', async () => {
    const a = await live();
    const client = balancedClient({ servers: [primary('a')] }, [server('a', a.port)]);
    for (const pathAndQuery of ['//evil.example/x', '/@evil.example/y', '/base/%2e%2e/%2e%2e/admin', 'no-slash?q=1']) {
      await drain(await client.send(request({ pathAndQuery })));
    }
    expect(a.requests.map((r) => r.url)).toEqual(['//evil.example/x', '/@evil.example/y', '/admin', '/no-slash?q=1']);
    expect(a.requests.every((r) => r.headers.host === `127.0.0.1:${a.port}`)).toBe(true);
  });
});
