// The undici connection pools of one target client: one keep-alive Pool per origin, created on first use.
import type { LookupFunction } from 'node:net';
import { Pool, buildConnector, errors } from 'undici';
import type { TargetTransportSettings } from './target-properties.js';

export interface TargetPool {
  readonly dispatcher: Pool;
  /** Peer address of the pool's most recent connection (`target.ip`); undefined before the first connect. */
  readonly remoteAddress: string | undefined;
}

export interface TargetPools {
  /**
   * The pool for an origin. `pinned` origins (the configured URL and TargetServers) live as long as the client;
   * others (a flow-written `target.url`) share a small LRU so request-controlled URLs cannot grow it without bound.
   */
  get(origin: string, tls: { rejectUnauthorized: boolean }, pinned: boolean): TargetPool;
  /** Graceful: waits for in-flight requests (undici close()), then releases every socket. */
  close(): Promise<void>;
  /** Immediate: aborts in-flight requests (for a drain ceiling). */
  destroy(): Promise<void>;
}

export interface TargetPoolsOptions {
  readonly settings: TargetTransportSettings;
  /** DNS lookup used at connect time; the hook for SSRF address filtering (reliability-security §3.7). */
  readonly lookup?: LookupFunction;
  /** Capacity of the LRU of non-pinned origins. */
  readonly maxDynamicOrigins?: number;
}

const DEFAULT_MAX_DYNAMIC_ORIGINS = 64;

export function createTargetPools(options: TargetPoolsOptions): TargetPools {
  const pinned = new Map<string, TargetPool>();
  const dynamic = new Map<string, TargetPool>();
  const evicted = new Set<Promise<void>>();
  const maxDynamic = options.maxDynamicOrigins ?? DEFAULT_MAX_DYNAMIC_ORIGINS;

  const create = (origin: string, rejectUnauthorized: boolean): TargetPool => {
    const { connectTimeoutMs, ioTimeoutMs, keepAliveTimeoutMs } = options.settings;
    const base = buildConnector({
      timeout: connectTimeoutMs,
      rejectUnauthorized,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    let remoteAddress: string | undefined;
    const dispatcher = new Pool(origin, {
      connect: (connectOptions, callback) => {
        // undici's own connect timer has ~1 s resolution (its fast timers); this one makes a blackholed target fail
        // at connect.timeout.millis (reliability-security item 48: within timeout + 200 ms). undici's timer still
        // destroys the abandoned socket.
        let settled = false;
        const timer = setTimeout(() => {
          settled = true;
          callback(new errors.ConnectTimeoutError(`connect timeout after ${connectTimeoutMs} ms to ${origin}`), null);
        }, connectTimeoutMs);
        base(connectOptions, (...result) => {
          if (settled) {
            result[1]?.destroy();
            return;
          }
          settled = true;
          clearTimeout(timer);
          if (result[1]) remoteAddress = result[1].remoteAddress;
          callback(...result);
        });
      },
      headersTimeout: ioTimeoutMs,
      bodyTimeout: ioTimeoutMs,
      // Without a server hint connections idle this long; a server's `Keep-Alive: timeout` hint (less undici's
      // 2 s safety margin) may only shorten it, so the pool lets go before the server does (§3.9).
      keepAliveTimeout: keepAliveTimeoutMs,
      keepAliveMaxTimeout: keepAliveTimeoutMs,
    });
    return {
      dispatcher,
      get remoteAddress() {
        return remoteAddress;
      },
    };
  };

  const closeQuietly = (pool: TargetPool): void => {
    const closing = pool.dispatcher.close().catch(() => {});
    evicted.add(closing);
    void closing.then(() => evicted.delete(closing));
  };

  const all = (): TargetPool[] => [...pinned.values(), ...dynamic.values()];

  return {
    get(origin, tls, isPinned) {
      const key = `${tls.rejectUnauthorized ? 'verify' : 'noverify'} ${origin}`;
      const known = pinned.get(key);
      if (known) return known;
      if (isPinned) {
        const pool = create(origin, tls.rejectUnauthorized);
        pinned.set(key, pool);
        return pool;
      }
      const cached = dynamic.get(key);
      if (cached) {
        dynamic.delete(key);
        dynamic.set(key, cached);
        return cached;
      }
      const pool = create(origin, tls.rejectUnauthorized);
      dynamic.set(key, pool);
      if (dynamic.size > maxDynamic) {
        const [oldestKey, oldest] = dynamic.entries().next().value as [string, TargetPool];
        dynamic.delete(oldestKey);
        closeQuietly(oldest);
      }
      return pool;
    },
    async close() {
      await Promise.all([...all().map((p) => p.dispatcher.close()), ...evicted]);
    },
    async destroy() {
      await Promise.all([...all().map((p) => p.dispatcher.destroy()), ...evicted]);
    },
  };
}
