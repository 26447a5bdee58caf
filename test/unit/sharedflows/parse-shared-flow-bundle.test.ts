// parseSharedFlowBundle over zips read with readBundleZip's `sharedflowbundle` root: what parses, what is fatal, what only blocks deploy.
import { describe, expect, it } from 'vitest';
import { parseSharedFlowBundle } from '../../../src/bundle/parse-shared-flow-bundle.js';
import { readBundleZip } from '../../../src/bundle/read-bundle-zip.js';
import { BundleError } from '../../../src/errors.js';
import { createDefaultPolicyRegistry } from '../../../src/policies/default-policy-registry.js';
import { packBundle } from '../../helpers/pack-bundle.js';

const registry = createDefaultPolicyRegistry();
const am = (name: string) => `<AssignMessage name="${name}"><Set><Headers><Header name="x">1</Header></Headers></Set></AssignMessage>`;

async function parse(files: Record<string, string>) {
  return parseSharedFlowBundle(await readBundleZip(await packBundle(files), undefined, { root: 'sharedflowbundle' }), { registry, name: 'sf' });
}

describe('parseSharedFlowBundle', () => {
  it('reads the root, the default SharedFlow with its conditional Steps, policies and resources', async () => {
    const { bundle, problems } = await parse({
      'sharedflowbundle/sf.xml': '<SharedFlowBundle name="ignored"><DisplayName>Shared</DisplayName><Description>checks</Description></SharedFlowBundle>',
      'sharedflowbundle/sharedflows/default.xml': `<SharedFlow name="default">
        <Step><Name>AM-1</Name></Step>
        <Step><Condition>request.verb = "POST"</Condition><Name>AM-2</Name></Step>
      </SharedFlow>`,
      'sharedflowbundle/policies/AM-1.xml': am('AM-1'),
      'sharedflowbundle/policies/AM-2.xml': am('AM-2'),
      'sharedflowbundle/resources/jsc/lib/util.js': 'var x = 1;',
    });
    expect(problems).toEqual([]);
    expect(bundle.displayName).toBe('Shared');
    expect(bundle.description).toBe('checks');
    expect(bundle.sharedFlows).toEqual([{ name: 'default', file: 'sharedflows/default.xml', steps: [{ name: 'AM-1' }, { name: 'AM-2', condition: 'request.verb = "POST"' }] }]);
    expect(bundle.policies.map((p) => [p.name, p.type])).toEqual([['AM-1', 'AssignMessage'], ['AM-2', 'AssignMessage']]);
    expect([...bundle.resources.keys()]).toEqual(['jsc://lib/util.js']);
  });

  it('ignores an apiproxy/ folder: only sharedflowbundle/ is read', async () => {
    const { bundle, problems } = await parse({ 'apiproxy/proxies/default.xml': '<ProxyEndpoint name="default"/>' });
    expect(bundle.sharedFlows).toEqual([]);
    expect(problems).toEqual([{ file: 'sf.xml', message: 'the bundle has no SharedFlow (no sharedflows/*.xml)' }]);
  });

  it('returns deployability problems: a Step naming no policy, a bad Condition, a wrong root, no default among several flows', async () => {
    const { problems } = await parse({
      'sharedflowbundle/sf.xml': '<APIProxy name="sf"/>',
      'sharedflowbundle/sharedflows/one.xml': '<SharedFlow name="one"><Step><Name>Missing</Name><Condition>a ==</Condition></Step></SharedFlow>',
      'sharedflowbundle/sharedflows/two.xml': '<SharedFlow name="two"><Step/></SharedFlow>',
    });
    const messages = problems.map((p) => `${p.file}: ${p.message}`);
    expect(messages).toContain('sf.xml: root element is APIProxy, expected SharedFlowBundle');
    expect(messages).toContain('sf.xml: the bundle has several SharedFlows and none is named default');
    expect(messages).toContain('sharedflows/one.xml: Step Missing refers to a policy that does not exist');
    expect(messages.some((m) => m.startsWith('sharedflows/one.xml: Step Missing in SharedFlow one: invalid Condition'))).toBe(true);
    expect(messages).toContain('sharedflows/two.xml: SharedFlow two: a Step has no Name');
  });

  it('throws BundleError for what cannot be read: malformed XML, an unknown policy type, two root files', async () => {
    const error = await parse({
      'sharedflowbundle/a.xml': '<SharedFlowBundle/>',
      'sharedflowbundle/b.xml': '<SharedFlowBundle/>',
      'sharedflowbundle/sharedflows/default.xml': '<SharedFlow name="default"><Step>',
      'sharedflowbundle/policies/X.xml': '<Teleport name="X"/>',
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BundleError);
    const files = (error as BundleError).problems.map((p) => p.file);
    expect(files).toEqual(expect.arrayContaining(['b.xml', 'sharedflows/default.xml', 'policies/X.xml']));
  });

  it('reports a FlowCallout without a shared flow name as unreadable, naming the element', async () => {
    const error = await parse({
      'sharedflowbundle/sharedflows/default.xml': '<SharedFlow name="default"><Step><Name>FC</Name></Step></SharedFlow>',
      'sharedflowbundle/policies/FC.xml': '<FlowCallout name="FC"/>',
    }).catch((err: unknown) => err);
    expect((error as BundleError).problems).toEqual([{ file: 'policies/FC.xml', message: 'FlowCallout FC: <SharedFlowBundle> is required and must name a shared flow' }]);
  });
});
