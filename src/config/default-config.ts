// Baton's configuration defaults: what `npm start` runs with no config file (a demo org, local demo targets, samples).
import { fileURLToPath } from 'node:url';

/** The demo target servers' ports; the default target servers point at them. */
const demoTargetPorts = [9101, 9102] as const;

function toDemoEnvironment(name: string, description: string, httpPort: number, httpsPort: number) {
  return {
    name,
    description,
    properties: {},
    virtualHosts: [
      { name: 'default', port: httpPort },
      // No certFile/keyFile: a self-signed certificate is created in the data directory on first start.
      { name: 'secure', port: httpsPort, tls: {} },
    ],
    targetServers: [
      { name: 'demo-a', host: '127.0.0.1', port: demoTargetPorts[0] },
      { name: 'demo-b', host: '127.0.0.1', port: demoTargetPorts[1] },
    ],
  };
}

/**
 * Defaults, in the shape of the config file. Sections (objects) merge key by key with the file;
 * arrays (organizations, users, ports, hostAliases) replace the default as a whole.
 */
export const defaultConfig = {
  dataDir: './data', // path, resolved against the working directory
  admin: {
    host: '127.0.0.1', // bind address; loopback only unless an operator opts in (reliability-security §3.10)
    port: 9000, // TCP port of the management API
    user: 'admin@baton.local', // email of the built-in administrator
    password: undefined as string | undefined, // unset unless configured; never logged (redacted)
  },
  organizations: [
    {
      name: 'demo',
      displayName: 'Demo',
      // Quota and SpikeArrest violations answer 429 (Apigee's default without this property is 500).
      properties: { 'features.isHTTPStatusTooManyRequestEnabled': 'true' } as Record<string, string>,
      environments: [
        toDemoEnvironment('test', 'Test environment', 9001, 9443),
        toDemoEnvironment('prod', 'Production environment', 9002, 9444),
      ],
    },
  ],
  users: [] as unknown[],
  limits: {
    maxRequestHeaders: 100, // header fields per client request
    maxRequestLineBytes: 7168, // bytes in the request line (Apigee: 7 KiB)
    maxBufferedBodyBytes: 10 * 1024 * 1024, // bytes of a message body held in memory (10 MiB)
    maxBundleBytes: 15 * 1024 * 1024, // bytes of an imported bundle zip (15 MiB, Apigee's limit)
    maxRateLimitIdentifiersPerPolicy: 10_000, // Quota/SpikeArrest identifiers held per policy and environment; past it the counter nearest expiry is evicted
  },
  timeouts: {
    shutdownGraceMs: 10_000, // ms in-flight requests get after SIGTERM before sockets are closed
    headersTimeoutMs: 15_000, // ms for a client to send the request headers (slowloris)
    requestTimeoutMs: 60_000, // ms for a client to send the whole request (slow body)
    keepAliveTimeoutMs: 65_000, // ms an idle client connection stays open; longer than a front LB's idle timeout
    drainCeilingMs: 60_000, // ms a replaced revision may keep serving in-flight requests
  },
  dataplane: {
    revisionHeader: false, // add a response header naming proxy and revision (opt-in: reveals internals)
    xForwardedFor: true, // append the client address to X-Forwarded-For on target requests
    trustedProxies: [] as readonly string[], // IPs/CIDRs of proxies in front of Baton whose True-Client-IP / X-Forwarded-For AccessControl believes
  },
  deployments: {
    leftoverRevisions: 'keep' as 'keep' | 'undeploy' | 'refuse', // a revision left at another base path by a deploy: keep it (Apigee), undeploy it, or refuse the deploy
    historyRetention: 100, // deploy history records kept per environment; past it the oldest non-persistent ones are deleted
  },
  logging: {
    level: 'info', // pino level: fatal, error, warn, info, debug, trace or silent
    accessLog: true, // one log line per data-plane request
    accessLogSampleRate: 1, // fraction 0-1 of requests access-logged
  },
  metrics: {
    host: '127.0.0.1', // bind address of the metrics port
    port: undefined as number | undefined, // TCP port serving only GET /metrics, no credentials; unset: /metrics on the admin port only
  },
  tracing: {
    enabled: false, // export spans with OpenTelemetry (traceparent is propagated to targets either way)
    otlpEndpoint: 'http://127.0.0.1:4318/v1/traces', // OTLP/HTTP JSON traces endpoint
    serviceName: 'baton', // service.name of the exported spans
    sampleRatio: 1, // fraction 0-1 of new traces sampled; a client's sampled flag is followed
  },
  demoTargets: {
    enabled: true, // start local demo target servers so the samples work with nothing else
    host: '127.0.0.1', // bind address
    ports: [...demoTargetPorts], // one demo target server per port
  },
  samples: {
    enabled: true, // import and deploy the sample bundles into a fresh data directory
    dir: fileURLToPath(new URL('../../bundles', import.meta.url)), // absolute; from the installed package, not the cwd
    deployTo: 'test', // environment of the first organization the samples are deployed to
  },
};

/** Environment variables Baton reads (besides BATON_CONFIG, read by loadConfig). */
export const configEnvNames = {
  dataDir: 'BATON_DATA_DIR',
  adminHost: 'BATON_ADMIN_HOST',
  adminPort: 'BATON_ADMIN_PORT',
  adminUser: 'BATON_ADMIN_USER',
  adminPassword: 'BATON_ADMIN_PASSWORD',
  dataplaneHost: 'BATON_DATAPLANE_HOST',
  revisionHeader: 'BATON_REVISION_HEADER',
  logLevel: 'BATON_LOG_LEVEL',
  masterKey: 'BATON_MASTER_KEY',
} as const;

/** Defaults of each virtual host field the file leaves out. */
export const defaultVirtualHost = {
  host: '127.0.0.1', // bind address
  hostAliases: ['localhost'], // one alias: tooling builds one URL per alias (compat §4)
};

/** Defaults of each `caches[]` field of an environment, and the settings of its implicit `default` cache. */
export const defaultCacheResource = {
  name: 'default', // the cache a policy without <CacheResource> uses
  maxEntries: 10_000, // entries held; past it the least recently used go first
  maxBytes: 64 * 1024 * 1024, // bytes held (64 MiB)
  maxEntryBytes: 1024 * 1024, // bytes of one value (1 MiB); larger values are not cached
  expirySeconds: 300, // seconds an entry lives when its policy sets no ExpirySettings
};
