// Edge's JSON views of developers, apps, credentials and API products (the shapes Edge tooling reads).
import type { KeyVault } from './create-key-vault.js';
import { toSealContext, type AppRecord, type Attribute, type CredentialRecord, type DeveloperRecord, type ProductRecord } from './developer-records.js';

export function toDeveloperJson(developer: DeveloperRecord, appNames: readonly string[]) {
  return {
    apps: [...appNames],
    companies: [] as string[],
    email: developer.email,
    developerId: developer.developerId,
    firstName: developer.firstName,
    lastName: developer.lastName,
    userName: developer.userName,
    organizationName: developer.organization,
    status: developer.status,
    attributes: toAttributes(developer.attributes),
    createdAt: developer.createdAt,
    createdBy: developer.createdBy,
    lastModifiedAt: developer.lastModifiedAt,
    lastModifiedBy: developer.lastModifiedBy,
  };
}

/** The consumer key and secret are opened here, for the management API only. */
export function toCredentialJson(credential: CredentialRecord, vault: KeyVault) {
  return {
    apiProducts: credential.apiProducts.map((p) => ({ apiproduct: p.apiproduct, status: p.status })),
    attributes: toAttributes(credential.attributes),
    consumerKey: vault.open(credential.sealedKey, toSealContext('key', credential.keyIndex)),
    consumerSecret: vault.open(credential.sealedSecret, toSealContext('secret', credential.keyIndex)),
    expiresAt: credential.expiresAt,
    issuedAt: credential.issuedAt,
    scopes: [...credential.scopes],
    status: credential.status,
  };
}

export function toAppJson(app: AppRecord, vault: KeyVault) {
  return {
    appFamily: app.appFamily,
    appId: app.appId,
    attributes: toAttributes(app.attributes),
    ...(app.callbackUrl !== undefined ? { callbackUrl: app.callbackUrl } : {}),
    createdAt: app.createdAt,
    createdBy: app.createdBy,
    credentials: app.credentials.map((credential) => toCredentialJson(credential, vault)),
    developerId: app.developerId,
    lastModifiedAt: app.lastModifiedAt,
    lastModifiedBy: app.lastModifiedBy,
    name: app.name,
    scopes: [...app.scopes],
    status: app.status,
  };
}

export function toProductJson(product: ProductRecord) {
  return {
    apiResources: [...product.apiResources],
    approvalType: product.approvalType,
    attributes: toAttributes(product.attributes),
    createdAt: product.createdAt,
    createdBy: product.createdBy,
    description: product.description,
    displayName: product.displayName,
    environments: [...product.environments],
    lastModifiedAt: product.lastModifiedAt,
    lastModifiedBy: product.lastModifiedBy,
    name: product.name,
    proxies: [...product.proxies],
    ...(product.quota !== undefined ? { quota: product.quota } : {}),
    ...(product.quotaInterval !== undefined ? { quotaInterval: product.quotaInterval } : {}),
    ...(product.quotaTimeUnit !== undefined ? { quotaTimeUnit: product.quotaTimeUnit } : {}),
    scopes: [...product.scopes],
  };
}

export type DeveloperJson = ReturnType<typeof toDeveloperJson>;
export type AppJson = ReturnType<typeof toAppJson>;
export type CredentialJson = ReturnType<typeof toCredentialJson>;
export type ProductJson = ReturnType<typeof toProductJson>;

function toAttributes(attributes: readonly Attribute[]): Attribute[] {
  return attributes.map(({ name, value }) => ({ name, value }));
}
