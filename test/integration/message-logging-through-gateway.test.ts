// MessageLogging through a real gateway: PostClientFlow messages reach a UDP and a TCP syslog server and a file; a stuck syslog never holds requests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTcpSyslog, startUdpSyslog, type SyslogReceiver } from '../helpers/start-syslog-receivers.js';
import { findClosedPort } from '../helpers/start-target.js';

/** Accepts connections and never reads from them: a writer that waited for the socket would wait forever. */
async function startStuckSyslog(): Promise<{ port: number; connected: Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let onConnect: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connected,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const answer = `<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo><Set><StatusCode>201</StatusCode><Payload contentType="text/plain">ok</Payload></Set></AssignMessage>`;

describe('MessageLogging through a gateway', () => {
  let gw: TestGateway;
  let dataDir: string;
  let udp: SyslogReceiver;
  let tcp: SyslogReceiver;
  let stuck: Awaited<ReturnType<typeof startStuckSyslog>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-ml-gw-'));
    [udp, tcp, stuck] = await Promise.all([startUdpSyslog(), startTcpSyslog(), startStuckSyslog()]);
    const closedPort = await findClosedPort();
    gw = await startGateway({ dataDir });
    await gw.deploy('logged', await packProxy({
      name: 'logged',
      basePath: '/logged',
      proxyEndpoint: `<PreFlow><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
        <PostClientFlow><Response><Step><Name>ML-Access</Name></Step></Response></PostClientFlow><RouteRule name="none"/>`,
      policies: {
        'AM-Answer': answer,
        'ML-Access': `<MessageLogging name="ML-Access">
            <Syslog><Message>{apiproxy.name} {request.verb} {proxy.pathsuffix} {response.status.code}</Message><Host>127.0.0.1</Host><Port>${udp.port}</Port><FormatMessage>true</FormatMessage></Syslog>
            <Syslog><Message>tcp {proxy.pathsuffix} {response.status.code}</Message><Host>127.0.0.1</Host><Port>${tcp.port}</Port><Protocol>TCP</Protocol></Syslog>
            <File><Message>{messageid} {proxy.pathsuffix} {response.status.code}</Message><FileName>logged.log</FileName></File>
          </MessageLogging>`,
      },
    }));
    await gw.deploy('unlucky', await packProxy({
      name: 'unlucky',
      basePath: '/unlucky',
      proxyEndpoint: `<PreFlow><Request><Step><Name>ML-Body</Name></Step></Request><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow><RouteRule name="none"/>`,
      policies: {
        'AM-Answer': answer,
        'ML-Body': `<MessageLogging name="ML-Body">
            <Syslog><Message>{request.content}</Message><Host>127.0.0.1</Host><Port>${stuck.port}</Port><Protocol>TCP</Protocol></Syslog>
            <Syslog><Message>{request.content}</Message><Host>127.0.0.1</Host><Port>${closedPort}</Port><Protocol>TCP</Protocol></Syslog>
            <Syslog><Message>x</Message><Host>127.0.0.1</Host><Port>${closedPort}</Port></Syslog>
          </MessageLogging>`,
      },
    }));
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([udp?.close(), tcp?.close(), stuck?.close()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('sends PostClientFlow messages, with the final status, to UDP and TCP syslog', async () => {
    const res = await request(`${gw.url()}/logged/first`);
    expect(res.statusCode).toBe(201);
    expect(await res.body.text()).toBe('ok');
    const [datagram] = await udp.waitForMessages(1);
    expect(datagram).toMatch(/^<14>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 \S+ Apigee-Edge - - - logged GET \/first 201$/);
    expect(await tcp.waitForMessages(1)).toEqual(['tcp /first 201']);
  });

  it('never slows or fails requests when syslog servers are stuck or down', async () => {
    // 40 × 256 KiB fills the stuck server's socket buffers many times over; every request still completes.
    const body = 'x'.repeat(256 * 1024);
    const results = await Promise.all(Array.from({ length: 40 }, () => request(`${gw.url()}/unlucky`, { method: 'POST', body }).then(async (r) => {
      await r.body.text();
      return r.statusCode;
    })));
    expect(results).toEqual(Array(40).fill(201));
    await stuck.connected;
  });

  it('writes file messages under the data directory, flushed when the gateway closes', async () => {
    const res = await request(`${gw.url()}/logged/second`);
    await res.body.text();
    await udp.waitForMessages(2);
    await gw.close();
    const lines = (await readFile(join(dataDir, 'message-logs', 'logged.log'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['/first 201', '/second 201']);
  });
});
