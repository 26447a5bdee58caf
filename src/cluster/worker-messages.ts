// The IPC messages between the primary and its data-plane workers (JSON over the cluster channel).
import type { BatonConfig } from '../config.js';
import type { ListenerInfo } from '../create-environment-listeners.js';
import type { StoreErrorCode, StoreOp } from '../store/store.js';
import type { OpBatch, StoreSnapshot } from './store-replication.js';

export type ToWorkerMessage =
  | { readonly type: 'baton:start'; readonly config: BatonConfig; readonly snapshot: StoreSnapshot }
  | { readonly type: 'baton:ops'; readonly batch: OpBatch }
  | { readonly type: 'baton:commit-result'; readonly id: number; readonly seq?: number; readonly error?: { readonly code: StoreErrorCode; readonly message: string } }
  | { readonly type: 'baton:metrics'; readonly id: number }
  | { readonly type: 'baton:stop' };

export type ToPrimaryMessage =
  /** The worker listens for messages: anything sent before this could be lost. */
  | { readonly type: 'baton:hello' }
  | { readonly type: 'baton:ready'; readonly listeners: readonly ListenerInfo[]; readonly problems: readonly string[] }
  | { readonly type: 'baton:failed'; readonly message: string }
  | { readonly type: 'baton:applied'; readonly seq: number }
  | { readonly type: 'baton:commit'; readonly id: number; readonly ops: readonly StoreOp[] }
  | { readonly type: 'baton:metrics-result'; readonly id: number; readonly metrics: unknown };

export function isBatonMessage(message: unknown): message is { type: string } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('baton:');
}
