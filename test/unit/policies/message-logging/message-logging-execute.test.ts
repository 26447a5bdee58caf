import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessageLogSenders, type MessageLogSenders } from '../../../../src/message-logging/create-message-log-senders.js';
import { formatSyslogMessage, toSyslogHostname } from '../../../../src/policies/message-logging/format-syslog-message.js';
import { messageLoggingPolicy } from '../../../../src/policies/message-logging/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { startTcpSyslog, startUdpSyslog } from '../../../helpers/start-syslog-receivers.js';
import { findClosedPort } from '../../../helpers/start-target.js';
import { compilePolicy, createFlowContext } from '../policy-test-kit.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ senders: MessageLogSenders; dir: string; drops: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-ml-'));
  const drops: string[] = [];
  const senders = createMessageLogSenders({ logDir: dir, logger: pino({ level: 'silent' }), onDropped: (t, r) => drops.push(`${t}:${r}`) });
  cleanups.push(() => rm(dir, { recursive: true, force: true }), () => senders.close());
  return { senders, dir, drops };
}

const compile = (xml: string, senders: MessageLogSenders) =>
  compilePolicy(messageLoggingPolicy, xml, { services: createTestPolicyServices({ messageLogging: senders }) });

// 2016-02-23T09:24:39.039Z, the timestamp of Apigee's documented example.
const at = () => 1_456_219_479_039;

describe('MessageLogging execute', () => {
  it('sends the rendered message over UDP with the RFC 5424 header when FormatMessage is true', async () => {
    const { senders } = await setup();
    const udp = await startUdpSyslog();
    cleanups.push(() => udp.close());
    const policy = compile(`<MessageLogging name="ML"><Syslog><Message>[tag="{organization.name}.{apiproxy.name}"] w={request.queryparam.w} {private.secret}</Message>
      <Host>127.0.0.1</Host><Port>${udp.port}</Port><FormatMessage>true</FormatMessage></Syslog><logLevel>WARN</logLevel></MessageLogging>`, senders);
    const ctx = createFlowContext({ now: at });
    ctx.request.queryParams.set('w', '2502265');
    ctx.setVariable('private.secret', 's3');
    policy.execute(ctx);
    const [datagram] = await udp.waitForMessages(1);
    expect(datagram).toMatch(/^<12>1 2016-02-23T09:24:39\.039\+00:00 \S+ Apigee-Edge - - - \[tag="org\.api"\] w=2502265 s3$/);
  });

  it('sends plain lines over TCP and appends to a file in the log directory', async () => {
    const { senders, dir } = await setup();
    const tcp = await startTcpSyslog();
    cleanups.push(() => tcp.close());
    const policy = compile(`<MessageLogging name="ML">
        <Syslog><Message>{request.verb} {proxy.pathsuffix}</Message><Host>127.0.0.1</Host><Port>${tcp.port}</Port><Protocol>TCP</Protocol></Syslog>
        <File><Message>id={messageid} status={response.status.code}</Message><FileName>access.log</FileName></File></MessageLogging>`, senders);
    policy.execute(createFlowContext({ pathSuffix: '/a' }));
    policy.execute(createFlowContext({ pathSuffix: '/b', messageId: 'm-2' }));
    expect(await tcp.waitForMessages(2)).toEqual(['GET /a', 'GET /b']);
    await policy.close?.();
    await senders.close();
    expect(await readFile(join(dir, 'access.log'), 'utf8')).toBe('id=m-1 status=200\nid=m-2 status=200\n');
  });

  it('returns at once and never throws when the destinations are unreachable', async () => {
    const { senders } = await setup();
    const closed = await findClosedPort();
    const policy = compile(`<MessageLogging name="ML">
        <Syslog><Message>{substring(request.header.x,0,2)} a</Message><Host>127.0.0.1</Host><Port>${closed}</Port><Protocol>TCP</Protocol></Syslog>
        <Syslog><Message>b</Message><Host>127.0.0.1</Host><Port>${closed}</Port></Syslog></MessageLogging>`, senders);
    for (let i = 0; i < 100; i++) expect(policy.execute(createFlowContext())).toBeUndefined();
  });

  it('releases its destinations when its revision closes', async () => {
    const { senders, drops } = await setup();
    const udp = await startUdpSyslog();
    cleanups.push(() => udp.close());
    const xml = `<MessageLogging name="ML"><Syslog><Message>m</Message><Host>127.0.0.1</Host><Port>${udp.port}</Port></Syslog></MessageLogging>`;
    const policy = compile(xml, senders);
    await policy.close?.();
    policy.execute(createFlowContext());
    expect(drops).toEqual(['udp:failed']);
    compile(xml, senders).execute(createFlowContext());
    expect(await udp.waitForMessages(1)).toEqual(['m']);
  });

  it('formats the syslog header per RFC 5424', () => {
    expect(formatSyslogMessage('hello', 'INFO', at(), 'gw-1')).toBe('<14>1 2016-02-23T09:24:39.039+00:00 gw-1 Apigee-Edge - - - hello');
    expect(formatSyslogMessage('x', 'ALERT', at(), 'h')).toMatch(/^<9>1 /);
    expect(formatSyslogMessage('x', 'ERROR', at(), 'h')).toMatch(/^<11>1 /);
    expect(toSyslogHostname('my host\n')).toBe('myhost');
    expect(toSyslogHostname('')).toBe('-');
  });
});
