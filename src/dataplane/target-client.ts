// The target client of one HTTPTargetConnection: sends target requests over undici pools, load balances, maps failures.
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import type { HttpTargetConnectionConfig } from '../bundle/proxy-bundle.js';
import type { ParamMap } from '../engine/param-map.js';
import { TargetError, runtimeFault } from '../errors.js';
import { classifyTargetError, isConnectFailure, toTargetError } from './classify-target-error.js';
import { fromTargetRawHeaders, toTargetHeaders } from './header-hygiene.js';
import { createLoadBalancer, type LoadBalancer } from './load-balancer.js';
import type { TargetBody } from './target-body.js';
import {
  appendToUrl, toConfiguredUrlDestination, toLoadBalancerMembers, toOriginPath, toParsedTargetUrl, toPlainTargetPath, toUrlDestination, type TargetDestination,
} from './target-destination.js';
import type { TargetAbortSignal } from './exchange-abort.js';
import { createTargetPools } from './target-pools.js';
import { TargetResponseHandler } from './target-response-handler.js';
import { parseTargetProperties } from './target-properties.js';
import type { TargetServerDefinition } from './target-server.js';

export interface TargetRequest {
  method: string;
  /** Absolute URL: the URL form, or any form once a flow wrote `target.url`. */
  url?: string;
  /** LoadBalancer form: the complete path (the caller has already joined `<Path>`) and query, sent to the chosen server. */
  pathAndQuery?: string;
  /** URL form without `url`: the path suffix and query string (without `?`) appended to the TargetEndpoint URL. */
  pathSuffix?: string;
  query?: string;
  headers: ParamMap;
  /** A Buffer is sent with its exact Content-Length; a stream is sent chunked. Undefined: no body. */
  body: Buffer | Readable | undefined;
  clientIp: string;
  clientProto: 'http' | 'https';
  clientHost: string;
  /** Append the client IP to X-Forwarded-For; default true. */
  xForwardedFor?: boolean;
  signal?: TargetAbortSignal;
}

export interface TargetResponse {
  statusCode: number;
  reasonPhrase: string;
  /** Hop-by-hop fields already removed; Content-Length kept (see fromTargetRawHeaders). */
  headers: ParamMap;
  /** Must be consumed (pipeTo, readAll, toReadable) or discarded: until then the pooled connection stays busy. Fails if the target dies mid-body. */
  body: TargetBody;
  targetHost: string;
  /** Peer address of the pool's latest connection to that origin. */
  targetIp?: string;
}

export interface TargetClient {
  /** URL form: the TargetEndpoint URL; LoadBalancer form: undefined. */
  readonly baseUrl: string | undefined;
  /** Rejects with a TargetError (502/503/504) or a PolicyFault (InvalidHeader, InvalidTargetUrl). */
  send(request: TargetRequest): Promise<TargetResponse>;
  /** Graceful: waits for in-flight requests (undici close()), then releases the pools. */
  close(): Promise<void>;
  /** Aborts in-flight requests and releases the pools (drain ceiling). */
  destroy(): Promise<void>;
}

export interface TargetClientDeps {
  targetServers: ReadonlyMap<string, TargetServerDefinition>;
  now?: () => number;
  /** Time a LoadBalancer server marked down stays out of rotation (default DEFAULT_RECOVERY_INTERVAL_MS, 10 s). */
  recoveryIntervalMs?: number;
  /** Connect-time DNS lookup (SSRF address filtering hook). */
  lookup?: LookupFunction;
}

