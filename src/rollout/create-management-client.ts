// The few management API calls a rollout makes (compat §3.1), over undici, with bounded time and answer size.
import { Agent, request } from 'undici';
import type { ManagementCredentials } from './parse-rollout-options.js';

export interface ManagementCallResult {
  readonly method: string;
  /** Path and query below the management base URL (no credentials), for the report. */
  readonly path: string;
  readonly status: number;
  /** The answer parsed as JSON, or its text when it is not JSON. */
  readonly body: unknown;
}

export interface DeployCall {
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly override: boolean;
  readonly delaySeconds?: number;
  readonly basePath?: string;
}

export interface ManagementClient {
  deploy(call: DeployCall): Promise<ManagementCallResult>;
  undeploy(call: { readonly environment: string; readonly api: string; readonly revision: number }): Promise<ManagementCallResult>;
  /** `GET …/apis/{api}/deployments`: every environment. */
  listApiDeployments(api: string): Promise<ManagementCallResult>;
  /** `GET …/environments/{env}/apis/{api}/deployments`: 400 ApplicationNotDeployed when none. */
  listEnvironmentApiDeployments(environment: string, api: string): Promise<ManagementCallResult>;
  close(): Promise<void>;
}

export interface ManagementClientOptions {
  /** Without `/v1` and without a trailing `/`. */
  readonly baseUrl: string;
  readonly organization: string;
  readonly credentials: ManagementCredentials;
  readonly insecure: boolean;
  /** Whole call, headers and body; an Apigee deploy can take tens of seconds. */
  readonly callTimeoutMs: number;
}

/** A call that got no HTTP answer (refused, reset, timed out, TLS failure). */
export class ManagementCallError extends Error {
  override name = 'ManagementCallError';
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, cause: unknown) {
    const reason = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    super(`${method} ${path}: ${reason}`, { cause });
    this.method = method;
    this.path = path;
  }
}

// Management answers here are small JSON documents; anything longer is cut.
const maxAnswerBytes = 1024 * 1024;

function toAuthorization(credentials: ManagementCredentials): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
}

function toBody(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The gateway's explanation of a failed call: `message` (and `code`) of an Apigee error body, else the text. */
export function toGatewayMessage(result: ManagementCallResult): string {
  const { body } = result;
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    const { message, code } = body as { message: string; code?: unknown };
    return typeof code === 'string' && code !== '' ? `${message} (${code})` : message;
  }
  const text = typeof body === 'string' ? body.trim() : JSON.stringify(body);
  return text === '' ? '(empty answer)' : text.slice(0, 500);
}

export function createManagementClient(options: ManagementClientOptions): ManagementClient {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: !options.insecure }, keepAliveTimeout: 10_000 });
  const authorization = toAuthorization(options.credentials);
  const organizationPath = `/v1/organizations/${encodeURIComponent(options.organization)}`;

  const send = async (method: string, path: string, form: boolean): Promise<ManagementCallResult> => {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    // Apigee tooling posts deploy calls as an empty form (compat §3.1).
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    try {
      const response = await request(`${options.baseUrl}${path}`, {
        dispatcher, method: method as 'GET', headers, body: form ? '' : undefined,
        headersTimeout: options.callTimeoutMs, bodyTimeout: options.callTimeoutMs, signal: AbortSignal.timeout(options.callTimeoutMs),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxAnswerBytes) {
          response.body.destroy();
          break;
        }
      }
      return { method, path, status: response.statusCode, body: toBody(Buffer.concat(chunks).subarray(0, maxAnswerBytes)) };
    } catch (err) {
      throw new ManagementCallError(method, path, err);
    }
  };
  const segment = encodeURIComponent;
  const revisionPath = (environment: string, api: string, revision: number): string =>
    `${organizationPath}/environments/${segment(environment)}/apis/${segment(api)}/revisions/${revision}/deployments`;

  return {
    deploy(call) {
      const query = new URLSearchParams();
      if (call.override) query.set('override', 'true');
      if (call.delaySeconds !== undefined) query.set('delay', String(call.delaySeconds));
      if (call.basePath !== undefined) query.set('basepath', call.basePath);
      const search = query.toString() === '' ? '' : `?${query.toString()}`;
      return send('POST', `${revisionPath(call.environment, call.api, call.revision)}${search}`, true);
    },
    undeploy(call) {
      return send('DELETE', revisionPath(call.environment, call.api, call.revision), false);
    },
    listApiDeployments(api) {
      return send('GET', `${organizationPath}/apis/${segment(api)}/deployments`, false);
    },
    listEnvironmentApiDeployments(environment, api) {
      return send('GET', `${organizationPath}/environments/${segment(environment)}/apis/${segment(api)}/deployments`, false);
    },
    close() {
      return dispatcher.close();
    },
  };
}
