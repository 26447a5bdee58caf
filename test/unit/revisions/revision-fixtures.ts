// Shared set-up of the revision service tests: a memory store, a manual clock, bundle files and zips built from strings.
import { packBundle } from '../../helpers/pack-bundle.js';
import { DEPLOYMENTS, toDeploymentKey } from '../../../src/deployments/deployment-records.js';
import { createDefaultPolicyRegistry } from '../../../src/policies/default-policy-registry.js';
import { createRevisionService, type RevisionService } from '../../../src/revisions/revision-service.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import type { Store } from '../../../src/store/store.js';

export const org = 'acme';

export interface Harness {
  readonly store: Store;
  readonly service: RevisionService;
  /** Moves the clock the service reads. */
  tick(ms?: number): void;
}

export function createHarness(bundleLimits = {}): Harness {
  const store = createMemoryStore();
  let now = 1_700_000_000_000;
  const service = createRevisionService({ store, registry: createDefaultPolicyRegistry(), bundleLimits, now: () => now });
  return { store, service, tick: (ms = 1) => void (now += ms) };
}

export const policyXml = (name: string, payload = name): string =>
  `<AssignMessage name="${name}"><Set><Payload contentType="text/plain">${payload}</Payload></Set></AssignMessage>`;

export const proxyXml = (name: string, basePath: string, steps: readonly string[] = [], target = 'default'): string => `<ProxyEndpoint name="${name}">
  <PreFlow><Request>${steps.map((s) => `<Step><Name>${s}</Name></Step>`).join('')}</Request></PreFlow>
  <HTTPProxyConnection><BasePath>${basePath}</BasePath><VirtualHost>secure</VirtualHost></HTTPProxyConnection>
  <RouteRule name="default"><TargetEndpoint>${target}</TargetEndpoint></RouteRule>
</ProxyEndpoint>`;

export const targetXml = (name: string, url = 'http://127.0.0.1:9/'): string =>
  `<TargetEndpoint name="${name}"><HTTPTargetConnection><URL>${url}</URL></HTTPTargetConnection></TargetEndpoint>`;

/** A complete, deployable bundle as `apiproxy/...` paths; `edits` overrides or (null) removes entries. */
export function helloEntries(edits: Record<string, string | null> = {}): Record<string, string> {
  const entries: Record<string, string> = {
    'apiproxy/hello.xml': '<APIProxy name="hello"><DisplayName>Hello</DisplayName><Description>Says hello</Description><Basepaths>/hello</Basepaths></APIProxy>',
    'apiproxy/proxies/default.xml': proxyXml('default', '/hello', ['AM-Hello']),
    'apiproxy/targets/default.xml': targetXml('default'),
    'apiproxy/policies/AM-Hello.xml': policyXml('AM-Hello'),
    'apiproxy/resources/jsc/lib/util.js': 'var x = 1;',
  };
  for (const [k, v] of Object.entries(edits)) {
    if (v === null) delete entries[k];
    else entries[k] = v;
  }
  return entries;
}

export const helloZip = (edits: Record<string, string | null> = {}): Promise<Uint8Array> => packBundle(helloEntries(edits));

export const rootOnlyZip = (api: string): Promise<Uint8Array> => packBundle({ [`apiproxy/${api}.xml`]: `<APIProxy name="${api}"/>` });

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
export const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Writes a deployment record the way the deployment service stores it, to simulate a deployed revision. */
export async function markDeployed(store: Store, api: string, revision: number, environment = 'test'): Promise<void> {
  await store.commit([{
    collection: DEPLOYMENTS,
    key: toDeploymentKey(org, environment, api, revision),
    value: { organization: org, environment, api, revision, basePath: '/', deployedAt: 1, deployedBy: 'test' },
  }]);
}
