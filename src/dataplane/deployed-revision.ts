// A compiled revision deployed at a deployment base path, with the in-flight count that drains it.
import type { CompiledProxyEndpoint, CompiledRevision } from '../engine/compiled-revision.js';
import type { RevisionObserver } from './revision-observer.js';
import { SlotList } from './slot-list.js';

/** Joins a deployment base path and a ProxyEndpoint BasePath with one `/` (compat §3.3). */
export function toEffectiveBasePath(deploymentBasePath: string, endpointBasePath: string): string {
  const prefix = deploymentBasePath === '/' ? '' : deploymentBasePath.replace(/\/+$/, '');
  const suffix = endpointBasePath === '/' ? '' : endpointBasePath;
  const joined = `${prefix}${suffix}`;
  return joined === '' ? '/' : joined;
}

export class DeployedRevision {
  readonly compiled: CompiledRevision;
  readonly deploymentBasePath: string;
  private inflightCount = 0;
  private idleWaiters: Array<() => void> = [];
  /** How to end each in-flight request if the drain ceiling passes (registered by the data plane). */
  private readonly enders = new SlotList<() => void>();
  /** Metric cells and access logger of this revision, resolved by the data plane on its first request. */
  observer: RevisionObserver | undefined = undefined;

  constructor(compiled: CompiledRevision, deploymentBasePath: string) {
    this.compiled = compiled;
    this.deploymentBasePath = deploymentBasePath;
  }

  get inflight(): number {
    return this.inflightCount;
  }

  /** Effective base path of one of this revision's ProxyEndpoints. */
  effectiveBasePath(endpoint: CompiledProxyEndpoint): string {
    return toEffectiveBasePath(this.deploymentBasePath, endpoint.basePath);
  }

  /** Counts a request that started on this revision; release exactly once when it ends. */
  acquire(): void {
    this.inflightCount++;
  }

  release(): void {
    this.inflightCount--;
    if (this.inflightCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Registers how to end one in-flight request at the drain ceiling; pass the returned handle to untrackRequest when it ends. */
  trackRequest(end: () => void): number {
    return this.enders.add(end);
  }

  untrackRequest(handle: number): void {
    this.enders.remove(handle);
  }

  /** The drain ceiling passed: ends every request still in flight (each answers 504 or is cut). Returns how many. */
  endInflightRequests(): number {
    const enders = this.enders.clear();
    for (const end of enders) end();
    return enders.length;
  }

  /** Resolves once no request is in flight on this revision. */
  whenIdle(): Promise<void> {
    if (this.inflightCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
