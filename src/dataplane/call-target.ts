// Builds the target request of an exchange (target.url rules of compat §6.4), observes the call, and stores the streamed target response.
import { Message } from '../engine/message.js';
import type { FlowContext } from '../engine/flow-context.js';
import { ExchangeContext } from './exchange-context.js';
import type { TargetClient, TargetResponse } from './target-client.js';
import { joinPathAndQuery } from './target-destination.js';

export async function callTarget(ctx: FlowContext, client: TargetClient, loadBalancerPath: string | undefined, options: { xForwardedFor: boolean }): Promise<void> {
  const request = ctx.request;
  const suffix = ctx.target.copyPathSuffix ? ctx.init.pathSuffix : '';
  const query = ctx.target.copyQueryParams ? request.queryString : '';
  let url: string | undefined;
  let pathAndQuery: string | undefined;
  if (ctx.target.urlOverride !== undefined) {
    // A URL written by a flow is used as-is (compat §6.4).
    url = ctx.target.urlOverride;
  } else if (loadBalancerPath !== undefined) {
    pathAndQuery = joinPathAndQuery(loadBalancerPath === '' ? '/' : loadBalancerPath, suffix, '', query);
  }
  const body = request.isStreaming ? request.takeStream() : request.contentBuffer.byteLength > 0 ? request.contentBuffer : undefined;
  // Data-plane requests carry an ExchangeContext: traceparent, the target span, target latency and errors.
  const exchange = ctx instanceof ExchangeContext ? ctx : undefined;
  const span = exchange?.beforeTargetCall(request.headers, request.verb);
  const startedAt = performance.now();
  let response: TargetResponse;
  try {
    response = await client.send({
      method: request.verb,
      url,
      pathAndQuery,
      // The URL form with target.url unchanged: the client appends these to its TargetEndpoint URL.
      pathSuffix: suffix,
      query,
      headers: request.headers,
      body,
      clientIp: ctx.init.clientIp,
      clientProto: ctx.init.scheme,
      clientHost: ctx.init.host,
      xForwardedFor: options.xForwardedFor,
      signal: ctx.init.targetSignal,
    });
  } catch (err) {
    exchange?.afterTargetCall(span, undefined, err, (performance.now() - startedAt) / 1000);
    throw err;
  }
  exchange?.afterTargetCall(span, response.statusCode, undefined, (performance.now() - startedAt) / 1000);
  ctx.target.host = response.targetHost;
  ctx.target.ip = response.targetIp;
  const message = Message.withStream('response', response.body, response.headers);
  message.statusCode = response.statusCode;
  message.reasonPhrase = response.reasonPhrase;
  ctx.setMessage('response', message);
}
