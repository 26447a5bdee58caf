// The PolicyFault a policy raises: error code `steps.<type in lower case>.<FaultName>`, status 500 unless Apigee uses another (compat §12).
import { PolicyFault } from '../../errors.js';

export function toStepFault(
  policyType: string,
  faultName: string,
  message: string,
  policyName: string,
  options?: { status?: number; cause?: unknown },
): PolicyFault {
  return new PolicyFault({
    faultName,
    errorCode: `steps.${policyType.toLowerCase()}.${faultName}`,
    status: options?.status ?? 500,
    message,
    policyName,
    cause: options?.cause,
  });
}
