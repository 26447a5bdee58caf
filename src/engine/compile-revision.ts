// Compiles a parsed bundle into a CompiledRevision for one environment: every condition, policy and target client, once.
import type { DefaultFaultRuleConfig, FaultRuleConfig, FlowConfig, HttpTargetConnectionConfig, PolicyConfig, ProxyBundle, StepConfig } from '../bundle/proxy-bundle.js';
import type { TargetClient } from '../dataplane/target-client.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import { BundleError, type BundleProblem } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { PolicyServices } from '../policies/policy-services.js';
import type { CompiledPolicy, PolicyCompileContext } from '../policies/policy-type.js';
import { compileCondition, type CompiledCondition } from './condition/compile-condition.js';
import { conditionVariables, parseCondition } from './condition/parse-condition.js';
import type {
  CompiledDefaultFaultRule, CompiledFaultRule, CompiledFlow, CompiledProxyEndpoint, CompiledRevision, CompiledRouteRule, CompiledStep, CompiledTargetEndpoint,
} from './compiled-revision.js';

export interface CompileRevisionInput {
  readonly organization: string;
  readonly environment: string;
  readonly apiName: string;
  readonly revision: number;
  readonly bundle: ProxyBundle;
  /** Policies a proxy group adds to this revision when it deploys it (Baton's group settings; the bundle does not name them). */
  readonly groupPolicies?: readonly GroupPolicy[];
}

/**
 * Where a group policy's steps go in every endpoint of the member: first in each ProxyEndpoint's PreFlow request
 * (before the member's own steps: a CORS preflight is answered before authentication), last in each ProxyEndpoint's
 * PostFlow request (after them: a cache lookup never bypasses the member's checks), last in each TargetEndpoint's
 * PostFlow response (where Apigee places a ResponseCache's population).
 */
export type GroupStepPlacement = 'proxy-request-first' | 'proxy-request-last' | 'target-response-last';

export interface GroupPolicy {
  /** A synthetic policy config (name, type, file `proxygroups/<group>`) for messages and flow variables. */
  readonly config: PolicyConfig;
  /** Compiles it for one member revision; throws Error for a problem (reported against `config.file`). */
  readonly compile: (ctx: PolicyCompileContext) => CompiledPolicy;
  readonly placements: readonly GroupStepPlacement[];
}

export interface CompileRevisionDeps {
  readonly registry: PolicyRegistry;
  readonly services: PolicyServices;
  readonly targetServers: ReadonlyMap<string, TargetServerDefinition>;
  /** Virtual host names the environment has; a ProxyEndpoint naming another one cannot deploy there. */
  readonly virtualHosts: readonly string[];
  readonly createTargetClient: (connection: HttpTargetConnectionConfig, deps: { targetServers: ReadonlyMap<string, TargetServerDefinition> }) => TargetClient;
}

/** Variables whose value is the message body: reading them needs the body buffered. */
const CONTENT_VARIABLE = /(^|\.)(content|formparam\..*|formparams\..*)$/;

interface Compiler {
  readonly problems: BundleProblem[];
  readonly policies: Map<string, { config: PolicyConfig; compiled: CompiledPolicy }>;
  readonly clients: TargetClient[];
  /** Compiled group policies: closed with the revision like its own. */
  readonly groupPolicies: CompiledPolicy[];
}

type GroupSteps = Readonly<Record<GroupStepPlacement, readonly CompiledStep[]>>;