// RFC 9110 §9.1 method = token; CONNECT tunnels are not proxied (undici refuses them too).
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Validates the connection (throws an Error naming the problem, so the deploy fails) and creates its pools. */
export function createTargetClient(connection: HttpTargetConnectionConfig, deps: TargetClientDeps): TargetClient {
  if ((connection.url === undefined) === (connection.loadBalancer === undefined)) {
    throw new Error('HTTPTargetConnection: exactly one of <URL> and <LoadBalancer> is required');
  }
  if (connection.ssl?.clientAuthEnabled) throw new Error('HTTPTargetConnection SSLInfo: ClientAuthEnabled (mutual TLS) is not supported');
  const settings = parseTargetProperties(connection.properties);
  const base = connection.url === undefined ? undefined : toConfiguredUrlDestination(connection.url, connection);
  const parsedBase = connection.url === undefined ? undefined : toParsedTargetUrl(connection.url);
  const members = toLoadBalancerMembers(connection, deps.targetServers);
  const lbConfig = connection.loadBalancer;
  const balancer = lbConfig
    ? createLoadBalancer({ algorithm: lbConfig.algorithm, members, maxFailures: lbConfig.maxFailures, recoveryIntervalMs: deps.recoveryIntervalMs, now: deps.now })
    : undefined;
  const pools = createTargetPools({ settings, ...(deps.lookup ? { lookup: deps.lookup } : {}) });
  const pinnedOrigins = new Set([...(base ? [base.origin] : []), ...members.map((m) => m.target.origin)]);
  const urlRejectUnauthorized = !(connection.ssl?.ignoreValidationErrors ?? false);
  let closed = false;

  const dispatch = async (request: TargetRequest, destination: TargetDestination, path: string): Promise<TargetResponse> => {
    const headers = toTargetHeaders(request.headers, {
      targetHost: destination.hostHeader,
      clientIp: request.clientIp,
      clientProto: request.clientProto,
      clientHost: request.clientHost,
      xForwardedFor: request.xForwardedFor ?? true,
    });
    const pool = pools.get(destination.origin, destination, pinnedOrigins.has(destination.origin));
    let head: TargetResponseHandler;
    try {
      head = await new Promise<TargetResponseHandler>((resolve, reject) => {
        const handler = new TargetResponseHandler(request.body ?? null, request.signal, resolve, reject);
        pool.dispatcher.dispatch({ method: request.method, path, headers, body: request.body ?? null }, handler);
      });
    } catch (err) {
      throw classifyTargetError(err);
    }
    return {
      statusCode: head.statusCode,
      reasonPhrase: head.statusMessage,
      headers: fromTargetRawHeaders(head.rawHeaders),
      body: head.body!,
      targetHost: destination.hostname,
      ...(pool.remoteAddress === undefined ? {} : { targetIp: pool.remoteAddress }),
    };
  };

  const sendBalanced = async (request: TargetRequest, lb: LoadBalancer<TargetDestination>, pathAndQuery: string): Promise<TargetResponse> => {
    // RetryEnabled: a connect failure means no byte was sent, so one more server may be tried, but only with a
    // body that can be replayed (a Buffer or none); a streamed body may already be partly consumed.
    const replayable = request.body === undefined || Buffer.isBuffer(request.body);
    const maxAttempts = lbConfig?.retryEnabled && replayable ? 2 : 1;
    const tried = new Set<string>();
    let lastError: unknown;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const member = lb.pick(tried);
      if (!member) break;
      tried.add(member.name);
      const path = toOriginPath(member.target, pathAndQuery);
      lb.acquire(member);
      try {
        const response = await dispatch(request, member.target, path);
        lb.recordSuccess(member);
        response.body.whenDone(() => lb.release(member));
        return response;
      } catch (err) {
        lb.release(member);
        // A fault of our own (InvalidHeader) or the client going away says nothing about the server's health.
        if (!(err instanceof TargetError)) throw err;
        if (!request.signal?.aborted) lb.recordFailure(member);
        if (!isConnectFailure(err.kind)) throw err;
        lastError = err;
      }
    }
    throw lastError ?? toTargetError('no-healthy-server');
  };

  return {
    baseUrl: connection.url,
    async send(request) {
      if (closed) throw toTargetError('connect', new Error('target client is closed'));
      if (!METHOD.test(request.method) || request.method.toUpperCase() === 'CONNECT') throw runtimeFault('InternalError');
      if (request.url !== undefined) {
        const { destination, path } = toUrlDestination(request.url, urlRejectUnauthorized);
        return dispatch(request, destination, path);
      }
      if (balancer) return sendBalanced(request, balancer, request.pathAndQuery ?? '/');
      if (!base || connection.url === undefined) throw runtimeFault('InvalidTargetUrl');
      if (request.pathAndQuery !== undefined) return dispatch(request, base, toOriginPath(base, request.pathAndQuery));
      // The URL form: no URL is parsed per request unless the suffix or query needs the parser's normalizing.
      const suffix = request.pathSuffix ?? '';
      const query = request.query ?? '';
      const plain = parsedBase && toPlainTargetPath(parsedBase, suffix, query);
      if (plain !== undefined) return dispatch(request, base, plain);
      const { destination, path } = toUrlDestination(appendToUrl(connection.url, suffix, query), urlRejectUnauthorized);
      return dispatch(request, destination, path);
    },
    async close() {
      closed = true;
      await pools.close();
    },
    async destroy() {
      closed = true;
      await pools.destroy();
    },
  };
}
