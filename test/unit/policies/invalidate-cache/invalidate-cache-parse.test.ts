import { describe, expect, it } from 'vitest';
import { invalidateCachePolicy } from '../../../../src/policies/invalidate-cache/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('InvalidateCache parse', () => {
  it('reads key, CacheContext and PurgeChildEntries', () => {
    const { config, problems } = parsePolicy(invalidateCachePolicy, `
      <InvalidateCache name="IC">
        <CacheKey><KeyFragment ref="request.queryparam.user"/></CacheKey>
        <CacheContext><APIProxyName>other</APIProxyName><ProxyName>default</ProxyName><TargetName>backend</TargetName></CacheContext>
        <Scope>Exclusive</Scope>
        <PurgeChildEntries>true</PurgeChildEntries>
      </InvalidateCache>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      cacheKey: { fragments: [{ ref: 'request.queryparam.user' }] },
      scope: 'Exclusive',
      cacheResource: undefined,
      cacheContext: { apiName: 'other', proxyName: 'default', targetName: 'backend' },
      purgeChildEntries: true,
    });
  });

  it('reports unknown CacheContext children and a bad PurgeChildEntries', () => {
    const { problems } = parsePolicy(invalidateCachePolicy, '<InvalidateCache name="IC"><CacheKey><KeyFragment>k</KeyFragment></CacheKey><CacheContext><Revision>2</Revision></CacheContext><PurgeChildEntries>yes</PurgeChildEntries></InvalidateCache>');
    expect(problems).toEqual([
      'InvalidateCache IC: <Revision> is not supported inside <CacheContext>',
      'InvalidateCache IC: <PurgeChildEntries> must be true or false, got "yes"',
    ]);
  });
});
