// TargetServer: an environment-level named upstream (host, port, TLS) that LoadBalancer <Server> entries refer to.

export interface TargetServerDefinition {
  name: string;
  host: string;
  port: number;
  enabled: boolean;
  ssl?: { enabled: boolean; ignoreValidationErrors: boolean };
}

/** `http(s)://host:port` of a TargetServer; IPv6 literals are bracketed. */
export function toTargetServerOrigin(server: TargetServerDefinition, tlsEnabled: boolean): string {
  const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
  return `${tlsEnabled ? 'https' : 'http'}://${host}:${server.port}`;
}
