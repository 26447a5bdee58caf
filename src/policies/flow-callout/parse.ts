// FlowCallout at import: XML → FlowCalloutConfig (the shared flow to call and the parameters to set first).
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';

/** One `<Parameter name>`: set as a flow variable before the shared flow runs. */
export interface FlowCalloutParameter {
  readonly name: string;
  /** Variable whose value is passed; when it is unset the literal (if any) is used instead. */
  readonly ref?: string;
  /** The `value` attribute, else the element's text. */
  readonly value?: string;
}

export interface FlowCalloutConfig {
  /** Name of the shared flow (its bundle) to run, deployed in the same environment. */
  readonly sharedFlowBundle: string;
  readonly parameters: readonly FlowCalloutParameter[];
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'SharedFlowBundle', 'Parameters']);
// Shared flow names follow API proxy names (compat §1.5).
const SHARED_FLOW_NAME = /^[A-Za-z0-9._-]{1,255}$/;

function parseParameters(el: XmlElement, report: (message: string) => void): FlowCalloutParameter[] {
  const containers = childElements(el, 'Parameters');
  if (containers.length > 1) report(`<Parameters> appears ${containers.length} times; expected at most once`);
  const container = containers[0];
  if (!container) return [];
  reportUnknownChildren(container, new Set(['Parameter']), report);
  return childElements(container, 'Parameter').flatMap((parameter): FlowCalloutParameter[] => {
    const name = attr(parameter, 'name')?.trim();
    if (!name) {
      report('a <Parameter> has no name attribute');
      return [];
    }
    const ref = attr(parameter, 'ref')?.trim() || undefined;
    const value = attr(parameter, 'value') ?? (parameter.text.trim() === '' && ref !== undefined ? undefined : parameter.text.trim());
    return [{ name, ...(ref !== undefined && { ref }), ...(value !== undefined && { value }) }];
  });
}

export function parseFlowCallout(el: XmlElement, ctx: PolicyParseContext): FlowCalloutConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const bundles = childElements(el, 'SharedFlowBundle');
  if (bundles.length > 1) report(`<SharedFlowBundle> appears ${bundles.length} times; expected once`);
  const sharedFlowBundle = bundles[0]?.text.trim() ?? '';
  if (sharedFlowBundle === '') report('<SharedFlowBundle> is required and must name a shared flow');
  else if (!SHARED_FLOW_NAME.test(sharedFlowBundle)) report(`<SharedFlowBundle> "${sharedFlowBundle}" is not a valid shared flow name (A-Za-z0-9._-)`);
  return { sharedFlowBundle, parameters: parseParameters(el, report) };
}
