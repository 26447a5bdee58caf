// Baton's configuration: its type, parseConfig (file + environment → validated, frozen config) and loadConfig.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { checkListenerConflicts, type ListenerAddress } from './config/check-listener-conflicts.js';
import { ConfigProblems, deepFreeze, isPlainObject, joinPath, readHost, readSection, readString, toShownValue } from './config/config-reader.js';
import { configEnvNames, defaultConfig } from './config/default-config.js';
import { parseMasterKey } from './config/parse-master-key.js';
import { parseOrganizations } from './config/parse-organizations.js';
import { parseAdmin, parseDataplane, parseDeployments, parseDemoTargets, parseLimits, parseLogging, parseSamples, parseTimeouts, readEnv } from './config/parse-settings.js';
import { parseMetrics, parseTracing } from './config/parse-observability.js';
import { parseUsers } from './config/parse-users.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

export interface BatonConfig {
  /** Absolute path of the directory holding revisions, deployments and generated certificates. */
  readonly dataDir: string;
  readonly admin: AdminConfig;
  readonly organizations: readonly OrganizationConfig[];
  readonly users: readonly UserConfig[];
  readonly limits: LimitsConfig;
  readonly timeouts: TimeoutsConfig;
  readonly dataplane: DataplaneConfig;
  readonly deployments: DeploymentsConfig;
  readonly logging: LoggingConfig;
  readonly demoTargets: DemoTargetsConfig;
  readonly samples: SamplesConfig;
  /** The optional metrics port; parseConfig always sets it (absent: /metrics on the admin port only). */
  readonly metrics?: MetricsConfig;
  /** OpenTelemetry span export; parseConfig always sets it (absent: off; traceparent is propagated either way). */
  readonly tracing?: TracingConfig;
  /**
   * Base64 of the 32-byte master key that seals secrets at rest (API consumer keys and secrets, encrypted KVMs), from
   * BATON_MASTER_KEY only (never the config file, which is often committed). Absent: `<dataDir>/secrets/master.key`.
   */
  readonly masterKey?: string;
}

export interface AdminConfig {
  readonly host: string;
  readonly port: number;
  /** Email of the built-in administrator. */
  readonly user: string;
  readonly password?: string;
}

export interface OrganizationConfig {
  readonly name: string;
  readonly displayName: string;
  /** Organization properties, e.g. `features.isHTTPStatusTooManyRequestEnabled` → `"true"`. No prototype. */
  readonly properties: Readonly<Record<string, string>>;
  readonly environments: readonly EnvironmentConfig[];
  /** An ADMIN may accept a promotion they requested themselves (absent means false: four eyes). */
  readonly allowSelfApproval?: boolean;
}

export interface EnvironmentConfig {
  readonly name: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly virtualHosts: readonly VirtualHostConfig[];
  readonly targetServers: readonly TargetServerConfig[];
  /** Cache resources policies name in `<CacheResource>`; parseConfig always sets it (absent: only the implicit default cache). */
  readonly caches?: readonly CacheResourceConfig[];
}

/** An environment cache resource (in memory, per gateway process). */
export interface CacheResourceConfig {
  readonly name: string;
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** A value larger than this is not cached; ≤ maxBytes. */
  readonly maxEntryBytes: number;
  /** Time to live of entries whose policy sets no ExpirySettings. */
  readonly expirySeconds: number;
}

export interface VirtualHostConfig {
  readonly name: string;
  readonly port: number;
  /** Bind address (BATON_DATAPLANE_HOST, when set, replaces every virtual host's). */
  readonly host: string;
  readonly hostAliases: readonly string[];
  /** Present for an HTTPS virtual host. */
  readonly tls?: VirtualHostTlsConfig;
}

export interface VirtualHostTlsConfig {
  /** Absolute paths; certFile and keyFile are both set or both absent. */
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly caFile?: string;
  /** Require and verify client certificates against caFile (always set when this is true). */
  readonly clientAuth: boolean;
  /** True exactly when certFile/keyFile are absent: use the certificate generated in `dataDir`. */
  readonly selfSigned: boolean;
  /** OpenSSL cipher list; Node's default when absent. */
  readonly ciphers?: string;
  readonly minVersion?: TlsMinVersion;
}

