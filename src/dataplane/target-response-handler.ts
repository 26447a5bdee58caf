// The undici dispatch handler of one target request: resolves at the response head, then feeds a TargetBody.
import { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { errors, type Dispatcher } from 'undici';
import { toTargetError } from './classify-target-error.js';
import { isAbortSignal, type TargetAbortSignal } from './exchange-abort.js';
import { TargetBody } from './target-body.js';

function noop(): void {}

/**
 * Used instead of `dispatcher.request()`, which builds a RequestHandler and a Readable per response. The promise
 * rejects with undici's error before the response head (the caller classifies it), and with a 'bad-response'
 * TargetError for a status outside 100-599. The signal aborts the request at any point, as request() does.
 */
export class TargetResponseHandler implements Dispatcher.DispatchHandler {
  statusCode = 0;
  statusMessage = '';
  rawHeaders: ReadonlyArray<string | Buffer> = [];
  body: TargetBody | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private requestBody: Buffer | Readable | null;
  private signal: TargetAbortSignal | undefined;
  private abortListener: (() => void) | undefined;
  /** Set when the signal fired before undici started the request: it aborts as soon as it does. */
  private reason: Error | undefined;
  private resolve: ((handler: TargetResponseHandler) => void) | undefined;
  private reject: ((err: unknown) => void) | undefined;

  constructor(requestBody: Buffer | Readable | null, signal: TargetAbortSignal | undefined, resolve: (handler: TargetResponseHandler) => void, reject: (err: unknown) => void) {
    this.requestBody = requestBody;
    this.resolve = resolve;
    this.reject = reject;
    if (!signal) return;
    if (signal.aborted) {
      this.reason = reasonOf(signal);
      return;
    }
    const listener = (): void => this.abort();
    this.signal = signal;
    this.abortListener = listener;
    if (isAbortSignal(signal)) signal.addEventListener('abort', listener, { once: true });
    else signal.once('abort', listener);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.reason) controller.abort(this.reason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, _headers: unknown, statusMessage?: string): void {
    // 1xx informational heads (103 Early Hints) are not forwarded; the final head follows. llhttp accepts any three
    // digits and undici treats those below 200 as informational too.
    if (statusCode < 200) return;
    // RFC 9110 §15 status codes are 100-599 (reliability-security item 50).
    if (statusCode > 599) {
      const err = toTargetError('bad-response', new Error(`target answered with status ${statusCode}`));
      this.settleHead(undefined, err);
      controller.abort(err);
      return;
    }
    this.statusCode = statusCode;
    this.statusMessage = statusMessage ?? '';
    // Raw pairs keep the target's header-name case for the client.
    this.rawHeaders = (controller.rawHeaders as Buffer[] | null | undefined) ?? [];
    this.body = new TargetBody(controller);
    this.settleHead(this, undefined);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.push(chunk);
  }

  onResponseEnd(): void {
    this.removeSignal();
    this.body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.removeSignal();
    if (this.body) this.body.fail(err);
    else this.settleHead(undefined, err);
    const requestBody = this.requestBody;
    this.requestBody = null;
    // As undici's RequestHandler: a streamed request body is destroyed, detached first when it is the client
    // request, so the client's socket survives to carry the fault response.
    if (requestBody !== null && !Buffer.isBuffer(requestBody) && !requestBody.destroyed) {
      requestBody.on('error', noop);
      if (requestBody instanceof IncomingMessage) (requestBody as { socket: unknown }).socket = null;
      requestBody.destroy(err);
    }
  }

  private abort(): void {
    const reason = reasonOf(this.signal!);
    this.removeSignal();
    if (this.controller) this.controller.abort(reason);
    else this.reason = reason;
  }

  private settleHead(handler: TargetResponseHandler | undefined, err: unknown): void {
    const resolve = this.resolve;
    const reject = this.reject;
    this.resolve = undefined;
    this.reject = undefined;
    if (handler) resolve?.(handler);
    else reject?.(err);
  }

  private removeSignal(): void {
    const signal = this.signal;
    const listener = this.abortListener;
    if (!signal || !listener) return;
    this.signal = undefined;
    this.abortListener = undefined;
    if (isAbortSignal(signal)) signal.removeEventListener('abort', listener);
    else signal.removeListener('abort', listener);
  }
}

function reasonOf(signal: TargetAbortSignal): Error {
  const reason = isAbortSignal(signal) ? (signal.reason as Error | undefined) : undefined;
  return reason ?? new errors.RequestAbortedError();
}
