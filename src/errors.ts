// The error catalog: every stable error code Baton emits, with its HTTP status and message, plus the error classes.

/** Management-API errors (Apigee Edge body `{code, message, contexts}`). */
export const adminErrors = {
  ApplicationDoesNotExist: { code: 'messaging.config.beans.ApplicationDoesNotExist', status: 404, message: 'APIProxy named {0} does not exist in organization {1}' },
  EnvironmentDoesNotExist: { code: 'messaging.config.beans.EnvironmentDoesNotExist', status: 404, message: 'Environment {0} does not exist in organization {1}' },
  OrganizationDoesNotExist: { code: 'messaging.config.beans.OrganizationDoesNotExist', status: 404, message: 'Organization {0} does not exist' },
  VirtualHostDoesNotExist: { code: 'messaging.config.beans.VirtualHostDoesNotExist', status: 404, message: 'VirtualHost {0} does not exist in environment {1} of organization {2}' },
  RevisionDoesNotExist: { code: 'messaging.config.beans.RevisionDoesNotExist', status: 404, message: 'Revision {0} of APIProxy {1} does not exist in organization {2}' },
  ApplicationNotDeployed: { code: 'distribution.ApplicationNotDeployed', status: 400, message: 'Application {0} is not deployed in environment {1}' },
  RevisionNotDeployed: { code: 'distribution.RevisionNotDeployed', status: 400, message: 'Revision {0} of application {1} is not deployed in environment {2}' },
  BasePathConflict: { code: 'messaging.config.beans.BasePathConflict', status: 409, message: 'Path {0} conflicts with existing deployment path for revision {1} of the APIProxy {2} in organization {3}' },
  LeftoverRevisionRefused: { code: 'baton.deployments.LeftoverRevisionRefused', status: 409, message: 'Deploying revision {0} of {1} would leave {2} deployed at another base path in environment {3}; deployments.leftoverRevisions is "refuse": undeploy it first or deploy at its base path with override' },
  DeployHistoryRecordDoesNotExist: { code: 'baton.deployhistory.RecordDoesNotExist', status: 404, message: 'Deploy history record {0} does not exist in environment {1}' },
  RollbackNotPossible: { code: 'baton.deployhistory.RollbackNotPossible', status: 409, message: 'Cannot roll back to deploy history record {0}: {1}; nothing was changed' },
  ApplicationAlreadyExists: { code: 'messaging.config.beans.ApplicationAlreadyExists', status: 409, message: 'APIProxy {0} already exists in organization {1}' },
  ApplicationDeployed: { code: 'messaging.config.beans.ApplicationDeployed', status: 400, message: '{0} is deployed; undeploy it first' },
  SharedFlowDoesNotExist: { code: 'messaging.config.beans.SharedFlowDoesNotExist', status: 404, message: 'SharedFlow named {0} does not exist in organization {1}' },
  SharedFlowRevisionDoesNotExist: { code: 'baton.sharedflows.RevisionDoesNotExist', status: 404, message: 'Revision {0} of SharedFlow {1} does not exist in organization {2}' },
  SharedFlowRevisionDeployed: { code: 'baton.sharedflows.AnotherRevisionDeployed', status: 409, message: 'Revision {0} of SharedFlow {1} is deployed in environment {2}; deploy with override=true to replace it' },
  SharedFlowInUse: { code: 'baton.sharedflows.SharedFlowInUse', status: 409, message: 'SharedFlow {0} is in use in environment {1} by {2}; undeploy or detach them first' },
  SharedFlowNotDeployed: { code: 'baton.sharedflows.SharedFlowNotDeployed', status: 400, message: 'SharedFlow {0} is not deployed in environment {1}' },
  BundleTooLarge: { code: 'messaging.config.beans.BundleTooLarge', status: 413, message: 'Bundle exceeds the limit of {0} bytes' },
  InvalidBundle: { code: 'messaging.config.beans.InvalidBundle', status: 400, message: '{0}' },
  InvalidParameter: { code: 'messaging.config.beans.InvalidParameter', status: 400, message: '{0}' },
  ResourceNotFound: { code: 'messaging.config.beans.ResourceNotFound', status: 404, message: 'No resource at {0}' },
  MethodNotAllowed: { code: 'messaging.config.beans.MethodNotAllowed', status: 405, message: 'Method {0} is not allowed on {1}' },
  UnsupportedMediaType: { code: 'messaging.config.beans.UnsupportedMediaType', status: 415, message: 'Content-Type {0} is not supported here' },
  Unauthorized: { code: 'security.Unauthorized', status: 401, message: 'Authentication required' },
  Forbidden: { code: 'security.Forbidden', status: 403, message: 'User {0} lacks permission {1}' },
  TooManyRequests: { code: 'security.TooManyFailedLogins', status: 429, message: 'Too many failed authentication attempts; retry later' },
  UserDoesNotExist: { code: 'usersandroles.UserDoesNotExist', status: 404, message: 'User {0} does not exist' },
  UserAlreadyExists: { code: 'usersandroles.UserAlreadyExists', status: 409, message: 'User {0} already exists' },
  RoleDoesNotExist: { code: 'usersandroles.RoleDoesNotExist', status: 404, message: 'Role {0} does not exist in organization {1}' },
  RoleAlreadyExists: { code: 'usersandroles.RoleAlreadyExists', status: 409, message: 'Role {0} already exists in organization {1}' },
  UserNotInRole: { code: 'usersandroles.UserNotInRole', status: 404, message: 'User {0} does not have role {1} in organization {2}' },
  TokenDoesNotExist: { code: 'usersandroles.TokenDoesNotExist', status: 404, message: 'Token {0} of user {1} does not exist' },
  TokenAlreadyExists: { code: 'usersandroles.TokenAlreadyExists', status: 409, message: 'Token {0} of user {1} already exists' },
  DeveloperDoesNotExist: { code: 'developer.service.DeveloperDoesNotExist', status: 404, message: 'DeveloperId {0} does not exist in organization {1}' },
  DeveloperIdDoesNotExist: { code: 'developer.service.DeveloperIdDoesNotExist', status: 404, message: 'DeveloperId {0} does not exist in organization {1}' },
  DeveloperAlreadyExists: { code: 'developer.service.DeveloperAlreadyExists', status: 409, message: 'Developer with email {0} already exists in organization {1}' },
  AppDoesNotExist: { code: 'developer.service.AppDoesNotExist', status: 404, message: 'App named {0} does not exist under {1}' },
  AppAlreadyExists: { code: 'developer.service.AppAlreadyExists', status: 409, message: 'App with name {0} already exists' },
  AppIdDoesNotExist: { code: 'keymanagement.service.app_does_not_exist', status: 404, message: 'App with id {0} does not exist' },
  InvalidConsumerKey: { code: 'keymanagement.service.InvalidClientIdForGivenApp', status: 404, message: 'Invalid consumer key for Given App' },
  ConsumerKeyAlreadyExists: { code: 'keymanagement.service.consumer_key_already_exists', status: 409, message: 'The consumer key is already in use in organization {0}' },
  ApiProductDoesNotExist: { code: 'keymanagement.service.apiproduct_doesnot_exist', status: 404, message: 'API Product [{0}] does not exist for tenant [{1}]' },
  ApiProductAlreadyExists: { code: 'keymanagement.service.apiproduct_already_exists', status: 409, message: 'API Product [{0}] already exists for tenant [{1}]' },
  PromotionDoesNotExist: { code: 'baton.promotions.PromotionDoesNotExist', status: 404, message: 'Promotion {0} does not exist in organization {1}' },
  PromotionPending: { code: 'baton.promotions.PromotionPending', status: 409, message: 'Promotion {0} of {1} to environment {2} is pending; accept or reject it before requesting another' },
  PromotionNotPending: { code: 'baton.promotions.PromotionNotPending', status: 409, message: 'Promotion {0} is {1}, not pending' },
  AmbiguousPromotionRevision: { code: 'baton.promotions.AmbiguousRevision', status: 400, message: 'Revisions {0} of {1} are deployed in environment {2}; name the one to promote with revision' },
  MissingEnvironmentResources: { code: 'baton.promotions.MissingEnvironmentResources', status: 409, message: 'Promotion {0} stays pending: {1}' },
  SelfApprovalForbidden: { code: 'baton.promotions.SelfApprovalForbidden', status: 403, message: 'User {0} requested promotion {1} and may not accept it: another user must, or an ADMIN when the organization sets allowSelfApproval' },
  ProxyGroupDoesNotExist: { code: 'baton.proxygroups.ProxyGroupDoesNotExist', status: 404, message: 'API proxy group {0} does not exist in organization {1}' },
  ProxyGroupAlreadyExists: { code: 'baton.proxygroups.ProxyGroupAlreadyExists', status: 409, message: 'API proxy group {0} already exists in organization {1}' },
  ProxyGroupDeployed: { code: 'baton.proxygroups.ProxyGroupDeployed', status: 409, message: 'API proxy group {0} is deployed in environment {1}; undeploy it first' },
  ProxyGroupNotDeployed: { code: 'baton.proxygroups.ProxyGroupNotDeployed', status: 400, message: 'API proxy group {0} is not deployed in environment {1}' },
  ProxyGroupMemberInUse: { code: 'baton.proxygroups.MemberInUse', status: 409, message: '{0} is a member of API proxy group {1}; remove it from the group first' },
  ProxyGroupMemberInvalid: { code: 'baton.proxygroups.MemberInvalid', status: 400, message: 'API proxy group {0} cannot be deployed to environment {1}: member {2} revision {3}: {4}; nothing was changed' },
  ProxyGroupMemberConflict: { code: 'baton.proxygroups.MemberConflict', status: 409, message: 'API proxy group {0} cannot be deployed to environment {1}: member {2} revision {3}: {4}; nothing was changed' },
  TargetServerDoesNotExist: { code: 'messaging.config.beans.TargetServerDoesNotExist', status: 404, message: 'TargetServer {0} does not exist in environment {1}' },
  TargetServerAlreadyExists: { code: 'messaging.config.beans.TargetServerAlreadyExists', status: 409, message: 'TargetServer {0} already exists in environment {1}' },
  TargetServerConfigured: { code: 'baton.targetservers.ConfiguredTargetServer', status: 409, message: 'TargetServer {0} of environment {1} is defined in the gateway configuration; change it there' },
  TargetServerInUse: { code: 'baton.targetservers.TargetServerInUse', status: 409, message: 'TargetServer {0} is used by revisions deployed in environment {1} that could no longer be deployed after this change: {2}; undeploy them or change their LoadBalancer first' },
  KeyValueMapDoesNotExist: { code: 'keyvaluemap.service.keyvaluemap_doesnt_exist', status: 404, message: 'KeyValueMap {0} does not exist in {1}' },
  KeyValueMapAlreadyExists: { code: 'keyvaluemap.service.keyvaluemap_already_exist', status: 409, message: 'KeyValueMap {0} already exists' },
  KeyValueMapNameInvalid: { code: 'keyvaluemap.service.keyvaluemap_name_invalid', status: 400, message: 'KeyValueMap name {0} is invalid' },
  KeyValueMapEntryDoesNotExist: { code: 'keyvaluemap.service.keyvaluemap_entry_doesnt_exist', status: 404, message: 'KeyValueMap {0} Entry={1} does not exist' },
  KeyValueMapEntryAlreadyExists: { code: 'keyvaluemap.service.keyvaluemap_entry_already_exist', status: 409, message: 'KeyValueMap {0} Entry={1} already exists' },
  StoreFailure: { code: 'baton.store.WriteFailed', status: 500, message: 'The change could not be made durable and was not applied' },
  StoreFull: { code: 'baton.store.InsufficientStorage', status: 507, message: 'The change was not applied: the store has no space left' },
  RequestHeadersTooLarge: { code: 'baton.http.RequestHeaderFieldsTooLarge', status: 431, message: 'Request header fields too large' },
  RequestTimeout: { code: 'baton.http.RequestTimeout', status: 408, message: 'The request was not received in time' },
  InternalError: { code: 'baton.InternalError', status: 500, message: 'Internal error' },
  GatewayStarting: { code: 'baton.GatewayStarting', status: 503, message: 'The gateway is starting (restoring deployments, opening listeners); retry shortly' },
} as const satisfies Record<string, { code: string; status: number; message: string }>;