export interface TargetServerConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly enabled: boolean;
  readonly ssl?: { readonly enabled: boolean; readonly ignoreValidationErrors: boolean };
}

export interface UserConfig {
  readonly email: string;
  /** Exactly one of password and passwordHash is set. */
  readonly password?: string;
  readonly passwordHash?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly roles: readonly UserRoleConfig[];
}

export interface UserRoleConfig {
  /** Name of a configured organization. */
  readonly org: string;
  /** Role name; not checked against a fixed list here (the management API owns the roles). */
  readonly role: string;
}

export interface LimitsConfig {
  readonly maxRequestHeaders: number;
  readonly maxRequestLineBytes: number;
  readonly maxBufferedBodyBytes: number;
  readonly maxBundleBytes: number;
  /** Quota/SpikeArrest identifiers held per policy and environment; parseConfig always sets it (absent: 10 000). */
  readonly maxRateLimitIdentifiersPerPolicy?: number;
}

export interface TimeoutsConfig {
  readonly shutdownGraceMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly drainCeilingMs: number;
}

export interface DataplaneConfig {
  /** Add a response header naming proxy and revision (opt-in). */
  readonly revisionHeader: boolean;
  readonly xForwardedFor: boolean;
  /**
   * IP addresses and CIDR ranges of the proxies in front of Baton: only from these peers does AccessControl believe
   * True-Client-IP and X-Forwarded-For. parseConfig always sets it (absent: none, as the default).
   */
  readonly trustedProxies?: readonly string[];
}

/** What a deploy does with revisions of the same proxy it leaves deployed at other base paths. */
export type LeftoverRevisionPolicy = 'keep' | 'undeploy' | 'refuse';

export interface DeploymentsConfig {
  readonly leftoverRevisions: LeftoverRevisionPolicy;
  /** Deploy history records kept per environment; past it the oldest non-persistent ones are deleted (≥ 1). */
  readonly historyRetention: number;
}

export interface LoggingConfig {
  readonly level: LogLevel;
  readonly accessLog: boolean;
  /** Fraction 0-1 of data-plane requests that get an access-log line. */
  readonly accessLogSampleRate: number;
}

export interface MetricsConfig {
  readonly host: string;
  /** A separate port serving only GET /metrics, without credentials; absent: none (the admin port serves /metrics). */
  readonly port?: number;
}

export interface TracingConfig {
  /** Export spans with the OpenTelemetry SDK (W3C traceparent is propagated to targets even when false). */
  readonly enabled: boolean;
  /** OTLP/HTTP (JSON) traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. */
  readonly otlpEndpoint: string;
  /** `service.name` of the exported spans. */
  readonly serviceName: string;
  /** Fraction 0-1 of new traces sampled; a client's sampled flag is followed (parent-based sampling). */
  readonly sampleRatio: number;
}

export interface DemoTargetsConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly ports: readonly number[];
}

export interface SamplesConfig {
  readonly enabled: boolean;
  /** Absolute path of the sample bundles directory. */
  readonly dir: string;
  /** Environment of the first organization the samples are deployed to. */
  readonly deployTo: string;
}

const topLevelKeys = Object.keys(defaultConfig);

