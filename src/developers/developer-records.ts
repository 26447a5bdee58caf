// The stored shapes of developers, developer apps (with sealed credentials) and API products, and their store keys.

export const developersCollection = 'developers';
export const appsCollection = 'developer-apps';
export const productsCollection = 'api-products';
/** The collection and key of the record that proves the master key is the one the stored credentials were sealed with. */
export const masterKeyCheckCollection = 'meta';
export const masterKeyCheckKey = 'api-keys-master-key-check';
export const masterKeyCheckText = 'baton api keys';

/** Edge's custom attribute: `{ "name": …, "value": … }`. */
export interface Attribute {
  readonly name: string;
  readonly value: string;
}

interface EntityMeta {
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
}

export type DeveloperStatus = 'active' | 'inactive';

export interface DeveloperRecord extends EntityMeta {
  readonly organization: string;
  /** A UUID; the developer's identity (apps refer to it, so the email can change). */
  readonly developerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly userName: string;
  readonly status: DeveloperStatus;
  readonly attributes: readonly Attribute[];
}

export type AppStatus = 'approved' | 'revoked';
export type CredentialStatus = 'approved' | 'revoked';
export type KeyProductStatus = 'approved' | 'pending' | 'revoked';

export interface KeyProduct {
  readonly apiproduct: string;
  readonly status: KeyProductStatus;
}

/**
 * One consumer key/secret pair. Neither is stored in clear: `keyIndex` is HMAC-SHA-256(key) under a subkey of the
 * master key (for lookups and uniqueness), and both values are sealed with AES-256-GCM for the management API's GETs.
 */
export interface CredentialRecord {
  readonly keyIndex: string;
  readonly sealedKey: string;
  readonly sealedSecret: string;
  readonly status: CredentialStatus;
  readonly issuedAt: number;
  /** Epoch milliseconds; -1: never. */
  readonly expiresAt: number;
  readonly attributes: readonly Attribute[];
  readonly scopes: readonly string[];
  readonly apiProducts: readonly KeyProduct[];
}

export interface AppRecord extends EntityMeta {
  readonly organization: string;
  readonly appId: string;
  readonly developerId: string;
  readonly name: string;
  readonly status: AppStatus;
  readonly appFamily: string;
  readonly callbackUrl?: string;
  readonly attributes: readonly Attribute[];
  readonly scopes: readonly string[];
  readonly credentials: readonly CredentialRecord[];
}

export type ApprovalType = 'auto' | 'manual';

export interface ProductRecord extends EntityMeta {
  readonly organization: string;
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly approvalType: ApprovalType;
  readonly attributes: readonly Attribute[];
  /** Empty: every environment. */
  readonly environments: readonly string[];
  /** API proxy names; empty: every proxy. */
  readonly proxies: readonly string[];
  /** Path patterns relative to the proxy base path (`/`, `/**`, `/*`, `/a/**`); empty: every path. */
  readonly apiResources: readonly string[];
  readonly scopes: readonly string[];
  /** Edge keeps the quota settings as text. */
  readonly quota?: string;
  readonly quotaInterval?: string;
  readonly quotaTimeUnit?: string;
}

/** Emails are case-insensitive identities (Edge), so the key uses the lower-cased form. */
export function toDeveloperKey(organization: string, email: string): string {
  return `${organization}/${email.toLowerCase()}`;
}

export function toAppKey(organization: string, developerId: string, name: string): string {
  return `${organization}/${developerId}/${name}`;
}

export function toProductKey(organization: string, name: string): string {
  return `${organization}/${name}`;
}

/** The authenticated context of a sealed consumer key or secret: it binds the value to its credential's index. */
export function toSealContext(part: 'key' | 'secret', keyIndex: string): string {
  return `${part}:${keyIndex}`;
}
