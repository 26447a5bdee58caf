// The data-plane request lifecycle: edge checks, route on the current snapshot, run the flows, answer, PostClientFlow; observed once per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { runtimeFault, type PolicyFault } from '../errors.js';
import type { FlowIo } from '../engine/flow-io.js';
import { addRequestIdToFaultBody, toFaultResponse } from '../engine/fault-response.js';
import { runPostClientFlow, runProxyFlow } from '../engine/run-proxy-flow.js';
import type { FlowHookSet } from '../engine/shared-flow.js';
import type { DataplaneMetrics } from '../metrics/dataplane-metrics.js';
import type { Tracing } from '../tracing/create-tracing.js';
import type { TraceIdGenerator } from '../tracing/trace-context.js';
import { callTarget } from './call-target.js';
import { ExchangeAbort } from './exchange-abort.js';
import { ExchangeContext, type ExchangeTracing } from './exchange-context.js';
import { readClientRequest, type ClientRequestLimits } from './read-client-request.js';
import { REQUEST_ID_HEADER, isValidRequestId, type RequestIdGenerator } from './request-ids.js';
import { createRevisionObserver } from './revision-observer.js';
import type { RouteTable } from './route-table.js';
import { writeClientResponse } from './write-client-response.js';

export interface RequestHandlerOptions {
  readonly organization: string;
  readonly environment: string;
  readonly virtualHost: string;
  readonly scheme: 'http' | 'https';
  /** The environment's current routing snapshot; read once per request (STYLE §3). */
  readonly getRouteTable: () => RouteTable;
  readonly limits: ClientRequestLimits & { readonly maxBufferedBodyBytes: number };
  /** Adds `X-Baton-Revision: <api>/<revision>` to responses (off by default). */
  readonly revisionHeader: boolean;
  readonly xForwardedFor: boolean;
  /** Fraction 0-1 of requests that get an access-log line; 0 turns it off. */
  readonly accessLogSampleRate: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** The environment's attached flow hooks now (undefined when none is); read once per request, like the route table. */
  readonly getFlowHooks?: () => FlowHookSet | undefined;
  readonly metrics: DataplaneMetrics;
  /** Shared by the gateway's listeners: ids unique per process. */
  readonly requestIds: RequestIdGenerator;
  readonly traceIds: TraceIdGenerator;
  /** Span export; undefined when tracing is off (then no OTel object is created per request). */
  readonly tracing: Tracing | undefined;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A client that left before any response was sent (nginx's convention): counted and logged as 499. */
const CLIENT_CLOSED_REQUEST = 499;

export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  const { logger, organization, environment, tracing } = options;
  const sampleRate = options.accessLogSampleRate;
  const unrouted = options.metrics.forUnrouted(organization, environment);
  const unroutedLog = logger.child({ access: true, org: organization, env: environment });
  const exchangeTracing: ExchangeTracing = { ids: options.traceIds, tracing };
  const io: FlowIo = {
    maxBufferedBodyBytes: options.limits.maxBufferedBodyBytes,
    callTarget: (ctx, target, loadBalancerPath) => callTarget(ctx, target, loadBalancerPath, { xForwardedFor: options.xForwardedFor }),
    onSuppressedError: (ctx, err, where) => {
      logger.warn({ err, api: ctx.init.apiName, revision: ctx.init.revision, where, requestId: ctx.init.messageId }, 'suppressed policy error');
    },
  };
  const isSampled = (): boolean => sampleRate >= 1 || (sampleRate > 0 && Math.random() < sampleRate);

  const answerFault = (req: IncomingMessage, res: ServerResponse, fault: PolicyFault, requestId: string): void => {
    req.resume();
    writeClientResponse(res, toFaultResponse(fault, requestId), { requestId, isHead: req.method === 'HEAD', extraHeaders: undefined, onBodyError: undefined });
  };

  /** Refused at the edge or matching no proxy: answered and observed at once. */
  const answerUnrouted = (req: IncomingMessage, res: ServerResponse, fault: PolicyFault, requestId: string, path: string | undefined, startedAt: number): void => {
    answerFault(req, res, fault, requestId);
    unrouted.observe(fault.status);
    if (isSampled()) {
      unroutedLog.info({
        vhost: options.virtualHost, method: req.method, path, status: fault.status,
        durationMs: toMs(performance.now() - startedAt), clientIp: req.socket.remoteAddress, requestId,
      }, 'request');
    }
  };

  return (req, res) => {
    const startedAt = performance.now();
    const clientHeaders = req.headers;
    const clientRequestId = clientHeaders['x-request-id'];
    const requestId: string = typeof clientRequestId === 'string' && isValidRequestId(clientRequestId) ? clientRequestId : options.requestIds.next();
    const head = readClientRequest(req, options.limits);
    if (!head.ok) {
      answerUnrouted(req, res, head.fault, requestId, undefined, startedAt);
      return;
    }
    // The target gets exactly one X-Request-ID: the client's valid one as sent, otherwise ours.
    const requestHeaders = head.message.headers;
    if (requestId !== clientRequestId || requestHeaders.getAll(REQUEST_ID_HEADER).length !== 1) requestHeaders.set(REQUEST_ID_HEADER, requestId);
    const match = options.getRouteTable().lookup(options.virtualHost, head.path);
    if (!match) {
      answerUnrouted(req, res, runtimeFault('ApplicationNotFound', [options.virtualHost, head.path]), requestId, head.path, startedAt);
      return;
    }
    const { target, pathSuffix } = match;
    const deployed = target.deployed;
    const revision = deployed.compiled;
    const observer = deployed.observer ?? (deployed.observer = createRevisionObserver(options.metrics, logger, revision));
    const cells = observer.metrics;
    // In flight until both the response is closed and PostClientFlow is done: drain waits for both.
    deployed.acquire();
    cells.inflight++;
    let pending = 2;
    const release = (): void => {
      if (--pending !== 0) return;
      cells.inflight--;
      deployed.release();
    };
    const abort = new ExchangeAbort();
    const tracked = deployed.trackRequest(() => {
      // The revision was undeployed and its drain ceiling passed (documented outcome: 504 DrainTimeout + this log line).
      logger.warn({ api: revision.apiName, revision: revision.revision, env: environment, path: head.path, requestId }, 'drain ceiling reached: ending an in-flight request');
      if (!res.headersSent) answerFault(req, res, runtimeFault('DrainCeilingReached'), requestId);
      else res.destroy();
      abort.abort();
    });

    const ctx = new ExchangeContext({
      request: head.message,
      organization,
      environment,
      virtualHost: options.virtualHost,
      apiName: revision.apiName,
      revision: revision.revision,
      proxyEndpoint: target.endpoint.name,
      basePath: target.basePath,
      pathSuffix,
      clientIp: req.socket.remoteAddress ?? '',
      scheme: options.scheme,
      host: clientHeaders.host ?? '',
      // Apigee's messageid is the request id, so MessageLogging lines and the access log correlate.
      messageId: requestId,
      now: options.now,
      // No getter in this literal: an object literal with an accessor, made per request, kept each request's objects
      // alive through young-generation GCs (bench/README.md, "Garbage collection"). FlowContext.signal makes the
      // AbortSignal on demand instead.
      targetSignal: abort,
      io,
      flowHooks: options.getFlowHooks?.(),
    }, observer, exchangeTracing, typeof clientHeaders.traceparent === 'string' ? clientHeaders.traceparent : undefined);
    if (tracing) {
      ctx.startServerSpan(tracing, `${req.method ?? 'GET'} ${target.basePath}`, {
        'http.request.method': req.method ?? 'GET', 'url.path': head.path, 'url.scheme': options.scheme, 'http.route': target.basePath,
        'client.address': ctx.init.clientIp, 'baton.organization': organization, 'baton.environment': environment,
        'baton.proxy': revision.apiName, 'baton.revision': revision.revision, 'baton.request_id': requestId,
      });
    }
    const sampled = isSampled();
    // Held here: req.socket is null once the connection is gone.
    const socket = req.socket;
    const bytesBefore = sampled ? socket.bytesWritten : 0;
    // `on`, not `once`: 'close' fires once anyway, and `once` here kept each request's objects alive through
    // young-generation GCs (24% of allocation promoted instead of 0.1%; bench/README.md, "Garbage collection").
    res.on('close', () => {
      deployed.untrackRequest(tracked);
      if (!res.writableFinished) abort.abort();
      release();
      const status = res.headersSent ? res.statusCode : CLIENT_CLOSED_REQUEST;
      const elapsedMs = performance.now() - startedAt;
      cells.observeRequest(status, elapsedMs / 1000);
      if (ctx.serverSpan) tracing?.endServerSpan(ctx.serverSpan, status);
      if (sampled) {
        // The path without its query string: query parameters often carry keys and tokens.
        observer.accessLog.info({
          vhost: options.virtualHost, method: req.method, path: head.path, status, durationMs: toMs(elapsedMs),
          bytes: socket.bytesWritten - bytesBefore, targetStatus: ctx.targetStatus === 0 ? undefined : ctx.targetStatus,
          clientIp: ctx.init.clientIp, requestId, completed: res.writableFinished,
        }, 'request');
      }
    });
    const extraHeaders = options.revisionHeader ? { 'X-Baton-Revision': `${revision.apiName}/${revision.revision}` } : undefined;

    runProxyFlow(ctx, target.endpoint, io)
      .then(() => {
        if (ctx.fault) addRequestIdToFaultBody(ctx.response, requestId);
        writeClientResponse(res, ctx.response, {
          requestId,
          isHead: req.method === 'HEAD',
          extraHeaders,
          closeConnection: ctx.request.overflowed,
          onBodyError: (err, side) => {
            if (side === 'client') logger.debug({ api: revision.apiName, revision: revision.revision, requestId }, 'client closed the connection before the response was complete');
            else logger.warn({ err, api: revision.apiName, revision: revision.revision, requestId }, 'target response body failed mid-stream');
          },
        });
        return runPostClientFlow(ctx, target.endpoint, io);
      })
      .catch((err: unknown) => {
        logger.error({ err, api: revision.apiName, revision: revision.revision, requestId }, 'unexpected data-plane error');
        try {
          if (!res.headersSent) answerFault(req, res, runtimeFault('InternalError'), requestId);
          else res.destroy();
        } catch (answerErr) {
          // Even the fault could not be written (the response is in a state Node refuses): end the connection.
          logger.error({ err: answerErr, requestId }, 'could not answer with a fault');
          res.destroy();
        }
      })
      .finally(release);
  };
}

/** Milliseconds with two decimals. */
function toMs(elapsed: number): number {
  return Math.round(elapsed * 100) / 100;
}