/**
 * Validates a parsed config file (`raw`, `undefined` for none) merged over the defaults, with environment
 * overrides applied. Relative paths written in the file resolve against `baseDir`; the default data directory
 * and BATON_DATA_DIR resolve against `cwd`. Throws one ConfigError listing every problem found.
 */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string, cwd: string = baseDir): BatonConfig {
  const problems = new ConfigProblems();
  if (raw !== undefined && !isPlainObject(raw)) throw new ConfigError([`(root): expected an object, got ${toShownValue(raw)}`]);
  const root = readSection(problems, raw, '', topLevelKeys);

  const envDataDir = readEnv(env, configEnvNames.dataDir);
  const fileDataDir = root.dataDir === undefined ? undefined : readString(problems, root.dataDir, 'dataDir', defaultConfig.dataDir);
  const dataDir = envDataDir !== undefined ? resolve(cwd, envDataDir) : fileDataDir !== undefined ? resolve(baseDir, fileDataDir) : resolve(cwd, defaultConfig.dataDir);

  const envDataplaneHost = readEnv(env, configEnvNames.dataplaneHost);
  const hostOverride = envDataplaneHost === undefined ? undefined : readHost(problems, envDataplaneHost, configEnvNames.dataplaneHost, '127.0.0.1');
  const organizations = parseOrganizations(problems, root.organizations, defaultConfig.organizations, { baseDir, hostOverride });
  const config: BatonConfig = {
    dataDir,
    admin: parseAdmin(problems, root.admin, env),
    organizations,
    users: parseUsers(problems, root.users, organizations.map((o) => o.name)),
    limits: parseLimits(problems, root.limits),
    timeouts: parseTimeouts(problems, root.timeouts),
    dataplane: parseDataplane(problems, root.dataplane, env),
    deployments: parseDeployments(problems, root.deployments),
    logging: parseLogging(problems, root.logging, env),
    demoTargets: parseDemoTargets(problems, root.demoTargets),
    samples: parseSamples(problems, root.samples, baseDir),
    metrics: parseMetrics(problems, root.metrics),
    tracing: parseTracing(problems, root.tracing),
  };
  const masterKey = parseMasterKey(problems, env);
  if (masterKey !== undefined) Object.assign(config, { masterKey });
  checkSamplesTarget(problems, config);
  checkListenerConflicts(problems, toListeners(problems, config, env));
  if (problems.messages.length > 0) throw new ConfigError(problems.messages);
  return deepFreeze(config);
}

function checkSamplesTarget(problems: ConfigProblems, config: BatonConfig): void {
  const organization = config.organizations[0];
  if (!config.samples.enabled || !organization || problems.hasAt('samples.deployTo')) return;
  if (!organization.environments.some((e) => e.name === config.samples.deployTo)) {
    problems.add('samples.deployTo', `no environment named ${JSON.stringify(config.samples.deployTo)} in organization ${JSON.stringify(organization.name)}`);
  }
}

/** Every socket Baton will bind, skipping values already reported as invalid. */
function toListeners(problems: ConfigProblems, config: BatonConfig, env: NodeJS.ProcessEnv): ListenerAddress[] {
  const listeners: ListenerAddress[] = [];
  const adminPath = readEnv(env, configEnvNames.adminPort) !== undefined ? configEnvNames.adminPort : 'admin.port';
  listeners.push({ path: adminPath, host: config.admin.host, port: config.admin.port });
  if (config.metrics?.port !== undefined) listeners.push({ path: 'metrics.port', host: config.metrics.host, port: config.metrics.port });
  for (const organization of config.organizations) {
    for (const environment of organization.environments) {
      for (const virtualHost of environment.virtualHosts) {
        const path = ['organizations', organization.name, 'environments', environment.name, 'virtualHosts', virtualHost.name].reduce(joinPath);
        listeners.push({ path, host: virtualHost.host, port: virtualHost.port });
      }
    }
  }
  if (config.demoTargets.enabled) {
    config.demoTargets.ports.forEach((port, index) => listeners.push({ path: `demoTargets.ports[${index}]`, host: config.demoTargets.host, port }));
  }
  return listeners.filter((listener) => listener.port !== 0 && !problems.hasAt(listener.path) && !problems.hasAt(`${listener.path}.port`));
}

export interface LoadConfigOptions {
  /** From `--config`; wins over BATON_CONFIG. Relative to `cwd`. */
  readonly configPath?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Reads the JSON config file named by `--config` or BATON_CONFIG (defaults only when neither is set) and parses it. */
export async function loadConfig(options: LoadConfigOptions): Promise<BatonConfig> {
  const configPath = options.configPath ?? readEnv(options.env, 'BATON_CONFIG');
  if (configPath === undefined) return parseConfig(undefined, options.env, options.cwd, options.cwd);
  const file = resolve(options.cwd, configPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read the config file: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON: ${(err as Error).message}`]);
  }
  return parseConfig(raw, options.env, dirname(file), options.cwd);
}
