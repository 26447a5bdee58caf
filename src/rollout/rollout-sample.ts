// One finished load request as the rollout sees it, and how a transport failure is classified.

export type TransportErrorKind = 'reset' | 'timeout' | 'other';

/** Times are milliseconds on the rollout's monotonic clock (performance.now()), with sub-millisecond precision. */
export type RolloutSample =
  | {
    readonly startedAtMs: number;
    readonly completedAtMs: number;
    readonly status: number;
    /** Value of the revision header, when the response carried one. */
    readonly revision: string | undefined;
  }
  | {
    readonly startedAtMs: number;
    readonly completedAtMs: number;
    readonly error: TransportErrorKind;
    /** `ECONNRESET`, `premature close`, `timeout`, `ECONNREFUSED`, … */
    readonly code: string;
  };

// The connection went away under a request: the failures a swap must not cause.
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Sorts a load client's error into reset (ECONNRESET, socket hang up, premature close), timeout or other. */
export function toTransportErrorKind(error: { readonly code?: unknown; readonly message?: unknown }): TransportErrorKind {
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message.toLowerCase() : '';
  if (resetCodes.has(code) || message.includes('socket hang up') || message.includes('premature close')) return 'reset';
  if (code === 'ETIMEDOUT' || code.includes('TIMEOUT') || message.includes('timed out') || message.includes('timeout')) return 'timeout';
  return 'other';
}

/** A short stable label for an error: its code, else its message cut to 60 characters. */
export function toErrorCode(error: { readonly code?: unknown; readonly message?: unknown }): string {
  if (typeof error.code === 'string' && error.code !== '') return error.code.slice(0, 60);
  return (typeof error.message === 'string' && error.message !== '' ? error.message : 'unknown error').slice(0, 60);
}
