// Cross-file checks of a parsed bundle (compat §2.2 rule 5): names, references, conditions, base paths.
import { parseCondition } from '../engine/condition/parse-condition.js';
import type { BundleProblem } from '../errors.js';
import type { FaultRuleConfig, FlowConfig, ProxyBundle, ProxyEndpointConfig, StepConfig, TargetEndpointConfig } from './proxy-bundle.js';
import { checkHttpUrl } from './parse-target-endpoint.js';

type Report = (message: string) => void;

function checkCondition(condition: string | undefined, where: string, report: Report): void {
  if (condition === undefined) return;
  try {
    parseCondition(condition);
  } catch (err) {
    report(`${where}: invalid Condition ${JSON.stringify(condition)}: ${(err as Error).message}`);
  }
}

export function checkSteps(steps: readonly StepConfig[], where: string, policies: ReadonlySet<string>, report: Report): void {
  for (const step of steps) {
    if (!policies.has(step.name)) report(`Step ${step.name} refers to a policy that does not exist`);
    checkCondition(step.condition, `Step ${step.name} in ${where}`, report);
  }
}

function checkFlow(flow: FlowConfig, policies: ReadonlySet<string>, report: Report): void {
  checkCondition(flow.condition, `Flow ${flow.name}`, report);
  checkSteps(flow.request, `${flow.name} Request`, policies, report);
  checkSteps(flow.response, `${flow.name} Response`, policies, report);
}

function checkFaultRules(rules: readonly FaultRuleConfig[], policies: ReadonlySet<string>, report: Report): void {
  for (const rule of rules) {
    checkCondition(rule.condition, `FaultRule ${rule.name}`, report);
    checkSteps(rule.steps, `FaultRule ${rule.name}`, policies, report);
  }
}

function checkEndpoint(endpoint: ProxyEndpointConfig | TargetEndpointConfig, policies: ReadonlySet<string>, report: Report): void {
  const flows = [endpoint.preFlow, ...endpoint.flows, endpoint.postFlow, ...('postClientFlow' in endpoint ? [endpoint.postClientFlow] : [])];
  for (const flow of flows) checkFlow(flow, policies, report);
  checkFaultRules(endpoint.faultRules, policies, report);
  if (endpoint.defaultFaultRule) checkSteps(endpoint.defaultFaultRule.steps, `DefaultFaultRule ${endpoint.defaultFaultRule.name}`, policies, report);
}

function checkRouteRules(endpoint: ProxyEndpointConfig, targets: ReadonlySet<string>, report: Report): void {
  for (const rule of endpoint.routeRules) {
    checkCondition(rule.condition, `RouteRule ${rule.name}`, report);
    if (rule.targetEndpoint !== undefined && !targets.has(rule.targetEndpoint)) {
      report(`RouteRule ${rule.name} refers to TargetEndpoint ${rule.targetEndpoint}, which does not exist`);
    }
    if (rule.url !== undefined) {
      const problem = checkHttpUrl(rule.url);
      if (problem) report(`RouteRule ${rule.name}: ${problem}`);
    }
  }
}

/** Reports a second definition of a name, on the later file. */
export function checkUniqueNames(items: readonly { name: string; file: string }[], kind: string, problems: BundleProblem[]): void {
  const first = new Map<string, string>();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (earlier === undefined) first.set(item.name, item.file);
    else problems.push({ file: item.file, message: `${kind} name ${item.name} is already used by ${earlier}` });
  }
}

/** Two ProxyEndpoints answer the same requests when their BasePaths are equal and their virtual hosts meet (none = all). */
function shareVirtualHost(a: ProxyEndpointConfig, b: ProxyEndpointConfig): boolean {
  return a.virtualHosts.length === 0 || b.virtualHosts.length === 0 || a.virtualHosts.some((v) => b.virtualHosts.includes(v));
}

/** Every deployability problem of the bundle, each on the file that holds it. */
export function validateBundle(bundle: ProxyBundle, rootFile: string): BundleProblem[] {
  const problems: BundleProblem[] = [];
  if (bundle.proxyEndpoints.length === 0) problems.push({ file: rootFile, message: 'the bundle has no ProxyEndpoint (no proxies/*.xml)' });
  checkUniqueNames(bundle.policies, 'policy', problems);
  checkUniqueNames(bundle.proxyEndpoints, 'ProxyEndpoint', problems);
  checkUniqueNames(bundle.targetEndpoints, 'TargetEndpoint', problems);
  const policies = new Set(bundle.policies.map((p) => p.name));
  const targets = new Set(bundle.targetEndpoints.map((t) => t.name));
  bundle.proxyEndpoints.forEach((endpoint, i) => {
    const report: Report = (message) => problems.push({ file: endpoint.file, message });
    checkEndpoint(endpoint, policies, report);
    checkRouteRules(endpoint, targets, report);
    const clash = bundle.proxyEndpoints.slice(0, i).find((other) => other.basePath === endpoint.basePath && shareVirtualHost(other, endpoint));
    if (clash) report(`ProxyEndpoint ${endpoint.name} has BasePath ${endpoint.basePath}, already used by ProxyEndpoint ${clash.name} (${clash.file}) on the same virtual host`);
  });
  for (const endpoint of bundle.targetEndpoints) checkEndpoint(endpoint, policies, (message) => problems.push({ file: endpoint.file, message }));
  return problems;
}
