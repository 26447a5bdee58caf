import { describe, expect, it } from 'vitest';
import { populateCachePolicy } from '../../../../src/policies/populate-cache/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('PopulateCache parse', () => {
  it('reads Source, key, scope, resource and expiry', () => {
    const { config, problems } = parsePolicy(populateCachePolicy, `
      <PopulateCache async="false" continueOnError="false" enabled="true" name="PC-Token">
        <DisplayName>Populate Cache 1</DisplayName><Properties/>
        <CacheKey><Prefix/><KeyFragment ref="request.queryparam.user"/></CacheKey>
        <CacheResource>tokens</CacheResource>
        <Scope>Global</Scope>
        <ExpirySettings><TimeoutInSeconds>300</TimeoutInSeconds></ExpirySettings>
        <Source>flow.token</Source>
      </PopulateCache>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      cacheKey: { fragments: [{ ref: 'request.queryparam.user' }] },
      scope: 'Global',
      cacheResource: 'tokens',
      expiry: { timeoutInSec: { value: 300 } },
      source: 'flow.token',
    });
  });

  it('reports a missing Source and a CacheKey without fragments', () => {
    const { problems } = parsePolicy(populateCachePolicy, '<PopulateCache name="PC"><CacheKey><Prefix>p</Prefix></CacheKey><Source/><AssignTo>x</AssignTo></PopulateCache>');
    expect(problems).toEqual(expect.arrayContaining([
      'PopulateCache PC: <AssignTo> is not supported inside <PopulateCache>',
      'PopulateCache PC: <CacheKey> must hold at least one <KeyFragment> with a ref or a value',
      'PopulateCache PC: <Source> must name the variable whose value is cached',
    ]));
    expect(problems).toHaveLength(3);
  });
});
