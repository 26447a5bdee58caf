import { describe, expect, it } from 'vitest';
import type { CompiledProxyEndpoint, CompiledRevision } from '../../../src/engine/compiled-revision.js';
import { DeployedRevision, toEffectiveBasePath } from '../../../src/dataplane/deployed-revision.js';
import { buildRouteTable, type RouteTarget } from '../../../src/dataplane/route-table.js';

function target(api: string, basePath: string, virtualHosts = ['default'], deploymentBasePath = '/'): RouteTarget {
  const endpoint = { name: 'default', basePath, virtualHosts } as unknown as CompiledProxyEndpoint;
  const compiled = { apiName: api, revision: 1, proxyEndpoints: [endpoint], close: async () => {} } as unknown as CompiledRevision;
  const deployed = new DeployedRevision(compiled, deploymentBasePath);
  return { deployed, endpoint, basePath: deployed.effectiveBasePath(endpoint) };
}

describe('buildRouteTable', () => {
  const table = buildRouteTable([target('a', '/a'), target('ab', '/a/b'), target('root', '/'), target('colon', '/x:y'), target('secure-only', '/s', ['secure'])]);
  const cases: Array<[string, string, string | undefined, string | undefined]> = [
    ['default', '/a', 'a', ''],
    ['default', '/a/', 'a', '/'],
    ['default', '/a/c/d', 'a', '/c/d'],
    ['default', '/a/b', 'ab', ''],
    ['default', '/a/b/c', 'ab', '/c'],
    ['default', '/ab', 'root', '/ab'],
    ['default', '/', 'root', ''],
    ['default', '/x:y/z', 'colon', '/z'],
    ['default', '/a/b%20c', 'a', '/b%20c'],
    ['default', '/s', 'root', '/s'],
    ['secure', '/s/1', 'secure-only', '/1'],
    ['secure', '/a', undefined, undefined],
    ['other', '/a', undefined, undefined],
  ];
  it.each(cases)('%s %s → %s (suffix %s)', (vhost, path, api, suffix) => {
    const match = table.lookup(vhost, path);
    expect(match?.target.deployed.compiled.apiName).toBe(api);
    expect(match?.pathSuffix).toBe(suffix);
  });

  it('matches on segment boundaries only', () => {
    const t = buildRouteTable([target('a', '/a')]);
    expect(t.lookup('default', '/ab')).toBeUndefined();
    expect(t.lookup('default', '/A')).toBeUndefined();
  });

  it('refuses the same base path twice on one virtual host', () => {
    expect(() => buildRouteTable([target('a', '/a'), target('b', '/a')])).toThrow(/deployed twice/);
    expect(() => buildRouteTable([target('a', '/a', ['default']), target('b', '/a', ['secure'])])).not.toThrow();
  });

  it('joins deployment and endpoint base paths with one slash', () => {
    expect(toEffectiveBasePath('/', '/t')).toBe('/t');
    expect(toEffectiveBasePath('/x', '/t')).toBe('/x/t');
    expect(toEffectiveBasePath('/x', '/')).toBe('/x');
    expect(toEffectiveBasePath('/', '/')).toBe('/');
    expect(buildRouteTable([target('p', '/t', ['default'], '/x')]).lookup('default', '/x/t/t1')?.pathSuffix).toBe('/t1');
  });
});

describe('DeployedRevision in-flight tracking', () => {
  it('resolves whenIdle once the last request is released', async () => {
    const { deployed } = target('a', '/a');
    deployed.acquire();
    deployed.acquire();
    let idle = false;
    const waiting = deployed.whenIdle().then(() => { idle = true; });
    deployed.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    deployed.release();
    await waiting;
    expect(idle).toBe(true);
    expect(deployed.inflight).toBe(0);
  });
});
