// Stored promotion records (one revision carried from a source environment into a target one) and their keys.

export const PROMOTIONS = 'promotions';

export type PromotionState = 'pending' | 'accepted' | 'rejected';

export const promotionStates: readonly PromotionState[] = ['pending', 'accepted', 'rejected'];

/** Where an accepted promotion deployed its revision. */
export interface PromotionDeployment {
  readonly environment: string;
  readonly basePath: string;
  readonly revision: number;
  /** Revisions of the proxy the deploy replaced in the target environment. */
  readonly replaced: readonly number[];
  /** False when the revision already served there at that base path. */
  readonly changed: boolean;
  /** The deploy history record of the deploy (`GET …/environments/{to}/deployhistory/{historyId}`). */
  readonly historyId?: string;
}

export type PromotionAction = 'request' | 'accept' | 'reject' | 'accept-failed';

export interface PromotionHistoryEntry {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly by: string;
  readonly action: PromotionAction;
  readonly comment?: string;
  /** Why an accept failed, or why the promotion was rejected. */
  readonly reason?: string;
  readonly deployment?: PromotionDeployment;
}

/** The last accept attempt: a failed one leaves the promotion pending with its reason. */
export interface PromotionAttempt {
  readonly at: number;
  readonly by: string;
  readonly result: 'success' | 'failure';
  readonly reason?: string;
}

export interface PromotionRecord {
  readonly id: string;
  readonly organization: string;
  readonly api: string;
  readonly revision: number;
  /** Source environment. */
  readonly from: string;
  /** Target environment. */
  readonly to: string;
  readonly state: PromotionState;
  readonly comment?: string;
  readonly requestedBy: string;
  readonly requestedAt: number;
  /** Base path of the revision's deployment in the source environment when the promotion was requested. */
  readonly sourceBasePath: string;
  readonly decidedBy?: string;
  readonly decidedAt?: number;
  /** Why it was rejected. */
  readonly reason?: string;
  readonly deployment?: PromotionDeployment;
  readonly lastAttempt?: PromotionAttempt;
  /** Every request, accept attempt and reject, oldest first. */
  readonly history: readonly PromotionHistoryEntry[];
}

/** `${organization}/${id}`: an organization's promotions are one prefix. */
export function toPromotionKey(organization: string, id: string): string {
  return `${organization}/${id}`;
}