/** Throws BundleError (400) listing every reason the revision cannot run in this environment; nothing is left open then. */
export function compileRevision(input: CompileRevisionInput, deps: CompileRevisionDeps): CompiledRevision {
  const compiler: Compiler = { problems: [], policies: new Map(), clients: [], groupPolicies: [] };
  const { bundle } = input;
  if (bundle.proxyEndpoints.length === 0) compiler.problems.push({ file: 'proxies/', message: 'the revision has no ProxyEndpoint' });
  compilePolicies(compiler, input, deps);
  const group = compileGroupPolicies(compiler, input, deps);
  const targets = new Map<string, CompiledTargetEndpoint>();
  for (const te of bundle.targetEndpoints) {
    const client = createClient(compiler, te.file, te.connection, deps);
    if (!client) continue;
    targets.set(te.name, {
      name: te.name,
      preFlow: compileFlow(compiler, te.file, te.preFlow),
      flows: te.flows.map((f) => compileFlow(compiler, te.file, f)),
      postFlow: withSteps(compileFlow(compiler, te.file, te.postFlow), [], group['target-response-last']),
      faultRules: te.faultRules.map((r) => compileFaultRule(compiler, te.file, r)),
      defaultFaultRule: compileDefaultFaultRule(compiler, te.file, te.defaultFaultRule),
      target: client,
      isSuccessStatus: compileSuccessCodes(compiler, te.file, te.connection.properties.get('success.codes')),
      loadBalancerPath: te.connection.loadBalancer ? te.connection.path ?? '' : undefined,
    });
  }
  const proxyEndpoints = bundle.proxyEndpoints.map((pe): CompiledProxyEndpoint => {
    for (const vh of pe.virtualHosts) {
      if (!deps.virtualHosts.includes(vh)) {
        compiler.problems.push({ file: pe.file, message: `ProxyEndpoint ${pe.name} uses virtual host ${vh}, which environment ${input.environment} does not have` });
      }
    }
    const routeRules = pe.routeRules.map((rr): CompiledRouteRule => {
      let targetEndpoint: CompiledTargetEndpoint | undefined;
      let urlTarget: TargetClient | undefined;
      if (rr.targetEndpoint !== undefined) {
        targetEndpoint = targets.get(rr.targetEndpoint);
        if (!targetEndpoint && !bundle.targetEndpoints.some((t) => t.name === rr.targetEndpoint)) {
          compiler.problems.push({ file: pe.file, message: `RouteRule ${rr.name} refers to TargetEndpoint ${rr.targetEndpoint}, which does not exist` });
        }
      } else if (rr.url !== undefined) {
        urlTarget = createClient(compiler, pe.file, { url: rr.url, properties: new Map() }, deps);
      }
      return { name: rr.name, condition: compileOptionalCondition(compiler, pe.file, rr.condition), targetEndpoint, urlTarget };
    });
    return {
      name: pe.name,
      basePath: pe.basePath,
      virtualHosts: pe.virtualHosts.length > 0 ? pe.virtualHosts : deps.virtualHosts,
      preFlow: withSteps(compileFlow(compiler, pe.file, pe.preFlow), group['proxy-request-first'], []),
      flows: pe.flows.map((f) => compileFlow(compiler, pe.file, f)),
      postFlow: withRequestLast(compileFlow(compiler, pe.file, pe.postFlow), group['proxy-request-last']),
      postClientFlow: compileFlow(compiler, pe.file, pe.postClientFlow),
      faultRules: pe.faultRules.map((r) => compileFaultRule(compiler, pe.file, r)),
      defaultFaultRule: compileDefaultFaultRule(compiler, pe.file, pe.defaultFaultRule),
      routeRules,
    };
  });

  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([
      ...compiler.clients.map((c) => c.close()),
      ...[...compiler.policies.values()].map(async (p) => p.compiled.close?.()),
      ...compiler.groupPolicies.map(async (p) => p.close?.()),
    ]);
  };
  const destroyAll = async (): Promise<void> => {
    await Promise.allSettled([
      ...compiler.clients.map((c) => c.destroy()),
      ...[...compiler.policies.values()].map(async (p) => p.compiled.close?.()),
      ...compiler.groupPolicies.map(async (p) => p.close?.()),
    ]);
  };
  if (compiler.problems.length > 0) {
    void closeAll();
    throw new BundleError(compiler.problems);
  }
  return {
    organization: input.organization,
    environment: input.environment,
    apiName: input.apiName,
    revision: input.revision,
    proxyEndpoints,
    close: closeAll,
    destroy: destroyAll,
  };
}

function compilePolicies(compiler: Compiler, input: CompileRevisionInput, deps: CompileRevisionDeps): void {
  for (const policy of input.bundle.policies) {
    const type = deps.registry.get(policy.type);
    if (!type) {
      compiler.problems.push({ file: policy.file, message: `unknown policy type ${policy.type}; supported: ${deps.registry.supportedTypes.join(', ')}` });
      continue;
    }
    try {
      const compiled = type.compile(policy.config, {
        policy, resources: input.bundle.resources, organization: input.organization, apiName: input.apiName, revision: input.revision, environment: input.environment,
        services: deps.services,
      });
      compiler.policies.set(policy.name, { config: policy, compiled });
    } catch (err) {
      compiler.problems.push({ file: policy.file, message: `${policy.type} ${policy.name}: ${(err as Error).message}` });
    }
  }
}

/** Each group policy compiled once for this revision, as steps per placement (in the group's order). */
function compileGroupPolicies(compiler: Compiler, input: CompileRevisionInput, deps: CompileRevisionDeps): GroupSteps {
  const steps: Record<GroupStepPlacement, CompiledStep[]> = { 'proxy-request-first': [], 'proxy-request-last': [], 'target-response-last': [] };
  for (const policy of input.groupPolicies ?? []) {
    let compiled: CompiledPolicy;
    try {
      compiled = policy.compile({
        policy: policy.config, resources: input.bundle.resources, organization: input.organization, apiName: input.apiName, revision: input.revision,
        environment: input.environment, services: deps.services,
      });
    } catch (err) {
      compiler.problems.push({ file: policy.config.file, message: `${policy.config.type} ${policy.config.name}: ${(err as Error).message}` });
      continue;
    }
    compiler.groupPolicies.push(compiled);
    const step: CompiledStep = { name: policy.config.name, policy: policy.config, compiled, condition: undefined, needsContent: compiled.readsContent };
    for (const placement of policy.placements) steps[placement].push(step);
  }
  return steps;
}

