// The HTTP client policies use for callouts (ServiceCallout, JavaScript httpClient): one undici Agent per gateway, bodies buffered and capped.
import { Agent, request } from 'undici';

export interface CalloutRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer;
  /** Whole exchange: connect, headers and body. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Verify the server's certificate (default true); false only for SSLInfo IgnoreValidationErrors. */
  readonly rejectUnauthorized?: boolean;
}

export interface CalloutResponse {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export interface CalloutClient {
  /** Rejects with an Error whose `code` is undici's (UND_ERR_*), `CALLOUT_TIMEOUT` or `CALLOUT_BODY_TOO_LARGE`. */
  send(request: CalloutRequest): Promise<CalloutResponse>;
  close(): Promise<void>;
}

export interface CalloutClientOptions {
  /** Largest response body kept in memory; a bigger one fails the callout. */
  readonly maxResponseBytes: number;
  readonly connectTimeoutMs: number;
}

export function createCalloutClient(options: CalloutClientOptions): CalloutClient {
  const agent = new Agent({ connect: { timeout: options.connectTimeoutMs }, keepAliveTimeout: 4_000 });
  // Created on first use: only callouts that opt out of certificate checks share it.
  let insecureAgent: Agent | undefined;
  const agentFor = (rejectUnauthorized: boolean): Agent => {
    if (rejectUnauthorized) return agent;
    insecureAgent ??= new Agent({ connect: { timeout: options.connectTimeoutMs, rejectUnauthorized: false }, keepAliveTimeout: 4_000 });
    return insecureAgent;
  };
  return {
    async send(req) {
      const timeout = AbortSignal.timeout(req.timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      const headers: string[] = [];
      for (const [name, value] of req.headers) headers.push(name, value);
      try {
        const res = await request(req.url, { method: req.method, headers, body: req.body, dispatcher: agentFor(req.rejectUnauthorized ?? true), signal });
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of res.body) {
          total += (chunk as Buffer).byteLength;
          if (total > options.maxResponseBytes) {
            res.body.destroy();
            throw Object.assign(new Error(`callout response body exceeds ${options.maxResponseBytes} bytes`), { code: 'CALLOUT_BODY_TOO_LARGE' });
          }
          chunks.push(chunk as Buffer);
        }
        const responseHeaders: Array<[string, string]> = [];
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.push([name, v]);
          else if (value !== undefined) responseHeaders.push([name, value]);
        }
        return { statusCode: res.statusCode, reasonPhrase: '', headers: responseHeaders, body: Buffer.concat(chunks, total) };
      } catch (err) {
        if (timeout.aborted && !req.signal?.aborted) {
          throw Object.assign(new Error(`callout to ${new URL(req.url).origin} timed out after ${req.timeoutMs} ms`, { cause: err }), { code: 'CALLOUT_TIMEOUT' });
        }
        throw err;
      }
    },
    close: async () => {
      await Promise.all([agent.close(), insecureAgent?.close()]);
    },
  };
}