/** Data-plane faults (Apigee fault body `{fault:{faultstring, detail:{errorcode}}}`). */
export const runtimeFaults = {
  ApplicationNotFound: { code: 'messaging.adaptors.http.flow.ApplicationNotFound', status: 404, message: 'Unable to identify proxy for host: {0} and url: {1}' },
  RouteFailed: { code: 'messaging.runtime.RouteFailed', status: 500, message: 'Unable to route the message to a Target Endpoint' },
  GatewayTimeout: { code: 'messaging.adaptors.http.flow.GatewayTimeout', status: 504, message: 'Gateway Timeout' },
  RequestTimeout: { code: 'messaging.adaptors.http.flow.RequestTimeout', status: 408, message: 'Request Timeout' },
  ServiceUnavailable: { code: 'messaging.adaptors.http.flow.ServiceUnavailable', status: 503, message: 'Service Unavailable' },
  BadGateway: { code: 'messaging.adaptors.http.flow.BadGateway', status: 502, message: 'Bad Gateway' },
  NoActiveTargetServers: { code: 'messaging.adaptors.http.flow.NoActiveTargets', status: 503, message: 'The Service is temporarily unavailable' },
  TooBigLine: { code: 'protocol.http.TooBigLine', status: 414, message: 'request line size exceeding {0}' },
  TooManyHeaders: { code: 'protocol.http.TooManyHeaders', status: 431, message: 'request has more than {0} header fields' },
  TooBigBody: { code: 'protocol.http.TooBigBody', status: 413, message: 'request body exceeds {0} bytes' },
  BadRequest: { code: 'protocol.http.BadRequest', status: 400, message: '{0}' },
  InvalidHeader: { code: 'messaging.runtime.InvalidHeader', status: 500, message: 'Invalid name or value for header {0}' },
  InvalidTargetUrl: { code: 'messaging.runtime.InvalidTargetUrl', status: 500, message: 'Invalid target URL' },
  DrainCeilingReached: { code: 'messaging.runtime.DrainTimeout', status: 504, message: 'The revision serving this request was undeployed before it completed' },
  SharedFlowNotFound: { code: 'flow.SharedFlowNotFound', status: 500, message: 'Shared Flow {0} Not Found' },
  // Quota and SpikeArrest (faultstrings as Apigee sends them); violations answer 429 when the organization sets features.isHTTPStatusTooManyRequestEnabled.
  QuotaViolation: { code: 'policies.ratelimit.QuotaViolation', status: 500, message: 'Rate limit quota violation. Quota limit  exceeded. Identifier : {0}' },
  SpikeArrestViolation: { code: 'policies.ratelimit.SpikeArrestViolation', status: 500, message: 'Spike arrest violation. Allowed rate : {0}' },
  InvalidMessageWeight: { code: 'policies.ratelimit.InvalidMessageWeight', status: 500, message: 'Invalid message weight value {0}' },
  FailedToResolveSpikeArrestRate: { code: 'policies.ratelimit.FailedToResolveSpikeArrestRate', status: 500, message: 'Failed to resolve Spike Arrest Rate reference {0} in SpikeArrest policy {1}' },
  InvalidAllowedRate: { code: 'policies.ratelimit.InvalidAllowedRate', status: 500, message: 'Invalid spike arrest rate {0}.' },
  FailedToResolveQuotaIntervalReference: { code: 'policies.ratelimit.FailedToResolveQuotaIntervalReference', status: 500, message: 'Failed to resolve quota interval reference {0} in quota policy {1}' },
  FailedToResolveQuotaIntervalTimeUnitReference: { code: 'policies.ratelimit.FailedToResolveQuotaIntervalTimeUnitReference', status: 500, message: 'Failed to resolve quota time unit reference {0} in quota policy {1}' },
  InvalidQuotaInterval: { code: 'policies.ratelimit.InvalidQuotaInterval', status: 500, message: 'Invalid quota interval {0} in quota policy {1}.' },
  InvalidQuotaTimeUnit: { code: 'policies.ratelimit.InvalidQuotaTimeUnit', status: 500, message: 'Invalid quota interval time unit {0} in quota policy {1}.' },
  InvalidApiKey: { code: 'oauth.v2.InvalidApiKey', status: 401, message: 'Invalid ApiKey' },
  InvalidApiKeyForGivenResource: { code: 'oauth.v2.InvalidApiKeyForGivenResource', status: 401, message: 'Invalid ApiKey for given resource' },
  FailedToResolveAPIKey: { code: 'steps.oauth.v2.FailedToResolveAPIKey', status: 401, message: 'Failed to resolve API Key variable {0}' },
  ApiKeyNotApproved: { code: 'keymanagement.service.invalid_client-app_not_approved', status: 401, message: 'Invalid client application or ApiKey not approved' },
  ConsumerKeyExpired: { code: 'keymanagement.service.consumer_key_expired', status: 401, message: 'Consumer key expired' },
  DeveloperStatusNotActive: { code: 'keymanagement.service.DeveloperStatusNotActive', status: 401, message: 'Developer Status is not Active' },
  // AccessControl and RegularExpressionProtection: codes and statuses as the Apigee policy reference gives them.
  IPDeniedAccess: { code: 'accesscontrol.IPDeniedAccess', status: 403, message: 'Access Denied for client ip : {0}' },
  InvalidIPAddressInVariable: { code: 'accesscontrol.InvalidIPAddressInVariable', status: 500, message: 'Invalid IP address {0} in variable {1}' },
  ThreatDetected: { code: 'steps.regexprotection.ThreatDetected', status: 400, message: 'Regular Expression Threat Detected in {0}: regex: {1} input: {2}' },
  // KeyValueMapOperations writes on the request path (Baton's bounds; Apigee documents no fault for them).
  KeyValueMapEntryLimitExceeded: { code: 'keyvaluemap.service.keyvaluemap_entry_limit_exceeded', status: 500, message: 'KeyValueMap {0} holds {1} entries, the most a KeyValueMapOperations Put may add to' },
  KeyValueMapCommitTimeout: { code: 'keyvaluemap.service.keyvaluemap_commit_timeout', status: 503, message: 'The change to KeyValueMap {0} was not confirmed within {1} ms; it may still be applied' },
  InternalError: { code: 'messaging.runtime.InternalError', status: 500, message: 'Internal Server Error' },
} as const satisfies Record<string, { code: string; status: number; message: string }>;

