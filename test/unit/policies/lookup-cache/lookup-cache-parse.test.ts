import { describe, expect, it } from 'vitest';
import { lookupCachePolicy } from '../../../../src/policies/lookup-cache/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('LookupCache parse', () => {
  it('reads AssignTo, key, scope and resource', () => {
    const { config, problems } = parsePolicy(lookupCachePolicy, `
      <LookupCache name="LC-Token">
        <CacheKey><KeyFragment ref="request.queryparam.user"/><KeyFragment>token</KeyFragment></CacheKey>
        <CacheLookupTimeoutInSeconds>30</CacheLookupTimeoutInSeconds>
        <Scope>Global</Scope>
        <AssignTo>flow.token</AssignTo>
      </LookupCache>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({ cacheKey: { fragments: [{ ref: 'request.queryparam.user' }, { text: 'token' }] }, scope: 'Global', cacheResource: undefined, assignTo: 'flow.token' });
  });

  it('reports a missing AssignTo and ExpirySettings it does not take', () => {
    const { problems } = parsePolicy(lookupCachePolicy, '<LookupCache name="LC"><CacheKey><KeyFragment>k</KeyFragment></CacheKey><ExpirySettings/></LookupCache>');
    expect(problems).toEqual(expect.arrayContaining([
      'LookupCache LC: <ExpirySettings> is not supported inside <LookupCache>',
      'LookupCache LC: <AssignTo> must name the variable the cached value is assigned to',
    ]));
  });
});
