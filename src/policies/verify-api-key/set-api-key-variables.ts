// The flow variables VerifyAPIKey sets on success: `verifyapikey.<policy>.*` and Apigee's analytics variables.
import type { ApiKeyGrant } from '../../developers/api-key-verifier.js';
import type { Attribute } from '../../developers/developer-records.js';
import type { FlowContext } from '../../engine/flow-context.js';

/**
 * Custom attributes go first so that a custom attribute named like a built-in variable (`developer.email`) cannot
 * hide the real value. Values are strings, as in Apigee; lists are comma-separated.
 */
export function setApiKeyVariables(flow: FlowContext, policyName: string, consumerKey: string, grant: ApiKeyGrant): void {
  const { developer, app, credential, product } = grant;
  const prefix = `verifyapikey.${policyName}.`;
  const set = (name: string, value: string | number) => flow.setVariable(prefix + name, String(value));
  setAttributes(flow, prefix, credential.attributes);
  setAttributes(flow, `${prefix}developer.`, developer.attributes);
  setAttributes(flow, `${prefix}app.`, app.attributes);
  setAttributes(flow, `${prefix}apiproduct.`, product.attributes);

  set('client_id', consumerKey);
  set('client_secret', grant.consumerSecret());
  set('redirection_uris', app.callbackUrl ?? '');
  set('status', credential.status);
  set('issued_at', credential.issuedAt);
  set('expires_at', credential.expiresAt);
  set('developer.id', developer.developerId);
  set('developer.email', developer.email);
  set('developer.firstname', developer.firstName);
  set('developer.lastname', developer.lastName);
  set('developer.username', developer.userName);
  set('developer.status', developer.status);
  set('developer.app.name', app.name);
  set('developer.app.id', app.appId);
  set('app.name', app.name);
  set('app.id', app.appId);
  set('app.status', app.status);
  set('app.appFamily', app.appFamily);
  set('app.callbackUrl', app.callbackUrl ?? '');
  set('app.scopes', app.scopes.join(','));
  set('app.apiproducts', credential.apiProducts.map((p) => p.apiproduct).join(','));
  set('app.created_at', app.createdAt);
  set('app.created_by', app.createdBy);
  set('app.last_modified_at', app.lastModifiedAt);
  set('app.last_modified_by', app.lastModifiedBy);
  set('display_name', app.attributes.find((a) => a.name === 'DisplayName')?.value ?? app.name);
  set('apiproduct.name', product.name);
  set('apiproduct.display_name', product.displayName);
  // Quota reads these by ref (`<Allow countRef="verifyapikey.<policy>.apiproduct.developer.quota.limit"/>`).
  if (product.quota !== undefined) set('apiproduct.developer.quota.limit', product.quota);
  if (product.quotaInterval !== undefined) set('apiproduct.developer.quota.interval', product.quotaInterval);
  if (product.quotaTimeUnit !== undefined) set('apiproduct.developer.quota.timeunit', product.quotaTimeUnit);

  // Apigee's analytics variables, set by any API key or token verification.
  flow.setVariable('client_id', consumerKey);
  flow.setVariable('developer.id', developer.developerId);
  flow.setVariable('developer.email', developer.email);
  flow.setVariable('developer.app.name', app.name);
  flow.setVariable('developer.app.id', app.appId);
  flow.setVariable('apiproduct.name', product.name);
}

function setAttributes(flow: FlowContext, prefix: string, attributes: readonly Attribute[]): void {
  for (const { name, value } of attributes) flow.setVariable(prefix + name, value);
}
