import { describe, expect, it } from 'vitest';
import type { CompiledProxyEndpoint, CompiledRevision } from '../../../src/engine/compiled-revision.js';
import { DeployedRevision, toEffectiveBasePath } from '../../../src/dataplane/deployed-revision.js';
import { buildRouteTable, RouteTable, type RouteTarget } from '../../../src/dataplane/route-table.js';

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

describe('RouteTable.apply', () => {
  it('replaces a target at the same base path in one step', () => {
    const one = target('p', '/p');
    const two = target('p2', '/p');
    const table = buildRouteTable([one]);
    table.apply({ add: [two], remove: [one] });
    expect(table.lookup('default', '/p/x')?.target).toBe(two);
  });

  it('changes nothing when one of the changes is refused', () => {
    const table = buildRouteTable([target('a', '/a')]);
    const fresh = target('b', '/b');
    expect(() => table.apply({ add: [fresh, target('a2', '/a')] })).toThrow(/deployed twice/);
    expect(table.lookup('default', '/b')).toBeUndefined();
    expect(table.lookup('default', '/a')?.target.deployed.compiled.apiName).toBe('a');
  });

  it('keeps a target that another removal does not own', () => {
    const table = new RouteTable();
    const a = target('a', '/a');
    table.apply({ add: [a] });
    table.apply({ remove: [target('stale', '/a')] });
    expect(table.lookup('default', '/a')?.target).toBe(a);
  });

  it('answers undefined for a path that is not absolute', () => {
    expect(buildRouteTable([target('root', '/')]).lookup('default', 'x')).toBeUndefined();
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
