import { describe, expect, it } from 'vitest';
import type { HttpTargetConnectionConfig, LoadBalancerConfig } from '../../../src/bundle/proxy-bundle.js';
import { createTargetClient } from '../../../src/dataplane/target-client.js';
import { ParamMap } from '../../../src/engine/param-map.js';
import type { TargetServerDefinition } from '../../../src/dataplane/target-server.js';
import { parseTargetProperties } from '../../../src/dataplane/target-properties.js';

const noServers = new Map<string, TargetServerDefinition>();

function urlConnection(url: string, properties: Record<string, string> = {}): HttpTargetConnectionConfig {
  return { url, properties: new Map(Object.entries(properties)) };
}

function lbConnection(servers: LoadBalancerConfig['servers']): HttpTargetConnectionConfig {
  return { loadBalancer: { algorithm: 'RoundRobin', servers, maxFailures: 0, retryEnabled: true }, path: '/', properties: new Map() };
}

function servers(...defs: TargetServerDefinition[]): Map<string, TargetServerDefinition> {
  return new Map(defs.map((d) => [d.name, d]));
}

describe('parseTargetProperties', () => {
  it('applies the Apigee defaults', () => {
    expect(parseTargetProperties(new Map())).toEqual({ connectTimeoutMs: 3000, ioTimeoutMs: 55_000, keepAliveTimeoutMs: 60_000 });
  });

  it('reads the three transport properties and caps keep-alive at undici\'s ceiling', () => {
    const settings = parseTargetProperties(new Map([['connect.timeout.millis', '250'], ['io.timeout.millis', ' 1000 '], ['keepalive.timeout.millis', '9000000']]));
    expect(settings).toEqual({ connectTimeoutMs: 250, ioTimeoutMs: 1000, keepAliveTimeoutMs: 600_000 });
  });

  it('names every bad value at once', () => {
    const parse = () => parseTargetProperties(new Map([['io.timeout.millis', '5s'], ['connect.timeout.millis', '-1']]));
    expect(parse).toThrow(/io\.timeout\.millis: expected an integer 1-\d+ \(milliseconds\), got "5s"/);
    expect(parse).toThrow(/connect\.timeout\.millis: expected an integer 1-\d+ \(milliseconds\), got "-1"/);
  });
});

describe('createTargetClient validation', () => {
  it('exposes the URL of the URL form and undefined for the LoadBalancer form', async () => {
    const a = createTargetClient(urlConnection('http://127.0.0.1:1/base'), { targetServers: noServers });
    expect(a.baseUrl).toBe('http://127.0.0.1:1/base');
    const b = createTargetClient(lbConnection([{ name: 's1', weight: 1, isFallback: false }]), {
      targetServers: servers({ name: 's1', host: '127.0.0.1', port: 1, enabled: true }),
    });
    expect(b.baseUrl).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it.each([
    ['a non-integer io.timeout.millis', urlConnection('http://h/', { 'io.timeout.millis': '1.5' }), /io\.timeout\.millis/],
    ['a non-http scheme', urlConnection('ftp://h/'), /scheme ftp:/],
    ['credentials in the URL', urlConnection('http://u:p@h/'), /credentials/],
    ['a relative URL', urlConnection('/just/a/path'), /not an absolute URL/],
    ['both URL and LoadBalancer', { ...lbConnection([{ name: 's1', weight: 1, isFallback: false }]), url: 'http://h/' }, /exactly one/],
    ['mutual TLS', { ...urlConnection('https://h/'), ssl: { enabled: true, ignoreValidationErrors: false, clientAuthEnabled: true } }, /ClientAuthEnabled/],
    ['an unknown TargetServer', lbConnection([{ name: 'nope', weight: 1, isFallback: false }]), /no TargetServer.*nope|nope.*no TargetServer/],
    ['only disabled TargetServers', lbConnection([{ name: 'off', weight: 1, isFallback: false }]), /disabled/],
    ['a zero weight', lbConnection([{ name: 's1', weight: 0, isFallback: false }]), /weight/],
  ])('rejects %s', (_label, connection, message) => {
    const targetServers = servers({ name: 'off', host: 'h', port: 80, enabled: false }, { name: 's1', host: 'h', port: 80, enabled: true });
    expect(() => createTargetClient(connection, { targetServers })).toThrow(message);
  });

  it('rejects a TargetServer with a bad port or host', () => {
    const connection = lbConnection([{ name: 's1', weight: 1, isFallback: false }]);
    expect(() => createTargetClient(connection, { targetServers: servers({ name: 's1', host: 'h', port: 70000, enabled: true }) })).toThrow(/port/);
    expect(() => createTargetClient(connection, { targetServers: servers({ name: 's1', host: 'h/x', port: 80, enabled: true }) })).toThrow(/host/);
  });

  it('rejects a non-http target.url at send time with the InvalidTargetUrl fault', async () => {
    const client = createTargetClient(urlConnection('http://127.0.0.1:1/'), { targetServers: noServers });
    const base = { method: 'GET', body: undefined, clientIp: '127.0.0.1', clientProto: 'http' as const, clientHost: 'gw' };
    for (const url of ['file:///etc/passwd', 'gopher://h/', 'not a url', 'http://user:pw@127.0.0.1/']) {
      await expect(client.send({ ...base, url, headers: new ParamMap({ caseInsensitive: true }) })).rejects.toMatchObject({
        status: 500,
        errorCode: 'messaging.runtime.InvalidTargetUrl',
      });
    }
    await client.close();
  });
});
