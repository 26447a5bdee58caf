// Builds a credential record: key and secret sealed, key indexed and checked for uniqueness, products resolved.
import { AdminError } from '../errors.js';
import { readProduct, type DeveloperContext } from './developer-context.js';
import { toSealContext, type Attribute, type CredentialRecord, type KeyProduct } from './developer-records.js';
import { invalid } from './read-input-fields.js';

export interface NewCredential {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly apiProducts?: readonly string[];
  /** Milliseconds; -1 or absent: never expires. */
  readonly keyExpiresIn?: number;
  readonly attributes?: readonly Attribute[];
  readonly scopes?: readonly string[];
}

/** 409 when the key is already another credential's in the organization: keys identify their app at request time. */
export function toNewCredential(context: DeveloperContext, organization: string, input: NewCredential): CredentialRecord {
  const { vault } = context.keys;
  const keyIndex = vault.toKeyIndex(input.consumerKey);
  if (context.keys.appByKeyIndex(organization, keyIndex)) throw new AdminError('ConsumerKeyAlreadyExists', [organization]);
  const issuedAt = context.now();
  return {
    keyIndex,
    sealedKey: vault.seal(input.consumerKey, toSealContext('key', keyIndex)),
    sealedSecret: vault.seal(input.consumerSecret, toSealContext('secret', keyIndex)),
    status: 'approved',
    issuedAt,
    expiresAt: input.keyExpiresIn === undefined || input.keyExpiresIn === -1 ? -1 : issuedAt + input.keyExpiresIn,
    attributes: input.attributes ?? [],
    scopes: input.scopes ?? [],
    apiProducts: toKeyProducts(context, organization, input.apiProducts ?? [], []),
  };
}

/**
 * Adds products to a key's list (those already on it keep their status). A product with `approvalType: auto` is
 * approved at once, `manual` waits as `pending` (Edge). An unknown product is 400, with Edge's message.
 */
export function toKeyProducts(context: DeveloperContext, organization: string, names: readonly string[], current: readonly KeyProduct[]): KeyProduct[] {
  const products = [...current];
  for (const name of names) {
    if (products.some((p) => p.apiproduct === name)) continue;
    let approvalType: string;
    try {
      approvalType = readProduct(context, organization, name).approvalType;
    } catch (err) {
      if (err instanceof AdminError && err.status === 404) throw invalid(`API Product [${name}] does not exist for tenant [${organization}]`);
      throw err;
    }
    products.push({ apiproduct: name, status: approvalType === 'auto' ? 'approved' : 'pending' });
  }
  return products;
}
