// Where a ServiceCallout sends its request: a URL template, or a LoadBalancer over the environment's TargetServers.
import type { CalloutClient, CalloutResponse } from '../../callouts/create-callout-client.js';
import { classifyTargetError, isConnectFailure } from '../../dataplane/classify-target-error.js';
import { createLoadBalancer } from '../../dataplane/load-balancer.js';
import { toLoadBalancerMembers, toOriginPath } from '../../dataplane/target-destination.js';
import type { TargetServerDefinition } from '../../dataplane/target-server.js';
import type { FlowContext } from '../../engine/flow-context.js';
import { compilePolicyTemplate, type TemplateOwner } from '../shared/compile-policy-template.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import type { ServiceCalloutConnection } from './parse.js';

export interface CalloutSend {
  readonly method: string;
  /** Path and query the request message adds: its query string (the URL form keeps the URL's own path). */
  readonly query: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer | undefined;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

export interface CalloutTarget {
  /** The URL template reads a message body. */
  readonly readsContent: boolean;
  /** The absolute URL of this exchange (URL form), rendered per request; undefined for a LoadBalancer. */
  renderUrl(flow: FlowContext): string | undefined;
  /**
   * Sends to `url` (URL form, or an override from `servicecallout.<policy>.target.url`) or to the next
   * LoadBalancer server. Resolves with the URL actually called; rejects with the client's error, or with an Error
   * whose code is `CALLOUT_BAD_URL`.
   */
  send(url: string | undefined, request: CalloutSend): Promise<{ url: string; response: CalloutResponse }>;
}

export function badUrl(url: string): Error {
  return Object.assign(new Error(`"${url}" is not an absolute http or https URL`), { code: 'CALLOUT_BAD_URL' });
}

/** Checks a URL the way target URLs are checked: http(s) only, no credentials. */
export function toCalloutUrl(text: string, query: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw badUrl(text);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') throw badUrl(text);
  if (query !== '') parsed.search = parsed.search === '' ? `?${query}` : `${parsed.search}&${query}`;
  parsed.hash = '';
  return parsed.href;
}

/**
 * The LoadBalancer form captures the TargetServer definitions at deploy, like a TargetEndpoint: a later change
 * reaches the callout when its revision is deployed again. Its passive health and RetryEnabled behave as there.
 */
export function compileCalloutTarget(
  connection: ServiceCalloutConnection,
  deps: { callouts: CalloutClient; targetServers: ReadonlyMap<string, TargetServerDefinition>; now: () => number; owner: TemplateOwner },
): CalloutTarget {
  const rejectUnauthorized = !(connection.ssl?.ignoreValidationErrors ?? false);
  const urlTemplate = connection.url === undefined ? undefined : compilePolicyTemplate(connection.url, deps.owner);
  const lbConfig = connection.loadBalancer;
  const balancer = lbConfig && createLoadBalancer({
    algorithm: lbConfig.algorithm,
    members: toLoadBalancerMembers({ loadBalancer: lbConfig, properties: connection.properties, ...(connection.ssl ? { ssl: connection.ssl } : {}) }, deps.targetServers),
    maxFailures: lbConfig.maxFailures,
    now: deps.now,
  });
  const basePath = connection.path ?? '/';

  const sendTo = async (url: string, request: CalloutSend, verify: boolean): Promise<{ url: string; response: CalloutResponse }> => {
    const response = await deps.callouts.send({
      url, method: request.method, headers: request.headers, body: request.body, timeoutMs: request.timeoutMs, rejectUnauthorized: verify,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { url, response };
  };

  return {
    readsContent: urlTemplate?.variables.some(isContentVariable) ?? false,
    renderUrl: (flow) => urlTemplate?.render(flow),
    async send(url, request) {
      if (url !== undefined || !balancer) return sendTo(toCalloutUrl(url ?? '', request.query), request, rejectUnauthorized);
      const tried = new Set<string>();
      const attempts = lbConfig?.retryEnabled ? 2 : 1;
      let lastError: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const member = balancer.pick(tried);
        if (!member) break;
        tried.add(member.name);
        const pathAndQuery = request.query === '' ? basePath : `${basePath}${basePath.includes('?') ? '&' : '?'}${request.query}`;
        const target = `${member.target.origin}${toOriginPath(member.target, pathAndQuery)}`;
        balancer.acquire(member);
        try {
          const result = await sendTo(target, request, member.target.rejectUnauthorized);
          balancer.recordSuccess(member);
          return result;
        } catch (err) {
          if (request.signal?.aborted) throw err;
          const kind = classifyTargetError(err).kind;
          // A body over the limit says nothing about the server's health.
          if ((err as { code?: unknown }).code !== 'CALLOUT_BODY_TOO_LARGE') balancer.recordFailure(member);
          // A connect failure sent nothing: another server may be tried (the body is a Buffer, so it replays).
          if (!isConnectFailure(kind)) throw err;
          lastError = err;
        } finally {
          balancer.release(member);
        }
      }
      throw lastError ?? Object.assign(new Error('no TargetServer of the LoadBalancer is available'), { code: 'CALLOUT_NO_SERVER' });
    },
  };
}
