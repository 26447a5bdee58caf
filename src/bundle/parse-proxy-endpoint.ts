// Parses one `proxies/*.xml` file into a ProxyEndpointConfig (compat §6.3): flows, RouteRules, HTTPProxyConnection.
import { parseDefaultFaultRule, parseFaultRules, parseFlow, parseFlows, parseProperties, type ReportProblem } from './parse-flows.js';
import type { ProxyEndpointConfig, RouteRuleConfig } from './proxy-bundle.js';
import { attr, childElement, childElements, childText, type XmlElement } from './xml-element.js';

/** Leading `/`, no trailing `/` except for `/` itself. */
export function toBasePath(text: string | undefined): string {
  let path = (text ?? '').trim();
  if (!path.startsWith('/')) path = `/${path}`;
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

function parseRouteRules(el: XmlElement, report: ReportProblem): RouteRuleConfig[] {
  return childElements(el, 'RouteRule').map((rule, i) => {
    const name = attr(rule, 'name') || `RouteRule ${i + 1}`;
    const condition = childText(rule, 'Condition');
    const targetEndpoint = childText(rule, 'TargetEndpoint');
    const url = childText(rule, 'URL');
    if (targetEndpoint !== undefined && url !== undefined) report(`RouteRule ${name} has both a TargetEndpoint and a URL`);
    return {
      name,
      ...(condition !== undefined && { condition }),
      ...(targetEndpoint !== undefined && { targetEndpoint }),
      ...(url !== undefined && { url }),
    };
  });
}

/** `name` is the XML `name` attribute, else the file name without `.xml`. */
export function parseProxyEndpoint(el: XmlElement, file: string, fallbackName: string, report: ReportProblem): ProxyEndpointConfig {
  const name = attr(el, 'name')?.trim() || fallbackName;
  const connection = childElement(el, 'HTTPProxyConnection');
  const basePath = toBasePath(connection && childText(connection, 'BasePath'));
  if (/[\s?#]/.test(basePath)) report(`ProxyEndpoint ${name}: BasePath ${JSON.stringify(basePath)} contains whitespace, "?" or "#"`);
  const virtualHosts = connection ? childElements(connection, 'VirtualHost').map((v) => v.text.trim()).filter((v) => v !== '') : [];
  const defaultFaultRule = parseDefaultFaultRule(el, report);
  return {
    name,
    file,
    basePath,
    virtualHosts,
    properties: parseProperties(connection, `ProxyEndpoint ${name} HTTPProxyConnection`, report),
    preFlow: parseFlow(childElement(el, 'PreFlow'), 'PreFlow', report),
    flows: parseFlows(el, report),
    postFlow: parseFlow(childElement(el, 'PostFlow'), 'PostFlow', report),
    postClientFlow: parseFlow(childElement(el, 'PostClientFlow'), 'PostClientFlow', report),
    faultRules: parseFaultRules(el, report),
    ...(defaultFaultRule && { defaultFaultRule }),
    routeRules: parseRouteRules(el, report),
  };
}
