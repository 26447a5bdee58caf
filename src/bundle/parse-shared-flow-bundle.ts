// Turns the files of a shared flow bundle into the typed SharedFlowBundle, with parseBundle's split of fatal and deployability problems.
import { BundleError, type BundleProblem } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import { classifyBundleFiles, type BundleXmlFile } from './classify-bundle-files.js';
import { parseSteps } from './parse-flows.js';
import { parsePolicy } from './parse-policy.js';
import type { PolicyConfig } from './proxy-bundle.js';
import { readBundleXml } from './read-bundle-xml.js';
import type { BundleFiles } from './read-bundle-zip.js';
import { toEntrySharedFlow, type SharedFlowBundle, type SharedFlowConfig } from './shared-flow-bundle.js';
import { checkSteps, checkUniqueNames } from './validate-bundle.js';
import { attr, childText, type XmlElement } from './xml-element.js';

export interface ParsedSharedFlowBundle {
  readonly bundle: SharedFlowBundle;
  /** Deployability problems: validate=true answers 400 with them, deploy refuses the revision. */
  readonly problems: BundleProblem[];
}

export interface ParseSharedFlowBundleOptions {
  readonly registry: PolicyRegistry;
  /** The import's `name` parameter: the shared flow's name, whatever the root file says. */
  readonly name: string;
}

function parseSharedFlow(el: XmlElement, { file, baseName }: BundleXmlFile, problems: BundleProblem[]): SharedFlowConfig | undefined {
  if (el.name !== 'SharedFlow') {
    problems.push({ file, message: `root element is ${el.name}, expected SharedFlow` });
    return undefined;
  }
  const name = attr(el, 'name')?.trim() || baseName;
  return { name, file, steps: parseSteps(el, `SharedFlow ${name}`, (message) => problems.push({ file, message })) };
}

function validate(bundle: SharedFlowBundle, rootFile: string): BundleProblem[] {
  const problems: BundleProblem[] = [];
  if (bundle.sharedFlows.length === 0) problems.push({ file: rootFile, message: 'the bundle has no SharedFlow (no sharedflows/*.xml)' });
  else if (!toEntrySharedFlow(bundle)) problems.push({ file: rootFile, message: 'the bundle has several SharedFlows and none is named default' });
  checkUniqueNames(bundle.policies, 'policy', problems);
  checkUniqueNames(bundle.sharedFlows, 'SharedFlow', problems);
  const policies = new Set(bundle.policies.map((p) => p.name));
  for (const flow of bundle.sharedFlows) checkSteps(flow.steps, `SharedFlow ${flow.name}`, policies, (message) => problems.push({ file: flow.file, message }));
  return problems;
}

/**
 * Parses a shared flow bundle (files keyed by their path inside `sharedflowbundle/`). Throws BundleError (400) when
 * it cannot be read: malformed XML, several root files, an unknown policy type or a policy its type could not parse.
 * What only makes it undeployable (no SharedFlow, a Step naming no policy, a bad Condition) is returned in `problems`.
 */
export function parseSharedFlowBundle(files: BundleFiles, options: ParseSharedFlowBundleOptions): ParsedSharedFlowBundle {
  const fatal: BundleProblem[] = [];
  const problems: BundleProblem[] = [];
  const { roots, folders, resources } = classifyBundleFiles(files, ['sharedflows', 'policies']);
  const readXml = ({ file }: BundleXmlFile): XmlElement | undefined => readBundleXml(files, file, fatal);
  if (roots.length > 1) fatal.push({ file: roots[1]!.file, message: `more than one root XML file directly under sharedflowbundle/: ${roots.map((r) => r.file).join(', ')}` });
  const rootFile = roots[0]?.file ?? `${options.name}.xml`;
  const root = roots.length === 1 ? readXml(roots[0]!) : undefined;
  if (root && root.name !== 'SharedFlowBundle') problems.push({ file: rootFile, message: `root element is ${root.name}, expected SharedFlowBundle` });

  const sharedFlows = folders.sharedflows.flatMap((f) => {
    const el = readXml(f);
    const flow = el && parseSharedFlow(el, f, problems);
    return flow ? [flow] : [];
  });
  const policyConfigs = folders.policies.flatMap((f): PolicyConfig[] => {
    const el = readXml(f);
    if (!el) return [];
    const result = parsePolicy(el, f.file, f.baseName, options.registry, resources);
    fatal.push(...result.fatal);
    problems.push(...result.problems);
    return result.policy ? [result.policy] : [];
  });
  if (fatal.length > 0) throw new BundleError(fatal);

  const displayName = root && childText(root, 'DisplayName');
  const description = root && childText(root, 'Description');
  const bundle: SharedFlowBundle = {
    ...(displayName !== undefined && { displayName }),
    ...(description !== undefined && { description }),
    sharedFlows,
    policies: policyConfigs,
    resources,
    files: new Map(files),
  };
  problems.push(...validate(bundle, rootFile));
  return { bundle, problems };
}
