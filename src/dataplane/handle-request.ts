// The data-plane request lifecycle: edge checks, route on the current snapshot, run the flows, answer, PostClientFlow.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { runtimeFault, type PolicyFault } from '../errors.js';
import { FlowContext } from '../engine/flow-context.js';
import type { FlowIo } from '../engine/flow-io.js';
import { toFaultResponse } from '../engine/fault-response.js';
import { runPostClientFlow, runProxyFlow } from '../engine/run-proxy-flow.js';
import type { FlowHookSet } from '../engine/shared-flow.js';
import { callTarget } from './call-target.js';
import { readClientRequest, type ClientRequestLimits } from './read-client-request.js';
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
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  const { logger } = options;
  const io: FlowIo = {
    maxBufferedBodyBytes: options.limits.maxBufferedBodyBytes,
    callTarget: (ctx, target, loadBalancerPath) => callTarget(ctx, target, loadBalancerPath, { xForwardedFor: options.xForwardedFor }),
    onSuppressedError: (ctx, err, where) => {
      logger.warn({ err, api: ctx.init.apiName, revision: ctx.init.revision, where }, 'suppressed policy error');
    },
  };

  const answerFault = (req: IncomingMessage, res: ServerResponse, fault: PolicyFault): void => {
    req.resume();
    writeClientResponse(res, toFaultResponse(fault), { isHead: req.method === 'HEAD', extraHeaders: undefined, onBodyError: undefined });
  };

  return (req, res) => {
    const head = readClientRequest(req, options.limits);
    if (!head.ok) {
      answerFault(req, res, head.fault);
      return;
    }
    const match = options.getRouteTable().lookup(options.virtualHost, head.path);
    if (!match) {
      answerFault(req, res, runtimeFault('ApplicationNotFound', [options.virtualHost, head.path]));
      return;
    }
    const { target, pathSuffix } = match;
    const deployed = target.deployed;
    const revision = deployed.compiled;
    // In flight until both the response is closed and PostClientFlow is done: drain waits for both.
    deployed.acquire();
    let pending = 2;
    const release = (): void => {
      if (--pending === 0) deployed.release();
    };
    const abort = new AbortController();
    const untrack = deployed.trackRequest(() => {
      // The revision was undeployed and its drain ceiling passed (documented outcome: 504 DrainTimeout + this log line).
      logger.warn({ api: revision.apiName, revision: revision.revision, env: options.environment, path: head.path }, 'drain ceiling reached: ending an in-flight request');
      if (!res.headersSent) answerFault(req, res, runtimeFault('DrainCeilingReached'));
      else res.destroy();
      abort.abort();
    });
    const startedAt = performance.now();
    const sampled = options.accessLogSampleRate >= 1 || Math.random() < options.accessLogSampleRate;
    res.once('close', () => {
      untrack();
      if (!res.writableFinished) abort.abort();
      release();
      if (sampled) {
        // The path without its query string: query parameters often carry keys and tokens.
        logger.info({
          access: true, env: options.environment, vhost: options.virtualHost, api: revision.apiName, revision: revision.revision,
          method: req.method, path: head.path, status: res.statusCode, completed: res.writableFinished,
          durationMs: Math.round((performance.now() - startedAt) * 100) / 100, clientIp: ctx.init.clientIp, messageId: ctx.init.messageId,
        }, 'request');
      }
    });

    const ctx = new FlowContext({
      request: head.message,
      organization: options.organization,
      environment: options.environment,
      virtualHost: options.virtualHost,
      apiName: revision.apiName,
      revision: revision.revision,
      proxyEndpoint: target.endpoint.name,
      basePath: target.basePath,
      pathSuffix,
      clientIp: req.socket.remoteAddress ?? '',
      scheme: options.scheme,
      host: req.headers.host ?? '',
      messageId: randomUUID(),
      now: options.now,
      signal: abort.signal,
      io,
      flowHooks: options.getFlowHooks?.(),
    });
    const extraHeaders = options.revisionHeader ? { 'X-Baton-Revision': `${revision.apiName}/${revision.revision}` } : undefined;

    runProxyFlow(ctx, target.endpoint, io)
      .then(() => {
        writeClientResponse(res, ctx.response, {
          isHead: req.method === 'HEAD',
          extraHeaders,
          closeConnection: ctx.request.overflowed,
          onBodyError: (err, side) => {
            if (side === 'client') logger.debug({ api: revision.apiName, revision: revision.revision }, 'client closed the connection before the response was complete');
            else logger.warn({ err, api: revision.apiName, revision: revision.revision }, 'target response body failed mid-stream');
          },
        });
        return runPostClientFlow(ctx, target.endpoint, io);
      })
      .catch((err: unknown) => {
        logger.error({ err, api: revision.apiName, revision: revision.revision }, 'unexpected data-plane error');
        if (!res.headersSent) answerFault(req, res, runtimeFault('InternalError'));
        else res.destroy();
      })
      .finally(release);
  };
}
