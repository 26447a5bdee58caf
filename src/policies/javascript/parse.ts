// Javascript at import: XML → JavascriptConfig; resources resolved and the code compiled (not run) so that every problem is reported with its file.
import { attr, childElement, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import { decodeScript, findSyntaxError, toScriptBody, type ScriptFile } from './to-script-body.js';

export interface JavascriptConfig {
  /** `timeLimit`: the longest a run may take, in milliseconds. */
  readonly timeLimitMs: number;
  /** `jsc://<file>` of the main script; undefined when the code is inline in `<Source>`. */
  readonly resourceUrl: string | undefined;
  /** `jsc://<file>` of each IncludeURL, run before the main script in its scope. */
  readonly includeUrls: readonly string[];
  /** Inline code of `<Source>` (used when there is no ResourceURL). */
  readonly source: string | undefined;
  /** `<Properties>`, read by scripts as `properties.<name>`. */
  readonly properties: ReadonlyArray<readonly [string, string]>;
}

/** (unconfirmed: our choice) Apigee requires timeLimit; a policy without one gets Apigee's usual example value. */
export const DEFAULT_TIME_LIMIT_MS = 200;

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'ResourceURL', 'IncludeURL', 'Source']);
const RESOURCE_URL = /^jsc:\/\/[^/\\]/;

export function parseJavascript(el: XmlElement, ctx: PolicyParseContext): JavascriptConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const resourceUrls = childElements(el, 'ResourceURL');
  if (resourceUrls.length > 1) report(`<ResourceURL> appears ${resourceUrls.length} times; expected at most once`);
  const sources = childElements(el, 'Source');
  if (sources.length > 1) report(`<Source> appears ${sources.length} times; expected at most once`);
  const resourceUrl = resourceUrls[0]?.text.trim() || undefined;
  const source = sources[0]?.text;
  const config: JavascriptConfig = {
    timeLimitMs: parseTimeLimit(attr(el, 'timeLimit'), report),
    resourceUrl,
    includeUrls: childElements(el, 'IncludeURL').map((include) => include.text.trim()),
    source: source !== undefined && source.trim() !== '' ? source : undefined,
    properties: parseProperties(el, report),
  };
  if (config.resourceUrl === undefined && config.source === undefined) report('<ResourceURL> (jsc://<file>.js) or <Source> is required');
  const { files, problems } = readScriptFiles(config, ctx.resources);
  for (const problem of problems) report(problem);
  if (problems.length === 0 && files.length > 0) {
    const syntaxError = findSyntaxError(toScriptBody(files));
    if (syntaxError) report(`JavaScript compilation failed: ${syntaxError}`);
  }
  return config;
}

/** The policy's code in run order (IncludeURLs, then ResourceURL or Source), with a problem for each file that is not there. */
export function readScriptFiles(config: JavascriptConfig, resources: ReadonlyMap<string, Uint8Array>): { files: ScriptFile[]; problems: string[] } {
  const files: ScriptFile[] = [];
  const problems: string[] = [];
  const read = (element: string, url: string): void => {
    if (!RESOURCE_URL.test(url)) {
      problems.push(`<${element}> must be jsc://<file>.js, got "${url}"`);
      return;
    }
    const bytes = resources.get(url);
    if (!bytes) {
      problems.push(`<${element}> ${url}: no such resource (expected apiproxy/resources/jsc/${url.slice('jsc://'.length)})`);
      return;
    }
    files.push({ name: url.slice('jsc://'.length), text: decodeScript(bytes) });
  };
  for (const url of config.includeUrls) read('IncludeURL', url);
  // (unconfirmed: our choice) With both present, the ResourceURL is the script and <Source> is ignored.
  if (config.resourceUrl !== undefined) read('ResourceURL', config.resourceUrl);
  else if (config.source !== undefined) files.push({ name: 'Source', text: config.source });
  return { files, problems };
}

function parseTimeLimit(text: string | undefined, report: PolicyReport): number {
  if (text === undefined) return DEFAULT_TIME_LIMIT_MS;
  const value = text.trim();
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3_600_000) {
    report(`timeLimit must be a whole number of milliseconds from 1 to 3600000, got "${text}"`);
    return DEFAULT_TIME_LIMIT_MS;
  }
  return Number(value);
}

function parseProperties(el: XmlElement, report: PolicyReport): Array<[string, string]> {
  const container = childElement(el, 'Properties');
  if (!container) return [];
  const properties: Array<[string, string]> = [];
  for (const child of container.children) {
    if (child.name !== 'Property') {
      report(`<${child.name}> is not supported inside <Properties>`);
      continue;
    }
    const name = attr(child, 'name')?.trim();
    if (!name) {
      report('<Property> inside <Properties> needs a name attribute');
      continue;
    }
    properties.push([name, child.text.trim()]);
  }
  return properties;
}