export type AdminErrorName = keyof typeof adminErrors;
export type RuntimeFaultName = keyof typeof runtimeFaults;

/** Fills `{0}`, `{1}` … in a catalog message. */
export function formatMessage(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

/** One problem found in a bundle, attributed to the file (path inside `apiproxy/`) that holds it. */
export interface BundleProblem {
  file: string;
  message: string;
}

/** A bundle that cannot be read or is invalid; carries every problem found, not just the first. */
export class BundleError extends Error {
  readonly problems: readonly BundleProblem[];
  /** 413 for size limits, 400 for everything else. */
  readonly status: 400 | 413;
  constructor(problems: readonly BundleProblem[], options?: { status?: 400 | 413; cause?: unknown }) {
    const first = problems[0];
    super(first ? `${first.file}: ${first.message}` : 'invalid bundle', { cause: options?.cause });
    this.name = 'BundleError';
    this.problems = problems;
    this.status = options?.status ?? 400;
  }
}

/** Invalid configuration at start-up; lists every problem. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A management-API error with a catalog entry. */
export class AdminError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  constructor(name: AdminErrorName, args: readonly (string | number)[] = [], options?: { cause?: unknown; details?: Record<string, unknown> }) {
    const entry = adminErrors[name];
    super(formatMessage(entry.message, args), { cause: options?.cause });
    this.name = 'AdminError';
    this.code = entry.code;
    this.status = entry.status;
    this.details = options?.details;
  }
}

