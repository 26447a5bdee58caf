// Test helpers for policy types: parse XML with collected problems, compile, and build a FlowContext.
import { attr } from '../../../src/bundle/xml-element.js';
import { parseXml } from '../../../src/bundle/parse-xml.js';
import { FlowContext, type FlowContextInit } from '../../../src/engine/flow-context.js';
import { Message } from '../../../src/engine/message.js';
import type { PolicyServices } from '../../../src/policies/policy-services.js';
import type { CompiledPolicy, PolicyType } from '../../../src/policies/policy-type.js';
import { createTestPolicyServices } from '../../helpers/create-test-policy-services.js';

export interface PolicyTestOptions {
  /** Bundle resources keyed `type://name` (e.g. `jsc://main.js`). */
  readonly resources?: ReadonlyMap<string, Uint8Array>;
  readonly services?: PolicyServices;
}

export function parsePolicy<C>(type: PolicyType<C>, xml: string, options: PolicyTestOptions = {}): { config: C; problems: string[] } {
  const problems: string[] = [];
  const config = type.parse(parseXml(xml), { file: 'policies/test.xml', report: (m) => problems.push(m), resources: options.resources ?? new Map() });
  return { config, problems };
}

/** Parses (failing on any problem) and compiles a policy. */
export function compilePolicy<C>(type: PolicyType<C>, xml: string, options: PolicyTestOptions = {}): CompiledPolicy {
  const el = parseXml(xml);
  const { config, problems } = parsePolicy(type, xml, options);
  if (problems.length > 0) throw new Error(`unexpected problems: ${problems.join('; ')}`);
  const name = attr(el, 'name') ?? 'unnamed';
  return type.compile(config, {
    policy: { name, type: el.name, file: 'policies/test.xml', enabled: true, continueOnError: false, config },
    resources: options.resources ?? new Map(),
    organization: 'org',
    apiName: 'api',
    revision: 1,
    environment: 'test',
    services: options.services ?? createTestPolicyServices(),
  });
}

export function createFlowContext(init: Partial<FlowContextInit> = {}): FlowContext {
  return new FlowContext({
    request: new Message('request'),
    organization: 'org',
    environment: 'test',
    virtualHost: 'default',
    apiName: 'api',
    revision: 3,
    proxyEndpoint: 'default',
    basePath: '/v1',
    pathSuffix: '',
    clientIp: '127.0.0.1',
    scheme: 'http',
    host: 'localhost',
    messageId: 'm-1',
    now: () => 0,
    ...init,
  });
}

/** Runs execute and returns what it threw (failing when it did not throw). */
export async function executeExpectingFault(policy: CompiledPolicy, ctx: FlowContext): Promise<unknown> {
  try {
    await policy.execute(ctx);
  } catch (err) {
    return err;
  }
  throw new Error('expected the policy to raise a fault');
}
