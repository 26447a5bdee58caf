// Test helper: a small management-API client (Basic or Bearer) over undici, for every admin integration test.
import { FormData, request } from 'undici';

export type AdminCredentials = { readonly user: string; readonly password: string } | { readonly token: string };

export interface AdminRequestOptions {
  /** Appended to the path as a query string (values are URL-encoded). */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** Sent as an `application/x-www-form-urlencoded` body. */
  readonly form?: Readonly<Record<string, string | number | boolean>>;
  /** Sent as an `application/json` body. */
  readonly json?: unknown;
  /** Sent as is; no Content-Type is added (set one in `headers`). */
  readonly body?: string | Uint8Array;
  /** Sent as `multipart/form-data` with the bytes in the field `file` (the zip upload of compat §1.3). */
  readonly file?: Uint8Array;
  /** Extra headers; `authorization` here replaces the client's credentials. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AdminResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly buffer: Buffer;
  text(): string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json<T = unknown>(): T;
}

export interface AdminClient {
  request(method: string, path: string, options?: AdminRequestOptions): Promise<AdminResponse>;
  get(path: string, options?: AdminRequestOptions): Promise<AdminResponse>;
  post(path: string, options?: AdminRequestOptions): Promise<AdminResponse>;
  put(path: string, options?: AdminRequestOptions): Promise<AdminResponse>;
  delete(path: string, options?: AdminRequestOptions): Promise<AdminResponse>;
}

export function toAuthorization(credentials: AdminCredentials): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
}

function toSearch(values: Readonly<Record<string, string | number | boolean>>): string {
  return new URLSearchParams(Object.entries(values).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/** `path` is sent exactly as given (so tests can send `//v1/…` or `/o/…`), after `baseUrl` (no trailing `/`). */
export function adminClient(baseUrl: string, credentials?: AdminCredentials): AdminClient {
  const base = baseUrl.replace(/\/$/, '');
  const send = async (method: string, path: string, options: AdminRequestOptions = {}): Promise<AdminResponse> => {
    const headers: Record<string, string> = {};
    if (credentials) headers.authorization = toAuthorization(credentials);
    let body: string | Uint8Array | FormData | undefined = options.body;
    if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = toSearch(options.form);
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.file !== undefined) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(options.file)], { type: 'application/octet-stream' }), 'bundle.zip');
      body = form;
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    const query = options.query ? `${path.includes('?') ? '&' : '?'}${toSearch(options.query)}` : '';
    const response = await request(`${base}${path}${query}`, { method, headers, body });
    const buffer = Buffer.from(await response.body.arrayBuffer());
    return {
      status: response.statusCode,
      headers: response.headers,
      buffer,
      text: () => buffer.toString('utf8'),
      json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
    };
  };
  return {
    request: send,
    get: (path, options) => send('GET', path, options),
    post: (path, options) => send('POST', path, options),
    put: (path, options) => send('PUT', path, options),
    delete: (path, options) => send('DELETE', path, options),
  };
}
