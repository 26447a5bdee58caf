// Parses the flow parts shared by ProxyEndpoint and TargetEndpoint: Steps, flows, FaultRules, DefaultFaultRule, Properties.
import type { DefaultFaultRuleConfig, FaultRuleConfig, FlowConfig, StepConfig } from './proxy-bundle.js';
import { attr, childElement, childElements, childText, toBoolean, type XmlElement } from './xml-element.js';

/** Records one deployability problem of the file being parsed. */
export type ReportProblem = (message: string) => void;

/** The `<Step>` children of `container`; element order inside a Step never matters. */
export function parseSteps(container: XmlElement | undefined, where: string, report: ReportProblem): StepConfig[] {
  if (!container) return [];
  const steps: StepConfig[] = [];
  for (const step of childElements(container, 'Step')) {
    const name = childText(step, 'Name');
    if (name === undefined) {
      report(`${where}: a Step has no Name`);
      continue;
    }
    const condition = childText(step, 'Condition');
    steps.push(condition === undefined ? { name } : { name, condition });
  }
  return steps;
}

/** A PreFlow, PostFlow, PostClientFlow or conditional Flow; an absent element is an empty flow named `defaultName`. */
export function parseFlow(el: XmlElement | undefined, defaultName: string, report: ReportProblem): FlowConfig {
  const name = (el && attr(el, 'name')) || defaultName;
  if (!el) return { name, request: [], response: [] };
  const condition = childText(el, 'Condition');
  const flow: FlowConfig = {
    name,
    request: parseSteps(childElement(el, 'Request'), `${name} Request`, report),
    response: parseSteps(childElement(el, 'Response'), `${name} Response`, report),
  };
  return condition === undefined ? flow : { ...flow, condition };
}

/** `<Flows><Flow name>…` in document order: the first matching Flow runs (compat §7.2). */
export function parseFlows(endpoint: XmlElement, report: ReportProblem): FlowConfig[] {
  const flows = childElement(endpoint, 'Flows');
  if (!flows) return [];
  return childElements(flows, 'Flow').map((flow, i) => parseFlow(flow, `Flow ${i + 1}`, report));
}

/** `<FaultRules><FaultRule name>`: a Condition plus the Steps directly inside the rule. */
export function parseFaultRules(endpoint: XmlElement, report: ReportProblem): FaultRuleConfig[] {
  const rules = childElement(endpoint, 'FaultRules');
  if (!rules) return [];
  return childElements(rules, 'FaultRule').map((rule, i) => {
    const name = attr(rule, 'name') || `FaultRule ${i + 1}`;
    const condition = childText(rule, 'Condition');
    const config: FaultRuleConfig = { name, steps: parseSteps(rule, `FaultRule ${name}`, report) };
    return condition === undefined ? config : { ...config, condition };
  });
}

export function parseDefaultFaultRule(endpoint: XmlElement, report: ReportProblem): DefaultFaultRuleConfig | undefined {
  const rule = childElement(endpoint, 'DefaultFaultRule');
  if (!rule) return undefined;
  const name = attr(rule, 'name') || 'DefaultFaultRule';
  return { name, steps: parseSteps(rule, `DefaultFaultRule ${name}`, report), alwaysEnforce: toBoolean(childText(rule, 'AlwaysEnforce'), false) };
}

/** `<Properties><Property name="…">value</Property>`; values are literal (compat §6.4). */
export function parseProperties(parent: XmlElement | undefined, where: string, report: ReportProblem): Map<string, string> {
  const properties = new Map<string, string>();
  const container = parent && childElement(parent, 'Properties');
  if (!container) return properties;
  for (const property of childElements(container, 'Property')) {
    const name = attr(property, 'name')?.trim();
    if (!name) report(`${where}: a Property has no name attribute`);
    else properties.set(name, property.text.trim());
  }
  return properties;
}
