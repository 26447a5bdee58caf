// The policy types Baton ships with; the composition root passes this registry to parseBundle and compileRevision.
import { assignMessagePolicy } from './assign-message/execute.js';
import { corsPolicy } from './cors/execute.js';
import { accessControlPolicy } from './access-control/execute.js';
import { basicAuthenticationPolicy } from './basic-authentication/execute.js';
import { jsonThreatProtectionPolicy } from './json-threat-protection/execute.js';
import { jsonToXmlPolicy } from './json-to-xml/execute.js';
import { regularExpressionProtectionPolicy } from './regular-expression-protection/execute.js';
import { xmlThreatProtectionPolicy } from './xml-threat-protection/execute.js';
import { xmlToJsonPolicy } from './xml-to-json/execute.js';
import { extractVariablesPolicy } from './extract-variables/execute.js';
import { flowCalloutPolicy } from './flow-callout/execute.js';
import { messageLoggingPolicy } from './message-logging/execute.js';
import { createPolicyRegistry, type PolicyRegistry } from './policy-registry.js';
import { quotaPolicy } from './quota/execute.js';
import { invalidateCachePolicy } from './invalidate-cache/execute.js';
import { javascriptPolicy } from './javascript/execute.js';
import { keyValueMapOperationsPolicy } from './key-value-map-operations/execute.js';
import { lookupCachePolicy } from './lookup-cache/execute.js';
import { populateCachePolicy } from './populate-cache/execute.js';
import { raiseFaultPolicy } from './raise-fault/execute.js';
import { responseCachePolicy } from './response-cache/execute.js';
import { serviceCalloutPolicy } from './service-callout/execute.js';
import { spikeArrestPolicy } from './spike-arrest/execute.js';
import { statisticsCollectorPolicy } from './statistics-collector/execute.js';
import { verifyApiKeyPolicy } from './verify-api-key/execute.js';

export function createDefaultPolicyRegistry(): PolicyRegistry {
  // One line per type; a new policy type is one import and one line here.
  return createPolicyRegistry([
    assignMessagePolicy,
    corsPolicy,
    accessControlPolicy,
    basicAuthenticationPolicy,
    jsonThreatProtectionPolicy,
    jsonToXmlPolicy,
    regularExpressionProtectionPolicy,
    xmlThreatProtectionPolicy,
    xmlToJsonPolicy,
    extractVariablesPolicy,
    flowCalloutPolicy,
    messageLoggingPolicy,
    quotaPolicy,
    invalidateCachePolicy,
    javascriptPolicy,
    keyValueMapOperationsPolicy,
    lookupCachePolicy,
    populateCachePolicy,
    raiseFaultPolicy,
    responseCachePolicy,
    serviceCalloutPolicy,
    spikeArrestPolicy,
    statisticsCollectorPolicy,
    verifyApiKeyPolicy,
  ]);
}
