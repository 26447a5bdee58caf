// The rate-limit counters of one environment, keyed (API proxy, policy, identifier): they outlive revisions and stay bounded.
import { createHash } from 'node:crypto';
import { consumeQuota, type QuotaConsumption, type QuotaOutcome, type QuotaState } from './quota-counter.js';
import { consumeSpikeArrest, type SpikeArrestConsumption, type SpikeArrestOutcome, type SpikeArrestState } from './spike-arrest-counter.js';

/** Which policy a counter belongs to. A swap keeps both names, so the new revision finds the old revision's counters. */
export interface CounterScope {
  readonly apiName: string;
  readonly policyName: string;
}

export interface RateLimitCounters {
  /** Counts one message on the Quota counter of `identifier`, unless it would exceed the limit. */
  consumeQuota(scope: CounterScope, identifier: string, consumption: QuotaConsumption, now: number): QuotaOutcome;
  /** Counts one message on the SpikeArrest counter of `identifier`, unless the rate refuses it. */
  consumeSpikeArrest(scope: CounterScope, identifier: string, consumption: SpikeArrestConsumption, now: number): SpikeArrestOutcome;
  /** Counters held, all policies together. */
  size(): number;
  /** Drops every counter. */
  close(): void;
}

export interface RateLimitCountersOptions {
  /**
   * Identifiers held per policy (default 10 000). A new one beyond it first drops the policy's expired counters; if
   * none has expired, it evicts the live counter nearest its expiry (it starts over: the cost of the bound).
   */
  readonly maxIdentifiersPerPolicy?: number;
  /** Called for each eviction of a live counter; `first` is true for the first eviction of that policy (to warn once). */
  readonly onEvicted?: (scope: CounterScope, first: boolean) => void;
  /** Expired counters of every policy are dropped at most this often, on the next message (default 60 s). */
  readonly sweepIntervalMs?: number;
}

export const DEFAULT_MAX_IDENTIFIERS_PER_POLICY = 10_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
// Identifiers come from requests (headers, query parameters): long ones are held as a digest to bound memory.
const MAX_IDENTIFIER_KEY_LENGTH = 128;

interface HeldState {
  expiresAt: number;
}

export function createRateLimitCounters(options: RateLimitCountersOptions = {}): RateLimitCounters {
  const maxPerPolicy = options.maxIdentifiersPerPolicy ?? DEFAULT_MAX_IDENTIFIERS_PER_POLICY;
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  /** Scope key → identifier → state. */
  const scopes = new Map<string, Map<string, HeldState>>();
  /** Scope keys that have had a live counter evicted. */
  const evictedScopes = new Set<string>();
  let held = 0;
  let lastSweep = -Infinity;

  /** Drops the expired counters of one policy; returns the live one nearest its expiry. */
  const dropExpired = (counters: Map<string, HeldState>, now: number): string | undefined => {
    let nearest: string | undefined;
    let nearestExpiry = Infinity;
    for (const [identifier, state] of counters) {
      if (state.expiresAt > now) {
        if (state.expiresAt < nearestExpiry) {
          nearest = identifier;
          nearestExpiry = state.expiresAt;
        }
        continue;
      }
      counters.delete(identifier);
      held -= 1;
    }
    return nearest;
  };

  const sweepIfDue = (now: number) => {
    if (now - lastSweep < sweepIntervalMs) return;
    lastSweep = now;
    for (const [key, counters] of scopes) {
      dropExpired(counters, now);
      if (counters.size === 0) scopes.delete(key);
    }
  };

  /** Runs `step` on the state held for the identifier (undefined for a new one) and keeps what it returns. */
  const update = <S extends HeldState, O>(kind: string, scope: CounterScope, identifier: string, now: number, step: (state: S | undefined) => { state: S; outcome: O }): O => {
    sweepIfDue(now);
    const key = `${kind}\u0000${scope.apiName}\u0000${scope.policyName}`;
    const id = identifier.length > MAX_IDENTIFIER_KEY_LENGTH ? `sha256:${createHash('sha256').update(identifier).digest('hex')}` : identifier;
    let counters = scopes.get(key);
    if (!counters) {
      counters = new Map();
      scopes.set(key, counters);
    }
    const previous = counters.get(id) as S | undefined;
    const { state, outcome } = step(previous);
    if (!previous) {
      const nearest = counters.size >= maxPerPolicy ? dropExpired(counters, now) : undefined;
      if (nearest !== undefined && counters.size >= maxPerPolicy) {
        // Evicting the counter whose window ends first loses the least: it would have started over soonest anyway.
        counters.delete(nearest);
        const first = !evictedScopes.has(key);
        evictedScopes.add(key);
        options.onEvicted?.(scope, first);
      } else held += 1;
    }
    counters.set(id, state);
    return outcome;
  };

  return {
    consumeQuota(scope, identifier, consumption, now) {
      return update<QuotaState, QuotaOutcome>('quota', scope, identifier, now, (state) => consumeQuota(state, consumption, now));
    },
    consumeSpikeArrest(scope, identifier, consumption, now) {
      return update<SpikeArrestState, SpikeArrestOutcome>('spikearrest', scope, identifier, now, (state) => consumeSpikeArrest(state, consumption, now));
    },
    size() {
      return held;
    },
    close() {
      scopes.clear();
      evictedScopes.clear();
      held = 0;
    },
  };
}
