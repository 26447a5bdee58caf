// Management-API bodies (parsed JSON) → typed inputs for developers, apps, keys and products; 400 naming the field.
import type { ApprovalType, Attribute, DeveloperStatus } from './developer-records.js';
import {
  assertCredentialText, assertEmail, assertEntityName, compact, invalid, readAttributes, readExpiresIn, readNameList, readQuotaNumber, readQuotaText,
  readString, readText, readTextList, type Fields,
} from './read-input-fields.js';

export interface DeveloperInput {
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly userName?: string;
  readonly status?: DeveloperStatus;
  readonly attributes?: readonly Attribute[];
}

export interface AppInput {
  readonly name?: string;
  readonly apiProducts?: readonly string[];
  /** Milliseconds until the generated key expires; -1 never. */
  readonly keyExpiresIn?: number;
  readonly callbackUrl?: string;
  readonly attributes?: readonly Attribute[];
  readonly scopes?: readonly string[];
}

export interface KeyImportInput {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly apiProducts?: readonly string[];
  readonly attributes?: readonly Attribute[];
  readonly scopes?: readonly string[];
  readonly keyExpiresIn?: number;
}

export interface KeyUpdateInput {
  readonly apiProducts?: readonly string[];
  readonly attributes?: readonly Attribute[];
  readonly scopes?: readonly string[];
}

export interface ProductInput {
  readonly name?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly approvalType?: ApprovalType;
  readonly attributes?: readonly Attribute[];
  readonly environments?: readonly string[];
  readonly proxies?: readonly string[];
  readonly apiResources?: readonly string[];
  readonly scopes?: readonly string[];
  readonly quota?: string;
  readonly quotaInterval?: string;
  readonly quotaTimeUnit?: string;
}

const quotaTimeUnits = ['minute', 'hour', 'day', 'week', 'month'];

export function readDeveloperInput(fields: Fields): DeveloperInput {
  const status = readString(fields, 'status');
  if (status !== undefined && status !== 'active' && status !== 'inactive') throw invalid('status: expected active or inactive');
  const email = readString(fields, 'email');
  if (email !== undefined) assertEmail(email);
  return compact({
    email,
    firstName: readText(fields, 'firstName'),
    lastName: readText(fields, 'lastName'),
    userName: readText(fields, 'userName'),
    status,
    attributes: readAttributes(fields),
  });
}

export function readAppInput(fields: Fields): AppInput {
  const name = readString(fields, 'name');
  if (name !== undefined) assertEntityName(name, 'name');
  return compact({
    name,
    apiProducts: readNameList(fields, 'apiProducts'),
    keyExpiresIn: readExpiresIn(fields),
    callbackUrl: readText(fields, 'callbackUrl', true),
    attributes: readAttributes(fields),
    scopes: readTextList(fields, 'scopes'),
  });
}

export function readKeyImportInput(fields: Fields): KeyImportInput {
  const consumerKey = readString(fields, 'consumerKey');
  const consumerSecret = readString(fields, 'consumerSecret');
  if (consumerKey === undefined) throw invalid('consumerKey: required');
  if (consumerSecret === undefined) throw invalid('consumerSecret: required');
  assertCredentialText(consumerKey, 'consumerKey');
  assertCredentialText(consumerSecret, 'consumerSecret');
  return compact({
    consumerKey,
    consumerSecret,
    apiProducts: readNameList(fields, 'apiProducts'),
    attributes: readAttributes(fields),
    scopes: readTextList(fields, 'scopes'),
    keyExpiresIn: readExpiresIn(fields),
  });
}

export function readKeyUpdateInput(fields: Fields): KeyUpdateInput {
  return compact({ apiProducts: readNameList(fields, 'apiProducts'), attributes: readAttributes(fields), scopes: readTextList(fields, 'scopes') });
}

export function readProductInput(fields: Fields): ProductInput {
  const name = readString(fields, 'name');
  if (name !== undefined) assertEntityName(name, 'name');
  const approvalType = readString(fields, 'approvalType');
  if (approvalType !== undefined && approvalType !== 'auto' && approvalType !== 'manual') throw invalid('approvalType: expected auto or manual');
  const apiResources = readTextList(fields, 'apiResources');
  for (const resource of apiResources ?? []) {
    if (!resource.startsWith('/')) throw invalid(`apiResources: expected paths starting with "/", got ${JSON.stringify(resource)}`);
  }
  const quotaTimeUnit = readQuotaText(fields, 'quotaTimeUnit');
  if (quotaTimeUnit !== undefined && !quotaTimeUnits.includes(quotaTimeUnit)) throw invalid(`quotaTimeUnit: expected one of ${quotaTimeUnits.join(', ')}`);
  return compact({
    name,
    displayName: readText(fields, 'displayName', true),
    description: readText(fields, 'description', true),
    approvalType,
    attributes: readAttributes(fields),
    environments: readNameList(fields, 'environments'),
    proxies: readNameList(fields, 'proxies'),
    apiResources,
    scopes: readTextList(fields, 'scopes'),
    quota: readQuotaNumber(fields, 'quota'),
    quotaInterval: readQuotaNumber(fields, 'quotaInterval'),
    quotaTimeUnit,
  });
}
