// Server selection for a LoadBalancer TargetEndpoint: RoundRobin, Weighted, LeastConnections, fallback, passive health.
import type { LoadBalancerAlgorithm } from '../bundle/proxy-bundle.js';

/** How long a server marked down stays out of rotation before it gets one trial request again. */
export const DEFAULT_RECOVERY_INTERVAL_MS = 10_000;

export interface LoadBalancerMember<T> {
  readonly name: string;
  readonly weight: number;
  readonly isFallback: boolean;
  readonly target: T;
}

export interface LoadBalancerOptions<T> {
  readonly algorithm: LoadBalancerAlgorithm;
  /** In configuration order; must not be empty. */
  readonly members: readonly LoadBalancerMember<T>[];
  /** Consecutive failures that mark a server down; 0 disables passive health. */
  readonly maxFailures: number;
  readonly recoveryIntervalMs?: number;
  readonly now?: () => number;
}

export interface LoadBalancer<T> {
  /**
   * The next server: a primary that is up, or a fallback when every primary is down (or excluded).
   * `exclude` holds names already tried for this request. Undefined when no server is available.
   */
  pick(exclude?: ReadonlySet<string>): LoadBalancerMember<T> | undefined;
  /** Counts an in-flight request (LeastConnections); call `release` exactly once when it finishes. */
  acquire(member: LoadBalancerMember<T>): void;
  release(member: LoadBalancerMember<T>): void;
  recordSuccess(member: LoadBalancerMember<T>): void;
  recordFailure(member: LoadBalancerMember<T>): void;
  /** True while the server is out of rotation. */
  isDown(member: LoadBalancerMember<T>): boolean;
}

interface MemberState {
  inFlight: number;
  consecutiveFailures: number;
  /** Clock value until which the server is out of rotation; 0 when up. */
  downUntilMs: number;
  /** Smooth weighted round robin (nginx) running weight. */
  currentWeight: number;
}

/**
 * Passive health only (no probes): with maxFailures > 0, that many consecutive transport failures mark a server
 * down for `recoveryIntervalMs`. After that it is half-open: one more failure marks it down again, one success
 * clears its count.
 */
export function createLoadBalancer<T>(options: LoadBalancerOptions<T>): LoadBalancer<T> {
  const now = options.now ?? Date.now;
  const recoveryIntervalMs = options.recoveryIntervalMs ?? DEFAULT_RECOVERY_INTERVAL_MS;
  const states = new Map<LoadBalancerMember<T>, MemberState>();
  for (const m of options.members) states.set(m, { inFlight: 0, consecutiveFailures: 0, downUntilMs: 0, currentWeight: 0 });
  const primaries = options.members.filter((m) => !m.isFallback);
  const fallbacks = options.members.filter((m) => m.isFallback);
  let cursor = 0;

  const stateOf = (m: LoadBalancerMember<T>): MemberState => {
    const s = states.get(m);
    if (!s) throw new Error(`server ${m.name} is not a member of this load balancer`);
    return s;
  };

  const isUp = (m: LoadBalancerMember<T>, at: number): boolean => {
    const s = stateOf(m);
    if (s.downUntilMs === 0) return true;
    if (at < s.downUntilMs) return false;
    s.downUntilMs = 0;
    s.consecutiveFailures = options.maxFailures - 1;
    return true;
  };

  const choose = (candidates: readonly LoadBalancerMember<T>[]): LoadBalancerMember<T> => {
    if (options.algorithm === 'Weighted') return chooseWeighted(candidates, stateOf);
    let pool = candidates;
    if (options.algorithm === 'LeastConnections') {
      const least = Math.min(...candidates.map((m) => stateOf(m).inFlight));
      pool = candidates.filter((m) => stateOf(m).inFlight === least);
    }
    const chosen = pool[cursor % pool.length] as LoadBalancerMember<T>;
    cursor = (cursor + 1) % 0x7fffffff;
    return chosen;
  };

  return {
    pick(exclude) {
      const at = now();
      for (const tier of [primaries, fallbacks]) {
        const candidates = tier.filter((m) => isUp(m, at) && !exclude?.has(m.name));
        if (candidates.length > 0) return choose(candidates);
      }
      return undefined;
    },
    acquire(member) {
      stateOf(member).inFlight += 1;
    },
    release(member) {
      const s = stateOf(member);
      s.inFlight = Math.max(0, s.inFlight - 1);
    },
    recordSuccess(member) {
      stateOf(member).consecutiveFailures = 0;
    },
    recordFailure(member) {
      if (options.maxFailures <= 0) return;
      const s = stateOf(member);
      s.consecutiveFailures += 1;
      if (s.consecutiveFailures >= options.maxFailures) s.downUntilMs = now() + recoveryIntervalMs;
    },
    isDown(member) {
      return !isUp(member, now());
    },
  };
}

/** nginx's smooth weighted round robin: exact proportions, and heavy servers are interleaved, not bunched. */
function chooseWeighted<T>(candidates: readonly LoadBalancerMember<T>[], stateOf: (m: LoadBalancerMember<T>) => MemberState): LoadBalancerMember<T> {
  let total = 0;
  let best: LoadBalancerMember<T> | undefined;
  for (const m of candidates) {
    const s = stateOf(m);
    s.currentWeight += m.weight;
    total += m.weight;
    if (!best || s.currentWeight > stateOf(best).currentWeight) best = m;
  }
  const chosen = best as LoadBalancerMember<T>;
  stateOf(chosen).currentWeight -= total;
  return chosen;
}
