// Parses the observability sections of the config file: the optional metrics port and OpenTelemetry tracing.
import type { MetricsConfig, TracingConfig } from '../config.js';
import { defaultConfig } from './default-config.js';
import { type ConfigProblems, listenPortRange, readBoolean, readHost, readInteger, readNumber, readSection, readString, toShownValue } from './config-reader.js';

export function parseMetrics(problems: ConfigProblems, raw: unknown): MetricsConfig {
  const defaults = defaultConfig.metrics;
  const section = readSection(problems, raw, 'metrics', Object.keys(defaults));
  const host = readHost(problems, section.host, 'metrics.host', defaults.host);
  // null is accepted as "no metrics port", for config files that spell out every key.
  if (section.port === undefined || section.port === null) return { host };
  return { host, port: readInteger(problems, section.port, 'metrics.port', listenPortRange, 0) };
}

export function parseTracing(problems: ConfigProblems, raw: unknown): TracingConfig {
  const defaults = defaultConfig.tracing;
  const section = readSection(problems, raw, 'tracing', Object.keys(defaults));
  return {
    enabled: readBoolean(problems, section.enabled, 'tracing.enabled', defaults.enabled),
    otlpEndpoint: readHttpUrl(problems, section.otlpEndpoint, 'tracing.otlpEndpoint', defaults.otlpEndpoint),
    serviceName: readString(problems, section.serviceName, 'tracing.serviceName', defaults.serviceName),
    sampleRatio: readNumber(problems, section.sampleRatio, 'tracing.sampleRatio', { min: 0, max: 1 }, defaults.sampleRatio),
  };
}

function readHttpUrl(problems: ConfigProblems, value: unknown, path: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && URL.canParse(value)) {
    const url = new URL(value);
    if (url.username !== '' || url.password !== '') {
      // Not echoed: it holds a credential. Collector credentials belong in a header, which Baton does not send.
      problems.add(path, 'expected an http(s) URL without credentials');
      return fallback;
    }
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  }
  problems.add(path, `expected an http(s) URL, got ${toShownValue(value)}`);
  return fallback;
}
