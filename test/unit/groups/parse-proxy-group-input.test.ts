// A proxy group's JSON body and settings → typed input, or every problem naming its field.
import { describe, expect, it } from 'vitest';
import { parseProxyGroupInput } from '../../../src/groups/parse-proxy-group-input.js';

describe('parseProxyGroupInput', () => {
  it('reads members as names or objects, revisions as numbers, strings or latest, and normalizes base paths', () => {
    const { input, problems } = parseProxyGroupInput({
      name: 'shop', description: 'd', deployDelaySeconds: 30,
      members: ['orders', { api: 'billing', revision: '3', basePath: 'billing/' }, { api: 'users', revision: 'latest' }, { api: 'stock', revision: 2 }],
    });
    expect(problems).toEqual([]);
    expect(input).toEqual({
      name: 'shop', description: 'd', deployDelaySeconds: 30, settings: {},
      members: [{ api: 'orders' }, { api: 'billing', revision: 3, basePath: '/billing' }, { api: 'users' }, { api: 'stock', revision: 2 }],
    });
  });

  it('takes the name from the path on a replace and refuses a different one', () => {
    expect(parseProxyGroupInput({ members: ['a'] }, 'shop').input?.name).toBe('shop');
    expect(parseProxyGroupInput({ name: 'other', members: ['a'] }, 'shop').problems).toEqual(['name: "other" differs from the group in the path (shop); groups cannot be renamed']);
  });

  it('reports every problem of a bad body at once', () => {
    const { input, problems } = parseProxyGroupInput({
      name: '..', description: 7, deployDelaySeconds: -1, colour: 'red',
      members: [{ api: 'a', revision: 0 }, { api: 'b', basePath: '/has space' }, 42, { revision: 1 }],
    });
    expect(input).toBeUndefined();
    expect(problems).toEqual([
      'colour: unknown field; expected one of name, description, members, settings, deployDelaySeconds',
      'name: expected a group name (A-Za-z0-9._-, at most 255), got ".."',
      'description: expected a text of at most 1024 characters',
      'deployDelaySeconds: expected an integer from 0 to 2147482, got -1',
      'members[0].revision: expected a revision number or "latest", got 0',
      'members[1].basePath: expected a base path such as /orders, got "/has space"',
      'members[2]: expected a proxy name or {"api", "revision", "basePath"}, got 42',
      'members[3].api: expected an API proxy name (A-Za-z0-9._-), got undefined',
    ]);
    expect(parseProxyGroupInput({ name: 'g', members: [] }).problems).toEqual(['members: expected a list of 1 to 100 proxies, got []']);
    expect(parseProxyGroupInput({ name: 'g', members: Array.from({ length: 101 }, (_, i) => `p${i}`) }).problems[0]).toMatch(/^members: expected a list of 1 to 100 proxies/);
  });
});
