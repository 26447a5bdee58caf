// Compiles a shared flow revision for one environment with the proxy compiler: its steps become one ProxyEndpoint's PreFlow.
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import { toEntrySharedFlow, type SharedFlowBundle } from '../bundle/shared-flow-bundle.js';
import { DeployedRevision } from '../dataplane/deployed-revision.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import { compileRevision } from '../engine/compile-revision.js';
import { BundleError } from '../errors.js';
import type { FlowCalloutConfig } from '../policies/flow-callout/parse.js';
import type { DeployedSharedFlow, SharedFlowRegistry } from './create-shared-flow-registry.js';

const emptyFlow = (name: string) => ({ name, request: [], response: [] });

/**
 * The name a shared flow's policies are compiled under (their `apiName`): what keys their state (Quota and SpikeArrest
 * counters, cache keys, apiproxy- and policy-scoped KVMs) and labels their metrics. The prefix cannot occur in a proxy
 * name, so a shared flow and a proxy both named `auth` never share state. Flow variables are unaffected: a shared flow
 * runs in its caller's message flow, so `apiproxy.name` there is the calling proxy's name.
 */
export function toSharedFlowScopeName(name: string): string {
  return `sharedflow:${name}`;
}

/** Shared flows the bundle's FlowCallout policies name (enabled or not: deploy checks them all). */
export function toCalledSharedFlows(bundle: SharedFlowBundle): string[] {
  const names = bundle.policies.filter((p) => p.type === 'FlowCallout').map((p) => (p.config as FlowCalloutConfig).sharedFlowBundle);
  return [...new Set(names)].sort();
}

/**
 * Throws BundleError (400) when the revision cannot run in the environment, leaving nothing open. Conditions,
 * policies and content buffering are compiled exactly as for a proxy: the entry SharedFlow's Steps are wrapped in a
 * ProxyEndpoint PreFlow that no route ever serves, and its compiled request steps are what FlowCallout runs.
 */
export function compileSharedFlow(runtime: EnvironmentRuntime, registry: SharedFlowRegistry, name: string, revision: number, bundle: SharedFlowBundle): DeployedSharedFlow {
  const entry = toEntrySharedFlow(bundle);
  if (!entry) throw new BundleError([{ file: `${name}.xml`, message: 'the bundle has no SharedFlow to run (none named default)' }]);
  const wrapped: ProxyBundle = {
    basepaths: [],
    proxyEndpoints: [{
      name: entry.name, file: entry.file, basePath: '/', virtualHosts: [], properties: new Map(),
      preFlow: { name: entry.name, request: entry.steps, response: [] },
      flows: [], postFlow: emptyFlow('PostFlow'), postClientFlow: emptyFlow('PostClientFlow'), faultRules: [], routeRules: [],
    }],
    targetEndpoints: [],
    policies: bundle.policies,
    resources: bundle.resources,
    files: bundle.files,
  };
  const { options } = runtime;
  const compiled = compileRevision(
    { organization: options.organization, environment: options.environment, apiName: toSharedFlowScopeName(name), revision, bundle: wrapped },
    {
      registry: options.registry,
      // Calls its FlowCallout policies make are recorded as this shared flow's (the undeploy check names it).
      services: { ...options.services, sharedFlows: registry.forSharedFlow(name, revision) },
      targetServers: options.targetServers,
      virtualHosts: options.virtualHosts,
      createTargetClient: options.createTargetClient,
    },
  );
  // DeployedRevision's in-flight count is what drains a replaced shared flow revision before its policies close.
  const counter = new DeployedRevision(compiled, '/');
  return {
    name,
    revision,
    steps: compiled.proxyEndpoints[0]!.preFlow.request,
    calls: toCalledSharedFlows(bundle),
    compiled,
    acquire: () => counter.acquire(),
    release: () => counter.release(),
    get inflight() {
      return counter.inflight;
    },
    whenIdle: () => counter.whenIdle(),
  };
}