function withSteps(flow: CompiledFlow, requestFirst: readonly CompiledStep[], responseLast: readonly CompiledStep[]): CompiledFlow {
  if (requestFirst.length === 0 && responseLast.length === 0) return flow;
  return { ...flow, request: [...requestFirst, ...flow.request], response: [...flow.response, ...responseLast] };
}

function withRequestLast(flow: CompiledFlow, requestLast: readonly CompiledStep[]): CompiledFlow {
  return requestLast.length === 0 ? flow : { ...flow, request: [...flow.request, ...requestLast] };
}

function createClient(compiler: Compiler, file: string, connection: HttpTargetConnectionConfig, deps: CompileRevisionDeps): TargetClient | undefined {
  try {
    const client = deps.createTargetClient(connection, { targetServers: deps.targetServers });
    compiler.clients.push(client);
    return client;
  } catch (err) {
    compiler.problems.push({ file, message: (err as Error).message });
    return undefined;
  }
}

function compileOptionalCondition(compiler: Compiler, file: string, text: string | undefined): CompiledCondition | undefined {
  return compileConditionWithContent(compiler, file, text).condition;
}

function compileConditionWithContent(compiler: Compiler, file: string, text: string | undefined): { condition: CompiledCondition | undefined; needsContent: boolean } {
  if (text === undefined || text.trim() === '') return { condition: undefined, needsContent: false };
  try {
    const node = parseCondition(text);
    return { condition: compileCondition(node), needsContent: conditionVariables(node).some((v) => CONTENT_VARIABLE.test(v)) };
  } catch (err) {
    compiler.problems.push({ file, message: `bad condition "${text.trim()}": ${(err as Error).message}` });
    return { condition: undefined, needsContent: false };
  }
}

function compileSteps(compiler: Compiler, file: string, steps: readonly StepConfig[]): CompiledStep[] {
  const out: CompiledStep[] = [];
  for (const step of steps) {
    const policy = compiler.policies.get(step.name);
    const { condition, needsContent } = compileConditionWithContent(compiler, file, step.condition);
    if (!policy) {
      compiler.problems.push({ file, message: `Step ${step.name} refers to a policy that does not exist` });
      continue;
    }
    // enabled="false" skips the step (compat §6.5): it is dropped from the compiled flow.
    if (!policy.config.enabled) continue;
    out.push({ name: step.name, policy: policy.config, compiled: policy.compiled, condition, needsContent: needsContent || policy.compiled.readsContent });
  }
  return out;
}

function compileFlow(compiler: Compiler, file: string, flow: FlowConfig): CompiledFlow {
  const { condition, needsContent } = compileConditionWithContent(compiler, file, flow.condition);
  return {
    name: flow.name,
    condition,
    conditionNeedsContent: needsContent,
    request: compileSteps(compiler, file, flow.request),
    response: compileSteps(compiler, file, flow.response),
  };
}

function compileFaultRule(compiler: Compiler, file: string, rule: FaultRuleConfig): CompiledFaultRule {
  return { name: rule.name, condition: compileOptionalCondition(compiler, file, rule.condition), steps: compileSteps(compiler, file, rule.steps) };
}

function compileDefaultFaultRule(compiler: Compiler, file: string, rule: DefaultFaultRuleConfig | undefined): CompiledDefaultFaultRule | undefined {
  if (!rule) return undefined;
  return { name: rule.name, steps: compileSteps(compiler, file, rule.steps), alwaysEnforce: rule.alwaysEnforce };
}

/** `success.codes` (endpoint-properties reference): comma list of codes or `Nxx` classes; default 1xx,2xx,3xx. */
function compileSuccessCodes(compiler: Compiler, file: string, text: string | undefined): (status: number) => boolean {
  if (text === undefined) return (status) => status < 400;
  const classes = new Set<number>();
  const codes = new Set<number>();
  for (const raw of text.split(',')) {
    const token = raw.trim().toLowerCase();
    if (/^[1-5]xx$/.test(token)) classes.add(Number(token[0]));
    else if (/^[1-5][0-9]{2}$/.test(token)) codes.add(Number(token));
    else if (token !== '') compiler.problems.push({ file, message: `success.codes: "${raw.trim()}" is neither a status code nor a class like 2xx` });
  }
  return (status) => codes.has(status) || classes.has(Math.floor(status / 100));
}
