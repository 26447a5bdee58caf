// Starts the local demo target servers (`demo-a`, `demo-b`, …) the sample bundles call, one per configured port.
import { ConfigError } from '../errors.js';
import { createDemoTarget, type DemoTarget } from './create-demo-target.js';

export interface StartedDemoTargets {
  readonly targets: Array<{ name: string; port: number }>;
  close(): Promise<void>;
}

/** `demo-a` … `demo-z`, then `demo-aa`, `demo-ab`, … (spreadsheet-column style, so names never collide). */
export function toDemoTargetName(index: number): string {
  let suffix = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    suffix = String.fromCharCode(97 + ((n - 1) % 26)) + suffix;
  }
  return `demo-${suffix}`;
}

export async function startDemoTargets(options: { host: string; ports: readonly number[] }): Promise<StartedDemoTargets> {
  const servers: DemoTarget[] = options.ports.map((port, index) => createDemoTarget({ name: toDemoTargetName(index), host: options.host, port }));
  const results = await Promise.allSettled(servers.map((server) => server.listen()));

  const problems: string[] = [];
  let unexpected: unknown;
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const port = options.ports[index];
    const code = (result.reason as { code?: unknown } | null)?.code;
    const where = `demoTargets.ports[${index}]`;
    if (code === 'EADDRINUSE') {
      problems.push(`${where}: port ${port} on ${options.host} is already in use (another Baton or another program?); free it, change demoTargets.ports, or set demoTargets.enabled to false`);
    } else if (code === 'EACCES') {
      problems.push(`${where}: no permission to listen on port ${port} on ${options.host}; choose a port above 1023 in demoTargets.ports`);
    } else if (code === 'EADDRNOTAVAIL') {
      problems.push(`demoTargets.host: ${options.host} is not an address of this machine (port ${port})`);
    } else {
      unexpected ??= result.reason;
    }
  });

  if (problems.length > 0 || unexpected !== undefined) {
    // Leave nothing listening behind: the caller gets an error, not a half-started set.
    await Promise.all(servers.map((server) => server.close()));
    if (problems.length > 0) throw new ConfigError(problems);
    throw new Error(`demo targets could not start on ${options.host}`, { cause: unexpected });
  }

  const targets = results.map((result, index) => ({
    name: toDemoTargetName(index),
    port: (result as PromiseFulfilledResult<{ port: number }>).value.port,
  }));
  return {
    targets,
    async close() {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
