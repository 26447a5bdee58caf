// Parses the flat sections of the config file (admin, limits, timeouts, dataplane, logging, demoTargets, samples).
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { AdminConfig, DataplaneConfig, DemoTargetsConfig, DeploymentsConfig, LeftoverRevisionPolicy, LimitsConfig, LogLevel, LoggingConfig, SamplesConfig, TimeoutsConfig } from '../config.js';
import { configEnvNames, defaultConfig } from './default-config.js';
import {
  type ConfigProblems,
  joinPath,
  listenPortRange,
  positiveRange,
  readBoolean,
  readEnum,
  readEnvBoolean,
  readEnvInteger,
  readHost,
  readInteger,
  readName,
  readNumber,
  readSecret,
  readSection,
  readString,
  toShownValue,
} from './config-reader.js';

type Env = NodeJS.ProcessEnv;

/** An environment variable's value; set-but-empty counts as unset (compose files often pass `VAR=`). */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function parseAdmin(problems: ConfigProblems, raw: unknown, env: Env): AdminConfig {
  const defaults = defaultConfig.admin;
  const section = readSection(problems, raw, 'admin', Object.keys(defaults));
  const host = readHost(problems, section.host, 'admin.host', defaults.host);
  const port = readInteger(problems, section.port, 'admin.port', listenPortRange, defaults.port);
  const user = readEmail(problems, section.user, 'admin.user', defaults.user);
  const password = readSecret(problems, section.password, 'admin.password') ?? defaults.password;
  const envHost = readEnv(env, configEnvNames.adminHost);
  const envPort = readEnv(env, configEnvNames.adminPort);
  const envUser = readEnv(env, configEnvNames.adminUser);
  const envPassword = readEnv(env, configEnvNames.adminPassword);
  const finalPassword = envPassword ?? password;
  return {
    host: envHost === undefined ? host : readHost(problems, envHost, configEnvNames.adminHost, host),
    port: envPort === undefined ? port : readEnvInteger(problems, envPort, configEnvNames.adminPort, listenPortRange, port),
    user: envUser === undefined ? user : readEmail(problems, envUser, configEnvNames.adminUser, user),
    ...(finalPassword !== undefined ? { password: finalPassword } : {}),
  };
}

function readEmail(problems: ConfigProblems, value: unknown, path: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value)) return value;
  problems.add(path, `expected an email address, got ${toShownValue(value)}`);
  return fallback;
}

export function parseLimits(problems: ConfigProblems, raw: unknown): LimitsConfig {
  const defaults = defaultConfig.limits;
  const section = readSection(problems, raw, 'limits', Object.keys(defaults));
  const read = (key: keyof LimitsConfig): number => readInteger(problems, section[key], joinPath('limits', key), positiveRange, defaults[key]);
  return {
    maxRequestHeaders: read('maxRequestHeaders'),
    maxRequestLineBytes: read('maxRequestLineBytes'),
    maxBufferedBodyBytes: read('maxBufferedBodyBytes'),
    maxBundleBytes: read('maxBundleBytes'),
    maxRateLimitIdentifiersPerPolicy: read('maxRateLimitIdentifiersPerPolicy'),
  };
}

export function parseTimeouts(problems: ConfigProblems, raw: unknown): TimeoutsConfig {
  const defaults = defaultConfig.timeouts;
  const section = readSection(problems, raw, 'timeouts', Object.keys(defaults));
  const read = (key: keyof TimeoutsConfig): number => readInteger(problems, section[key], joinPath('timeouts', key), positiveRange, defaults[key]);
  const timeouts = {
    shutdownGraceMs: read('shutdownGraceMs'),
    headersTimeoutMs: read('headersTimeoutMs'),
    requestTimeoutMs: read('requestTimeoutMs'),
    keepAliveTimeoutMs: read('keepAliveTimeoutMs'),
    drainCeilingMs: read('drainCeilingMs'),
  };
  // node:http refuses to start a server whose headersTimeout exceeds its requestTimeout.
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) {
    problems.add('timeouts.headersTimeoutMs', `must not exceed timeouts.requestTimeoutMs (${timeouts.requestTimeoutMs}), got ${timeouts.headersTimeoutMs}`);
  }
  return timeouts;
}

