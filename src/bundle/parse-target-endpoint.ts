// Parses one `targets/*.xml` file into a TargetEndpointConfig (compat §6.4): flows plus HTTPTargetConnection.
import { parseDefaultFaultRule, parseFaultRules, parseFlow, parseFlows, parseProperties, type ReportProblem } from './parse-flows.js';
import type { HttpTargetConnectionConfig, LoadBalancerAlgorithm, LoadBalancerConfig, LoadBalancerServerConfig, SslInfoConfig, TargetEndpointConfig } from './proxy-bundle.js';
import { attr, childElement, childElements, childText, toBoolean, type XmlElement } from './xml-element.js';

const algorithms: readonly LoadBalancerAlgorithm[] = ['RoundRobin', 'Weighted', 'LeastConnections'];

/** A problem message when `text` is not an absolute http(s) URL, else undefined. */
export function checkHttpUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `URL ${JSON.stringify(text)} is not a valid absolute URL`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `URL ${JSON.stringify(text)} is not an http or https URL`;
}

/** A non-negative integer, or undefined when `text` is not one. */
function toCount(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** A setting written as a child element (`<Weight>2</Weight>`) or an attribute (`weight="2"`). */
function childOrAttr(el: XmlElement, element: string, attribute: string): string | undefined {
  return childText(el, element) ?? attr(el, attribute)?.trim();
}

export function parseLoadBalancer(el: XmlElement, where: string, report: ReportProblem): LoadBalancerConfig {
  const algorithmText = childText(el, 'Algorithm') ?? 'RoundRobin';
  const algorithm = algorithms.find((a) => a === algorithmText);
  if (!algorithm) report(`${where}: LoadBalancer Algorithm ${JSON.stringify(algorithmText)} is not one of ${algorithms.join(', ')}`);
  const servers: LoadBalancerServerConfig[] = [];
  for (const server of childElements(el, 'Server')) {
    const name = attr(server, 'name')?.trim();
    if (!name) {
      report(`${where}: a LoadBalancer Server has no name attribute`);
      continue;
    }
    const weightText = childOrAttr(server, 'Weight', 'weight') ?? '1';
    const weight = toCount(weightText);
    if (weight === undefined || weight < 1) report(`${where}: Server ${name} Weight ${JSON.stringify(weightText)} is not a positive integer`);
    servers.push({ name, weight: weight && weight >= 1 ? weight : 1, isFallback: toBoolean(childOrAttr(server, 'IsFallback', 'isFallback'), false) });
  }
  if (servers.length === 0) report(`${where}: LoadBalancer has no Server`);
  const maxFailuresText = childText(el, 'MaxFailures') ?? '0';
  const maxFailures = toCount(maxFailuresText);
  if (maxFailures === undefined) report(`${where}: LoadBalancer MaxFailures ${JSON.stringify(maxFailuresText)} is not a non-negative integer`);
  return { algorithm: algorithm ?? 'RoundRobin', servers, maxFailures: maxFailures ?? 0, retryEnabled: toBoolean(childText(el, 'RetryEnabled'), true) };
}

export function parseSslInfo(el: XmlElement): SslInfoConfig {
  return {
    enabled: toBoolean(childText(el, 'Enabled'), false),
    ignoreValidationErrors: toBoolean(childText(el, 'IgnoreValidationErrors'), false),
    clientAuthEnabled: toBoolean(childText(el, 'ClientAuthEnabled'), false),
  };
}

function parseConnection(endpoint: XmlElement, where: string, report: ReportProblem): HttpTargetConnectionConfig {
  const el = childElement(endpoint, 'HTTPTargetConnection');
  if (!el) {
    const local = childElement(endpoint, 'LocalTargetConnection') !== undefined;
    report(local ? `${where}: LocalTargetConnection is not supported` : `${where} has no HTTPTargetConnection`);
    return { properties: new Map() };
  }
  const url = childText(el, 'URL');
  const balancer = childElement(el, 'LoadBalancer');
  if (url === undefined && !balancer) report(`${where} has neither a URL nor a LoadBalancer`);
  if (url !== undefined && balancer) report(`${where} has both a URL and a LoadBalancer`);
  if (url !== undefined) {
    const problem = checkHttpUrl(url);
    if (problem) report(`${where}: ${problem}`);
  }
  const path = childText(el, 'Path');
  const ssl = childElement(el, 'SSLInfo');
  return {
    ...(url !== undefined && { url }),
    ...(balancer && { loadBalancer: parseLoadBalancer(balancer, where, report) }),
    ...(path !== undefined && { path }),
    properties: parseProperties(el, `${where} HTTPTargetConnection`, report),
    ...(ssl && { ssl: parseSslInfo(ssl) }),
  };
}

/** `name` is the XML `name` attribute, else the file name without `.xml`. */
export function parseTargetEndpoint(el: XmlElement, file: string, fallbackName: string, report: ReportProblem): TargetEndpointConfig {
  const name = attr(el, 'name')?.trim() || fallbackName;
  const defaultFaultRule = parseDefaultFaultRule(el, report);
  return {
    name,
    file,
    preFlow: parseFlow(childElement(el, 'PreFlow'), 'PreFlow', report),
    flows: parseFlows(el, report),
    postFlow: parseFlow(childElement(el, 'PostFlow'), 'PostFlow', report),
    faultRules: parseFaultRules(el, report),
    ...(defaultFaultRule && { defaultFaultRule }),
    connection: parseConnection(el, `TargetEndpoint ${name}`, report),
  };
}
