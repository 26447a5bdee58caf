// Turns the files of a shared flow bundle into the typed SharedFlowBundle, with parseBundle's split of fatal and deployability problems.
import { BundleError, type BundleProblem } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import { parseSteps } from './parse-flows.js';
import { parsePolicy } from './parse-policy.js';
import { parseXml } from './parse-xml.js';
import type { PolicyConfig } from './proxy-bundle.js';
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

interface XmlFile {
  readonly file: string;
  readonly baseName: string;
}

const isXml = (name: string): boolean => name.toLowerCase().endsWith('.xml');

function classifyFiles(files: BundleFiles) {
  const roots: XmlFile[] = [];
  const flows: XmlFile[] = [];
  const policies: XmlFile[] = [];
  const resources = new Map<string, Uint8Array>();
  for (const file of [...files.keys()].sort()) {
    const segments = file.split('/');
    const last = segments[segments.length - 1]!;
    const baseName = last.slice(0, -'.xml'.length);
    if (segments.length === 1 && isXml(last)) roots.push({ file, baseName });
    else if (segments.length === 2 && isXml(last) && segments[0] === 'sharedflows') flows.push({ file, baseName });
    else if (segments.length === 2 && isXml(last) && segments[0] === 'policies') policies.push({ file, baseName });
    else if (segments.length >= 3 && segments[0] === 'resources') resources.set(`${segments[1]}://${segments.slice(2).join('/')}`, files.get(file)!);
  }
  return { roots, flows, policies, resources };
}

function parseSharedFlow(el: XmlElement, { file, baseName }: XmlFile, problems: BundleProblem[]): SharedFlowConfig | undefined {
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
  const { roots, flows, policies, resources } = classifyFiles(files);
  const readXml = ({ file }: XmlFile): XmlElement | undefined => {
    try {
      return parseXml(files.get(file)!);
    } catch (err) {
      fatal.push({ file, message: (err as Error).message });
      return undefined;
    }
  };
  if (roots.length > 1) fatal.push({ file: roots[1]!.file, message: `more than one root XML file directly under sharedflowbundle/: ${roots.map((r) => r.file).join(', ')}` });
  const rootFile = roots[0]?.file ?? `${options.name}.xml`;
  const root = roots.length === 1 ? readXml(roots[0]!) : undefined;
  if (root && root.name !== 'SharedFlowBundle') problems.push({ file: rootFile, message: `root element is ${root.name}, expected SharedFlowBundle` });

  const sharedFlows = flows.flatMap((f) => {
    const el = readXml(f);
    const flow = el && parseSharedFlow(el, f, problems);
    return flow ? [flow] : [];
  });
  const policyConfigs = policies.flatMap((f): PolicyConfig[] => {
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
