import { describe, expect, it } from 'vitest';
import { messageLoggingPolicy } from '../../../../src/policies/message-logging/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

const parse = (xml: string) => parsePolicy(messageLoggingPolicy, xml);

describe('MessageLogging parse', () => {
  it('reads Syslog and File destinations with their options', () => {
    const { config, problems } = parse(`
      <MessageLogging name="Log">
        <Syslog>
          <Message>[3f509b58 tag="{organization.name}.{apiproxy.name}"] {request.queryparam.w}</Message>
          <Host>logs.example.com</Host><Port>6514</Port><Protocol>TCP</Protocol><FormatMessage>true</FormatMessage>
          <SSLInfo><Enabled>true</Enabled><IgnoreValidationErrors>true</IgnoreValidationErrors></SSLInfo>
        </Syslog>
        <Syslog><Message>second</Message><Host>10.0.0.1</Host></Syslog>
        <File>
          <Message>{messageid} {response.status.code}</Message>
          <FileName>api.log</FileName>
          <FileRotationOptions rotateFileOnStartup="true">
            <FileRotationType>SIZE</FileRotationType><MaxFileSizeInMB>10</MaxFileSizeInMB><MaxFilesToRetain>3</MaxFilesToRetain>
          </FileRotationOptions>
        </File>
        <logLevel>alert</logLevel>
      </MessageLogging>`);
    expect(problems).toEqual([]);
    expect(config.syslog).toEqual([
      { message: '[3f509b58 tag="{organization.name}.{apiproxy.name}"] {request.queryparam.w}', host: 'logs.example.com', port: 6514, protocol: 'TCP', formatMessage: true, tls: { ignoreValidationErrors: true } },
      { message: 'second', host: '10.0.0.1', port: 514, protocol: 'UDP', formatMessage: false },
    ]);
    expect(config.file).toEqual({ message: '{messageid} {response.status.code}', fileName: 'api.log', rotation: { maxFileSizeBytes: 10 * 1024 * 1024, maxFilesToRetain: 3, rotateOnStartup: true } });
    expect(config.logLevel).toBe('ALERT');
  });

  it('defaults to INFO, UDP and port 514', () => {
    const { config, problems } = parse('<MessageLogging name="L"><Syslog><Message>m</Message><Host>h</Host></Syslog></MessageLogging>');
    expect(problems).toEqual([]);
    expect(config.logLevel).toBe('INFO');
    expect(config.syslog[0]).toMatchObject({ protocol: 'UDP', port: 514, formatMessage: false });
  });

  it('refuses file names that would leave the log directory, and other mistakes, naming the element', () => {
    const { problems } = parse(`<MessageLogging name="L">
        <Syslog><Message>{substring(a)}</Message><Host>not a host</Host><Port>70000</Port><Protocol>SCTP</Protocol><SSLInfo><Enabled>true</Enabled><TrustStore>ts</TrustStore></SSLInfo></Syslog>
        <File><Message>m</Message><FileName>../../etc/passwd</FileName><FileRotationOptions><FileRotationType>SIZE</FileRotationType></FileRotationOptions></File>
        <logLevel>LOUD</logLevel><CloudLogging><LogName>x</LogName></CloudLogging></MessageLogging>`);
    expect(problems).toEqual(expect.arrayContaining([
      'MessageLogging L: <CloudLogging> (Apigee X Cloud Logging) is not supported; use <Syslog> or <File>',
      'MessageLogging L: <Syslog><Host> must be a host name or IP address, got "not a host"',
      'MessageLogging L: <Syslog><Port> must be an integer 1-65535, got "70000"',
      'MessageLogging L: <Syslog><Protocol> must be UDP or TCP, got "SCTP"',
      "MessageLogging L: <SSLInfo><TrustStore> is not supported; the server is verified against the system's trusted CAs",
      "MessageLogging L: <File><FileName> must be a plain file name (it is written in the gateway's message log directory), got \"../../etc/passwd\"",
      'MessageLogging L: <FileRotationType>SIZE</FileRotationType> needs <MaxFileSizeInMB>',
      'MessageLogging L: <logLevel> must be one of INFO, ALERT, WARN, ERROR, got "LOUD"',
    ]));
    expect(problems.some((p) => p.startsWith('MessageLogging L: <Syslog><Message>:'))).toBe(true);
    expect(parse('<MessageLogging name="L"/>').problems).toEqual(['MessageLogging L: needs a <Syslog> or a <File>']);
    expect(parse('<MessageLogging name="L"><Syslog><Message>m</Message><Host>h</Host><SSLInfo><Enabled>true</Enabled></SSLInfo></Syslog></MessageLogging>').problems)
      .toEqual(['MessageLogging L: <Syslog><SSLInfo> needs <Protocol>TCP</Protocol>']);
  });
});
