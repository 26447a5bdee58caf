// The metrics and tracing sections of the config file: defaults, valid values, and every problem reported with its path.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { configProblems } from './config-problems.js';

const baseDir = '/srv/baton';


describe('observability config', () => {
  it('defaults: no metrics port, tracing off with a local OTLP endpoint', () => {
    const config = parseConfig(undefined, {}, baseDir);
    expect(config.metrics).toEqual({ host: '127.0.0.1' });
    expect(config.tracing).toEqual({ enabled: false, otlpEndpoint: 'http://127.0.0.1:4318/v1/traces', serviceName: 'baton', sampleRatio: 1 });
  });

  it('reads a metrics port and tracing settings', () => {
    const config = parseConfig({
      metrics: { host: '0.0.0.0', port: 9464 },
      tracing: { enabled: true, otlpEndpoint: 'https://otel.example:4318/v1/traces', serviceName: 'edge', sampleRatio: 0.25 },
    }, {}, baseDir);
    expect(config.metrics).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(config.tracing).toEqual({ enabled: true, otlpEndpoint: 'https://otel.example:4318/v1/traces', serviceName: 'edge', sampleRatio: 0.25 });
    expect(parseConfig({ metrics: { port: null } }, {}, baseDir).metrics).toEqual({ host: '127.0.0.1' });
  });

  it('reports every bad value with its path, and never echoes credentials in an endpoint', () => {
    const problems = configProblems({
      metrics: { port: 70000, path: '/x' },
      tracing: { enabled: 'yes', otlpEndpoint: 'ftp://collector/v1/traces', serviceName: '', sampleRatio: 2, exporter: 'zipkin' },
    });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^metrics\.port: /),
      expect.stringMatching(/^metrics\.path: unknown key/),
      expect.stringMatching(/^tracing\.enabled: /),
      expect.stringMatching(/^tracing\.otlpEndpoint: expected an http\(s\) URL/),
      expect.stringMatching(/^tracing\.serviceName: /),
      expect.stringMatching(/^tracing\.sampleRatio: /),
      expect.stringMatching(/^tracing\.exporter: unknown key/),
    ]));
    const credentialed = configProblems({ tracing: { otlpEndpoint: 'https://user:s3cret@collector/v1/traces' } });
    expect(credentialed).toEqual(['tracing.otlpEndpoint: expected an http(s) URL without credentials']);
  });

  it('refuses a metrics port that another listener uses', () => {
    expect(configProblems({ admin: { port: 9100 }, metrics: { port: 9100 } }).some((p) => p.includes('metrics.port') || p.includes('9100'))).toBe(true);
  });
});