/**
 * A fault raised while a message flows through a proxy. `faultName` is what `fault.name` reads
 * (the last segment of the error code); `response` is set when the fault carries its own response
 * (RaiseFault), otherwise the default fault body is built from `errorCode` and `message`.
 */
export class PolicyFault extends Error {
  readonly faultName: string;
  readonly errorCode: string;
  readonly status: number;
  readonly policyName: string | undefined;
  /** True when a RaiseFault produced it: suppresses AlwaysEnforce of the DefaultFaultRule (compat §7.4). */
  readonly raisedByRaiseFault: boolean;
  constructor(init: { faultName: string; errorCode: string; status: number; message: string; policyName?: string; raisedByRaiseFault?: boolean; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.name = 'PolicyFault';
    this.faultName = init.faultName;
    this.errorCode = init.errorCode;
    this.status = init.status;
    this.policyName = init.policyName;
    this.raisedByRaiseFault = init.raisedByRaiseFault ?? false;
  }
}

/** Builds the PolicyFault for a runtime fault of the catalog. */
export function runtimeFault(name: RuntimeFaultName, args: readonly (string | number)[] = [], cause?: unknown): PolicyFault {
  const entry = runtimeFaults[name];
  const faultName = entry.code.slice(entry.code.lastIndexOf('.') + 1);
  return new PolicyFault({ faultName, errorCode: entry.code, status: entry.status, message: formatMessage(entry.message, args), cause });
}

/** A failure of the target call, already classified to its runtime fault. */
export class TargetError extends PolicyFault {
  readonly kind: 'connect' | 'connect-timeout' | 'read-timeout' | 'write-timeout' | 'reset' | 'bad-response' | 'no-healthy-server';
  constructor(kind: TargetError['kind'], fault: PolicyFault) {
    super({ faultName: fault.faultName, errorCode: fault.errorCode, status: fault.status, message: fault.message, cause: fault.cause });
    this.name = 'TargetError';
    this.kind = kind;
  }
}
