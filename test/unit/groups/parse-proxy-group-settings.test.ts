// A proxy group's settings (CORS, response caching) → canonical typed settings, or every problem naming its path.
import { describe, expect, it } from 'vitest';
import { parseProxyGroupSettings } from '../../../src/groups/parse-proxy-group-settings.js';
import { isSameDeploymentGroup } from '../../../src/groups/proxy-group-settings.js';

describe('parseProxyGroupSettings', () => {
  it('reads CORS and response cache settings in a canonical shape', () => {
    const { settings, problems } = parseProxyGroupSettings({
      responseCache: { excludeErrorResponse: true, keyFragments: ['v1', { ref: 'request.queryparam.w' }, { value: 'x' }], timeoutInSeconds: 600 },
      cors: { allowCredentials: false, maxAgeSeconds: -1, exposeHeaders: ['X-Total'], allowHeaders: ['*'], allowMethods: ['GET', 'PATCH'], allowOrigins: ['https://a.example', 'http://localhost:3000'] },
    });
    expect(problems).toEqual([]);
    expect(JSON.stringify(settings)).toBe(JSON.stringify({
      cors: { allowOrigins: ['https://a.example', 'http://localhost:3000'], allowMethods: ['GET', 'PATCH'], allowHeaders: ['*'], exposeHeaders: ['X-Total'], maxAgeSeconds: -1, allowCredentials: false },
      responseCache: { timeoutInSeconds: 600, keyFragments: [{ value: 'v1' }, { ref: 'request.queryparam.w' }, { value: 'x' }], excludeErrorResponse: true },
    }));
    expect(parseProxyGroupSettings(undefined)).toEqual({ settings: {}, problems: [] });
    expect(parseProxyGroupSettings({ cors: { allowOrigins: ['*'] } }).settings).toEqual({ cors: { allowOrigins: ['*'] } });
  });

  it('names each problem with its path', () => {
    expect(parseProxyGroupSettings([]).problems).toEqual(['settings: expected a JSON object, got []']);
    expect(parseProxyGroupSettings({
      cors: { allowOrigins: [], allowHeaders: 'X-A', exposeHeaders: ['ok', 'bad header'], allowCredentials: 'yes', originz: 1 },
      responseCache: { timeoutInSeconds: 0, keyFragments: [{ ref: '1bad' }, { ref: 'a', value: 'b' }, ''], excludeErrorResponse: 1 },
    }).problems).toEqual([
      'settings.cors.originz: unknown field; expected one of allowOrigins, allowMethods, allowHeaders, exposeHeaders, maxAgeSeconds, allowCredentials',
      'settings.cors.allowOrigins: required: at least one origin, or *',
      'settings.cors.allowHeaders: expected a list of at most 64 strings, got "X-A"',
      'settings.cors.exposeHeaders[1]: expected a header name or *, got "bad header"',
      'settings.cors.allowCredentials: expected true or false, got "yes"',
      'settings.responseCache.timeoutInSeconds: expected an integer from 1 to 31536000, got 0',
      'settings.responseCache.keyFragments[0]: expected {"ref": "<flow variable>"} or {"value": "<text>"}, got {"ref":"1bad"}',
      'settings.responseCache.keyFragments[1]: expected {"ref": "<flow variable>"} or {"value": "<text>"}, got {"ref":"a","value":"b"}',
      'settings.responseCache.keyFragments[2]: expected a text or {"ref": "<flow variable>"}, got ""',
      'settings.responseCache.excludeErrorResponse: expected true or false, got 1',
    ]);
  });

  it('compares deployment groups by name and settings', () => {
    const settings = parseProxyGroupSettings({ cors: { allowOrigins: ['*'] } }).settings;
    expect(isSameDeploymentGroup({ name: 'g', settings }, { name: 'g', settings: { cors: { allowOrigins: ['*'] } } })).toBe(true);
    expect(isSameDeploymentGroup({ name: 'g', settings }, { name: 'g', settings: {} })).toBe(false);
    expect(isSameDeploymentGroup(undefined, { name: 'g', settings: {} })).toBe(false);
  });
});
