// Opens the data-plane listeners: one per virtual host of every environment, each reading its environment's live routes and flow hooks.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { BatonConfig, EnvironmentConfig, OrganizationConfig, VirtualHostConfig } from './config.js';
import { createListener, type Listener, type ListenerTls } from './dataplane/create-listener.js';
import { createRequestHandler } from './dataplane/handle-request.js';
import { RequestIdGenerator } from './dataplane/request-ids.js';
import type { EnvironmentRuntime } from './deployments/environment-runtime.js';
import type { Metrics } from './metrics/create-metrics.js';
import type { SharedFlowRegistry } from './sharedflows/create-shared-flow-registry.js';
import type { Tracing } from './tracing/create-tracing.js';
import { TraceIdGenerator } from './tracing/trace-context.js';

export interface ListenerInfo {
  readonly organization: string;
  readonly environment: string;
  readonly virtualHost: string;
  readonly port: number;
  readonly url: string;
}

export interface EnvironmentListenersDeps {
  readonly config: BatonConfig;
  readonly environments: ReadonlyArray<{ org: OrganizationConfig; env: EnvironmentConfig }>;
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly sharedFlowsOf: (organization: string, environment: string) => SharedFlowRegistry;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly tracing: Tracing | undefined;
  readonly selfSigned: { certFile: string; keyFile: string } | undefined;
  /** Every listener opened so far, pushed as it opens (the caller closes them even when a later one fails). */
  readonly listeners: Listener[];
}

async function loadTls(vhost: VirtualHostConfig, selfSigned: { certFile: string; keyFile: string } | undefined): Promise<ListenerTls | undefined> {
  const tls = vhost.tls;
  if (!tls) return undefined;
  const certFile = tls.selfSigned ? selfSigned?.certFile : tls.certFile;
  const keyFile = tls.selfSigned ? selfSigned?.keyFile : tls.keyFile;
  if (!certFile || !keyFile) throw new Error(`virtual host ${vhost.name}: no certificate`);
  return {
    cert: await readFile(certFile),
    key: await readFile(keyFile),
    ca: tls.caFile ? await readFile(tls.caFile) : undefined,
    clientAuth: tls.clientAuth,
    ciphers: tls.ciphers,
    minVersion: tls.minVersion,
  };
}

/**
 * Opens the listeners one after another in config order. In cluster workers that order matters: Node's cluster
 * shares a listening socket per (address, port, n-th listen of it), so every worker's n-th port-0 listen gets the
 * same port.
 */
export async function createEnvironmentListeners(deps: EnvironmentListenersDeps): Promise<ListenerInfo[]> {
  const { config, logger, now, tracing, metrics } = deps;
  const requestIds = new RequestIdGenerator();
  const traceIds = new TraceIdGenerator();
  const listenerInfo: ListenerInfo[] = [];
  for (const { org, env } of deps.environments) {
    const runtime = deps.runtimes.get(`${org.name}/${env.name}`)!;
    for (const vhost of env.virtualHosts) {
      const tls = await loadTls(vhost, deps.selfSigned);
      const handler = createRequestHandler({
        organization: org.name,
        environment: env.name,
        virtualHost: vhost.name,
        scheme: tls ? 'https' : 'http',
        getRouteTable: runtime.getRouteTable,
        limits: config.limits,
        revisionHeader: config.dataplane.revisionHeader,
        xForwardedFor: config.dataplane.xForwardedFor,
        accessLogSampleRate: config.logging.accessLog ? config.logging.accessLogSampleRate : 0,
        logger,
        now,
        getFlowHooks: deps.sharedFlowsOf(org.name, env.name).getFlowHooks,
        metrics: metrics.dataplane,
        requestIds,
        traceIds,
        tracing,
      });
      const listener = await createListener({
        host: vhost.host,
        port: vhost.port,
        tls,
        headersTimeoutMs: config.timeouts.headersTimeoutMs,
        requestTimeoutMs: config.timeouts.requestTimeoutMs,
        keepAliveTimeoutMs: config.timeouts.keepAliveTimeoutMs,
        maxRequestHeaders: config.limits.maxRequestHeaders,
      }, handler);
      deps.listeners.push(listener);
      const shownHost = listener.host === '0.0.0.0' || listener.host === '::' ? 'localhost' : listener.host.includes(':') ? `[${listener.host}]` : listener.host;
      listenerInfo.push({ organization: org.name, environment: env.name, virtualHost: vhost.name, port: listener.port, url: `${listener.scheme}://${shownHost}:${listener.port}` });
    }
  }
  return listenerInfo;
}
