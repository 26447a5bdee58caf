// Abandons one exchange's target work when its client goes away, without an AbortController per request.

type Listener = () => void;

/**
 * undici accepts any emitter with `aborted`, `once` and `removeListener` as a request signal, and that is far
 * cheaper than an AbortController (an EventTarget, and a DOMException built on every abort). A real AbortSignal is
 * only made when a policy asks for one (`signal`, e.g. for a callout).
 */
export class ExchangeAbort {
  aborted = false;
  private listeners: Listener[] | undefined;
  private controller: AbortController | undefined;

  /** An AbortSignal that aborts with the exchange; created on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  on(_event: 'abort', listener: Listener): this {
    (this.listeners ??= []).push(listener);
    return this;
  }

  once(event: 'abort', listener: Listener): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: Listener): this {
    const listeners = this.listeners;
    if (listeners) {
      const at = listeners.indexOf(listener);
      if (at !== -1) listeners.splice(at, 1);
    }
    return this;
  }

  off(event: 'abort', listener: Listener): this {
    return this.removeListener(event, listener);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
    this.controller?.abort();
  }
}

/** What target clients accept as a request's abort signal: a real AbortSignal or an ExchangeAbort. */
export type TargetAbortSignal = AbortSignal | ExchangeAbort;

export function isAbortSignal(signal: TargetAbortSignal): signal is AbortSignal {
  return 'addEventListener' in signal;
}
