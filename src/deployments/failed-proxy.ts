// Which proxy revision a refused multi-proxy change failed on, carried by the error itself (a group names the member).

const failedProxy = Symbol('failedProxy');

export interface FailedProxy {
  readonly api: string;
  readonly revision: number;
}

/** The proxy revision a refused change failed on (its problems, its compile, its base path), when it was one. */
export function failedProxyOf(err: unknown): FailedProxy | undefined {
  return typeof err === 'object' && err !== null ? (err as { [failedProxy]?: FailedProxy })[failedProxy] : undefined;
}

/** Marks the error as about that proxy revision (the first mark stays); returns it, for `throw blameProxy(…)`. */
export function blameProxy<E>(err: E, api: string, revision: number): E {
  if (typeof err === 'object' && err !== null && !(failedProxy in err)) Object.defineProperty(err, failedProxy, { value: { api, revision } });
  return err;
}
