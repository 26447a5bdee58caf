// Turns the files of a bundle into the typed ProxyBundle: unreadable input throws, deployability problems are returned.
import { BundleError, type BundleProblem } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import { classifyBundleFiles, type BundleXmlFile } from './classify-bundle-files.js';
import { parsePolicy } from './parse-policy.js';
import { parseProxyEndpoint } from './parse-proxy-endpoint.js';
import { parseTargetEndpoint } from './parse-target-endpoint.js';
import type { PolicyConfig, ProxyBundle, ProxyEndpointConfig, TargetEndpointConfig } from './proxy-bundle.js';
import { readBundleXml } from './read-bundle-xml.js';
import type { BundleFiles } from './read-bundle-zip.js';
import { validateBundle } from './validate-bundle.js';
import { childText, type XmlElement } from './xml-element.js';

export interface ParsedBundle {
  readonly bundle: ProxyBundle;
  /** Deployability problems: validate=true answers 400 with them, deploy refuses the revision. */
  readonly problems: BundleProblem[];
}

export interface ParseBundleOptions {
  readonly registry: PolicyRegistry;
  /** The import's `name` parameter (compat §2.2 rule 1); names the synthesized root when the bundle has none. */
  readonly apiName: string;
}

function parseRoot(root: XmlElement | undefined, file: string, problems: BundleProblem[]): Pick<ProxyBundle, 'displayName' | 'description' | 'basepaths'> {
  if (!root) return { basepaths: [] };
  if (root.name !== 'APIProxy') problems.push({ file, message: `root element is ${root.name}, expected APIProxy` });
  const displayName = childText(root, 'DisplayName');
  const description = childText(root, 'Description');
  // Documentation only (compat §6.2): the ProxyEndpoints' BasePaths are what routes.
  const basepaths = (childText(root, 'Basepaths') ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  return { ...(displayName !== undefined && { displayName }), ...(description !== undefined && { description }), basepaths };
}

const xmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** A copy of `files`, plus the synthesized root (compat §2.2 rule 3) so that an export holds one, when the name makes a plain file name. */
function withRoot(files: BundleFiles, synthesizedFile: string | undefined, apiName: string): Map<string, Uint8Array> {
  const copy = new Map(files);
  if (synthesizedFile !== undefined && /^[\w.$ -]+\.xml$/.test(synthesizedFile) && !synthesizedFile.startsWith('.')) {
    const name = apiName.replace(/[&<>"]/g, (c) => xmlEscapes[c]!);
    copy.set(synthesizedFile, new TextEncoder().encode(`<APIProxy name="${name}"/>\n`));
  }
  return copy;
}

/**
 * Parses a bundle. Throws BundleError (400) when it cannot be read: malformed XML or a DOCTYPE in any XML file,
 * several root XML files, an unknown policy type, or a policy its type could not parse. Everything that only makes
 * the bundle undeployable is returned in `problems`, so a root-only bundle (compat §2.2 rule 4) parses.
 */
export function parseBundle(files: BundleFiles, options: ParseBundleOptions): ParsedBundle {
  const fatal: BundleProblem[] = [];
  const problems: BundleProblem[] = [];
  const { roots, folders, resources } = classifyBundleFiles(files, ['proxies', 'targets', 'policies']);
  const readXml = ({ file }: BundleXmlFile): XmlElement | undefined => readBundleXml(files, file, fatal);
  if (roots.length > 1) fatal.push({ file: roots[1]!.file, message: `more than one root XML file directly under apiproxy/: ${roots.map((r) => r.file).join(', ')}` });
  // compat §2.2 rule 3: no root file means a synthesized `<APIProxy name="{api}"/>`, which holds nothing to read.
  const rootFile = roots[0]?.file ?? `${options.apiName}.xml`;
  const rootElement = roots.length === 1 ? readXml(roots[0]!) : undefined;

  const parsed = <T>(list: readonly BundleXmlFile[], parse: (el: XmlElement, f: BundleXmlFile) => T | undefined): T[] =>
    list.flatMap((f) => {
      const el = readXml(f);
      const value = el && parse(el, f);
      return value === undefined ? [] : [value];
    });
  const expectRoot = (el: XmlElement, file: string, name: string): boolean => {
    if (el.name === name) return true;
    problems.push({ file, message: `root element is ${el.name}, expected ${name}` });
    return false;
  };
  const proxyEndpoints = parsed<ProxyEndpointConfig>(folders.proxies, (el, { file, baseName }) =>
    expectRoot(el, file, 'ProxyEndpoint') ? parseProxyEndpoint(el, file, baseName, (message) => problems.push({ file, message })) : undefined);
  const targetEndpoints = parsed<TargetEndpointConfig>(folders.targets, (el, { file, baseName }) =>
    expectRoot(el, file, 'TargetEndpoint') ? parseTargetEndpoint(el, file, baseName, (message) => problems.push({ file, message })) : undefined);
  const policyConfigs = parsed<PolicyConfig>(folders.policies, (el, { file, baseName }) => {
    const result = parsePolicy(el, file, baseName, options.registry, resources);
    fatal.push(...result.fatal);
    problems.push(...result.problems);
    return result.policy;
  });
  const root = parseRoot(rootElement, rootFile, problems);
  if (fatal.length > 0) throw new BundleError(fatal);

  const bundle: ProxyBundle = {
    ...root,
    proxyEndpoints,
    targetEndpoints,
    policies: policyConfigs,
    resources,
    files: withRoot(files, roots.length === 0 ? rootFile : undefined, options.apiName),
  };
  problems.push(...validateBundle(bundle, rootFile));
  return { bundle, problems };
}
