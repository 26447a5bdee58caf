// compileRevision with a proxy group's policies: where their steps go in each endpoint, failures, and closing.
import { describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../../src/bundle/proxy-bundle.js';
import { parseBundle } from '../../../src/bundle/parse-bundle.js';
import { readBundleZip } from '../../../src/bundle/read-bundle-zip.js';
import type { TargetClient } from '../../../src/dataplane/target-client.js';
import { compileRevision, type GroupPolicy, type GroupStepPlacement } from '../../../src/engine/compile-revision.js';
import type { CompiledFlow } from '../../../src/engine/compiled-revision.js';
import { BundleError } from '../../../src/errors.js';
import { createDefaultPolicyRegistry } from '../../../src/policies/default-policy-registry.js';
import type { PolicyServices } from '../../../src/policies/policy-services.js';
import { packBundle } from '../../helpers/pack-bundle.js';

const registry = createDefaultPolicyRegistry();
const fakeClient: TargetClient = { baseUrl: 'http://target.test', send: () => Promise.reject(new Error('unused')), close: async () => {}, destroy: async () => {} };

async function memberBundle() {
  const am = (name: string) => `<AssignMessage name="${name}"><Set><Headers><Header name="x-${name}">1</Header></Headers></Set></AssignMessage>`;
  const files = await readBundleZip(await packBundle({
    'apiproxy/member.xml': '<APIProxy name="member"/>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <PreFlow><Request><Step><Name>Own-Pre</Name></Step></Request></PreFlow>
      <PostFlow><Request><Step><Name>Own-Post</Name></Step></Request><Response><Step><Name>Own-PostResponse</Name></Step></Response></PostFlow>
      <HTTPProxyConnection><BasePath>/member</BasePath></HTTPProxyConnection>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
    </ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default">
      <PostFlow><Response><Step><Name>Own-TargetResponse</Name></Step></Response></PostFlow>
      <HTTPTargetConnection><URL>http://127.0.0.1:1/</URL></HTTPTargetConnection>
    </TargetEndpoint>`,
    'apiproxy/policies/Own-Pre.xml': am('Own-Pre'),
    'apiproxy/policies/Own-Post.xml': am('Own-Post'),
    'apiproxy/policies/Own-PostResponse.xml': am('Own-PostResponse'),
    'apiproxy/policies/Own-TargetResponse.xml': am('Own-TargetResponse'),
  }));
  const parsed = parseBundle(files, { registry, apiName: 'member' });
  expect(parsed.problems).toEqual([]);
  return parsed.bundle;
}

function groupPolicy(name: string, placements: GroupStepPlacement[], events: string[], options: { fail?: boolean } = {}): GroupPolicy {
  const config: PolicyConfig = { name, type: 'Fake', file: 'proxygroups/shop', enabled: true, continueOnError: false, config: {} };
  return {
    config,
    placements,
    compile(ctx) {
      events.push(`compile ${name} for ${ctx.apiName}/${ctx.revision} in ${ctx.environment} as ${ctx.policy.name}`);
      if (options.fail) throw new Error('cannot compile here');
      return { readsContent: name === 'Reader', execute: () => {}, close: () => void events.push(`close ${name}`) };
    },
  };
}

function compile(groupPolicies?: GroupPolicy[]) {
  return memberBundle().then((bundle) => compileRevision(
    { organization: 'demo', environment: 'test', apiName: 'member', revision: 4, bundle, ...(groupPolicies ? { groupPolicies } : {}) },
    { registry, services: {} as PolicyServices, targetServers: new Map(), virtualHosts: ['default'], createTargetClient: () => fakeClient },
  ));
}

const names = (flow: CompiledFlow, side: 'request' | 'response'): string[] => flow[side].map((s) => s.name);

describe('group policies compiled into a member revision', () => {
  it('go first in the ProxyEndpoint PreFlow request, last in its PostFlow request and last in the TargetEndpoint PostFlow response', async () => {
    const events: string[] = [];
    const revision = await compile([
      groupPolicy('Cors', ['proxy-request-first'], events),
      groupPolicy('Reader', ['proxy-request-last', 'target-response-last'], events),
    ]);
    const pe = revision.proxyEndpoints[0]!;
    expect(names(pe.preFlow, 'request')).toEqual(['Cors', 'Own-Pre']);
    expect(names(pe.postFlow, 'request')).toEqual(['Own-Post', 'Reader']);
    expect(names(pe.postFlow, 'response')).toEqual(['Own-PostResponse']);
    const te = pe.routeRules[0]!.targetEndpoint!;
    expect(names(te.postFlow, 'response')).toEqual(['Own-TargetResponse', 'Reader']);
    // One compiled policy per group policy, shared by its placements; its readsContent makes the runner buffer.
    expect(pe.postFlow.request[1]!.compiled).toBe(te.postFlow.response[1]!.compiled);
    expect(pe.postFlow.request[1]!.needsContent).toBe(true);
    expect(pe.preFlow.request[0]!.policy).toMatchObject({ name: 'Cors', file: 'proxygroups/shop' });
    expect(events).toEqual(['compile Cors for member/4 in test as Cors', 'compile Reader for member/4 in test as Reader']);
    await revision.close();
    expect(events.slice(2).sort()).toEqual(['close Cors', 'close Reader']);
  });

  it('leaves the flows as the bundle has them without group policies', async () => {
    const revision = await compile();
    const pe = revision.proxyEndpoints[0]!;
    expect(names(pe.preFlow, 'request')).toEqual(['Own-Pre']);
    expect(names(pe.postFlow, 'request')).toEqual(['Own-Post']);
    expect(names(pe.routeRules[0]!.targetEndpoint!.postFlow, 'response')).toEqual(['Own-TargetResponse']);
    await revision.close();
  });

  it('refuses the revision with a problem naming the group file when a group policy cannot compile, closing what compiled', async () => {
    const events: string[] = [];
    const error = await compile([groupPolicy('Cors', ['proxy-request-first'], events), groupPolicy('Broken', ['proxy-request-last'], events, { fail: true })]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems).toEqual([{ file: 'proxygroups/shop', message: 'Fake Broken: cannot compile here' }]);
    // The compile failure closes what it opened at once (close is called synchronously by the cleanup).
    expect(events).toContain('close Cors');
  });
});
