// Shared inputs of the parseBundle tests: a fake policy registry and bundle file maps built from strings.
import type { BundleFiles } from '../../../src/bundle/read-bundle-zip.js';
import { childElement } from '../../../src/bundle/xml-element.js';
import { createPolicyRegistry } from '../../../src/policies/policy-registry.js';
import type { PolicyType } from '../../../src/policies/policy-type.js';

const compileNothing: PolicyType['compile'] = () => ({ execute: () => undefined, readsContent: false });

/** AssignMessage and RaiseFault read nothing; Javascript reports a problem when its ResourceURL names a missing resource. */
export const registry = createPolicyRegistry([
  { type: 'AssignMessage', parse: () => ({ kind: 'am' }), compile: compileNothing },
  { type: 'RaiseFault', parse: () => ({ kind: 'rf' }), compile: compileNothing },
  {
    type: 'Javascript',
    parse: (el, ctx) => {
      const url = childElement(el, 'ResourceURL')?.text.trim() ?? '';
      if (!ctx.resources.has(url)) ctx.report(`ResourceURL ${url} names no resource of the bundle`);
      return { url };
    },
    compile: compileNothing,
  },
]);

export function toFiles(entries: Record<string, string>): BundleFiles {
  return new Map(Object.entries(entries).map(([k, v]) => [k, new TextEncoder().encode(v)]));
}

export const am = (name: string): string => `<AssignMessage name="${name}"/>`;

/** A small valid bundle: one ProxyEndpoint routing to a URL TargetEndpoint, one policy. */
export function minimalFiles(extra: Record<string, string | null> = {}): BundleFiles {
  const files: Record<string, string> = {
    'hello.xml': '<APIProxy name="hello"/>',
    'proxies/default.xml': `<ProxyEndpoint name="default">
      <PreFlow><Request><Step><Name>AM-Hello</Name></Step></Request></PreFlow>
      <HTTPProxyConnection><BasePath>/hello</BasePath></HTTPProxyConnection>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
    </ProxyEndpoint>`,
    'targets/default.xml': '<TargetEndpoint name="default"><HTTPTargetConnection><URL>http://127.0.0.1:9/</URL></HTTPTargetConnection></TargetEndpoint>',
    'policies/AM-Hello.xml': am('AM-Hello'),
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return toFiles(files);
}