export function parseDataplane(problems: ConfigProblems, raw: unknown, env: Env): DataplaneConfig {
  const defaults = defaultConfig.dataplane;
  const section = readSection(problems, raw, 'dataplane', Object.keys(defaults));
  const revisionHeader = readBoolean(problems, section.revisionHeader, 'dataplane.revisionHeader', defaults.revisionHeader);
  const envRevisionHeader = readEnv(env, configEnvNames.revisionHeader);
  return {
    revisionHeader: envRevisionHeader === undefined ? revisionHeader : readEnvBoolean(problems, envRevisionHeader, configEnvNames.revisionHeader, revisionHeader),
    xForwardedFor: readBoolean(problems, section.xForwardedFor, 'dataplane.xForwardedFor', defaults.xForwardedFor),
    trustedProxies: readTrustedProxies(problems, section.trustedProxies, defaults.trustedProxies),
  };
}

function readTrustedProxies(problems: ConfigProblems, value: unknown, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) {
    problems.add('dataplane.trustedProxies', `expected an array of IP addresses or CIDR ranges, got ${toShownValue(value)}`);
    return fallback;
  }
  const entries: string[] = [];
  value.forEach((entry: unknown, index) => {
    if (typeof entry === 'string' && isIpOrCidr(entry.trim())) entries.push(entry.trim());
    else problems.add(`dataplane.trustedProxies[${index}]`, `expected an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32), got ${toShownValue(entry)}`);
  });
  return entries;
}

function isIpOrCidr(text: string): boolean {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const leftoverPolicies: readonly LeftoverRevisionPolicy[] = ['keep', 'undeploy', 'refuse'];

export function parseDeployments(problems: ConfigProblems, raw: unknown): DeploymentsConfig {
  const defaults = defaultConfig.deployments;
  const section = readSection(problems, raw, 'deployments', Object.keys(defaults));
  return {
    leftoverRevisions: readEnum(problems, section.leftoverRevisions, 'deployments.leftoverRevisions', leftoverPolicies, defaults.leftoverRevisions),
    historyRetention: readInteger(problems, section.historyRetention, 'deployments.historyRetention', positiveRange, defaults.historyRetention),
  };
}

const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseLogging(problems: ConfigProblems, raw: unknown, env: Env): LoggingConfig {
  const defaults = defaultConfig.logging;
  const section = readSection(problems, raw, 'logging', Object.keys(defaults));
  const level = readEnum(problems, section.level, 'logging.level', logLevels, 'info');
  const envLevel = readEnv(env, configEnvNames.logLevel);
  return {
    level: envLevel === undefined ? level : readEnum(problems, envLevel, configEnvNames.logLevel, logLevels, level),
    accessLog: readBoolean(problems, section.accessLog, 'logging.accessLog', defaults.accessLog),
    accessLogSampleRate: readNumber(problems, section.accessLogSampleRate, 'logging.accessLogSampleRate', { min: 0, max: 1 }, defaults.accessLogSampleRate),
  };
}

export function parseDemoTargets(problems: ConfigProblems, raw: unknown): DemoTargetsConfig {
  const defaults = defaultConfig.demoTargets;
  const section = readSection(problems, raw, 'demoTargets', Object.keys(defaults));
  let ports: number[] = [...defaults.ports];
  if (section.ports !== undefined) {
    if (Array.isArray(section.ports)) ports = section.ports.map((port: unknown, index) => readInteger(problems, port, `demoTargets.ports[${index}]`, listenPortRange, 0));
    else problems.add('demoTargets.ports', `expected an array of ports, got ${toShownValue(section.ports)}`);
  }
  return {
    enabled: readBoolean(problems, section.enabled, 'demoTargets.enabled', defaults.enabled),
    host: readHost(problems, section.host, 'demoTargets.host', defaults.host),
    ports,
  };
}

export function parseSamples(problems: ConfigProblems, raw: unknown, baseDir: string): SamplesConfig {
  const defaults = defaultConfig.samples;
  const section = readSection(problems, raw, 'samples', Object.keys(defaults));
  const enabled = readBoolean(problems, section.enabled, 'samples.enabled', defaults.enabled);
  const dir = section.dir === undefined ? defaults.dir : resolve(baseDir, readString(problems, section.dir, 'samples.dir', defaults.dir));
  // The packaged default may be absent in a trimmed install; a directory the operator named must exist.
  if (enabled && section.dir !== undefined && !problems.hasAt('samples.dir') && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    problems.add('samples.dir', `directory not found: ${dir}`);
  }
  const deployTo = section.deployTo === undefined ? defaults.deployTo : readName(problems, section.deployTo, 'samples.deployTo');
  return { enabled, dir, deployTo };
}
