// What VerifyAPIKey asks at request time, and what it gets back: the contract between policies/ and developers/.
import type { AppRecord, CredentialRecord, DeveloperRecord, ProductRecord } from './developer-records.js';

export interface ApiKeyRequest {
  readonly organization: string;
  readonly environment: string;
  readonly apiProxy: string;
  /** `proxy.pathsuffix`: the request path below the proxy's base path. */
  readonly pathSuffix: string;
  readonly consumerKey: string;
  /** Epoch milliseconds, for key expiry. */
  readonly now: number;
}

/** Why a key was refused; VerifyAPIKey maps each to its Apigee fault. */
export type ApiKeyFailure = 'InvalidApiKey' | 'NotApproved' | 'DeveloperStatusNotActive' | 'ConsumerKeyExpired' | 'InvalidApiKeyForGivenResource';

export interface ApiKeyGrant {
  readonly developer: DeveloperRecord;
  readonly app: AppRecord;
  readonly credential: CredentialRecord;
  /** The first approved product of the key that covers this environment, proxy and path. */
  readonly product: ProductRecord;
  /** The consumer secret in clear, decrypted on demand (kept in clear nowhere). */
  consumerSecret(): string;
}

export type ApiKeyVerification = { readonly ok: true; readonly grant: ApiKeyGrant } | { readonly ok: false; readonly failure: ApiKeyFailure };

/** Answers from memory: no store read, one HMAC and a few map lookups per request. */
export interface ApiKeyVerifier {
  verify(request: ApiKeyRequest): ApiKeyVerification;
}
