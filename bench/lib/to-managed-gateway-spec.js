// The gateway child's spec for benchmarks that drive Baton through its management API, and its data-plane URL.

/** Baton's built-in administrator (config `admin.user` default). */
export const ADMIN_USER = 'admin@baton.local';

/**
 * One organization with one environment and one plain-HTTP virtual host `default`, the management API on with a
 * password, nothing deployed; log level `warn` so what is measured is not log writing.
 * @param {{ organization: string, environment: string, adminPassword: string, revisionHeader: boolean }} options
 */
export function toManagedGatewaySpec(options) {
  return {
    config: {
      admin: { host: '127.0.0.1', port: 0, user: ADMIN_USER, password: options.adminPassword },
      organizations: [{
        name: options.organization,
        environments: [{ name: options.environment, virtualHosts: [{ name: 'default', host: '127.0.0.1', port: 0 }] }],
      }],
      dataplane: { revisionHeader: options.revisionHeader },
      timeouts: { shutdownGraceMs: 1_000 },
      logging: { level: 'warn' },
      demoTargets: { enabled: false },
      samples: { enabled: false },
    },
    deploy: [],
  };
}

/**
 * The data-plane URL of the only virtual host of `toManagedGatewaySpec`'s gateway.
 * @param {import('./start-child.js').StartedChild} gateway
 * @param {{ organization: string, environment: string }} options
 */
export function toDataPlaneUrl(gateway, options) {
  const urls = /** @type {Record<string, string>} */ (gateway.ready.urls);
  const url = urls[`${options.organization}/${options.environment}/default`];
  if (!url) throw new Error(`the gateway reported no listener for ${options.organization}/${options.environment}/default`);
  return url;
}
