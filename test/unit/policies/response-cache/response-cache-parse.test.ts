import { describe, expect, it } from 'vitest';
import { responseCachePolicy } from '../../../../src/policies/response-cache/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('ResponseCache parse', () => {
  it('reads the key, scope, resource, expiry, conditions and flags', () => {
    const { config, problems } = parsePolicy(responseCachePolicy, `
      <ResponseCache name="RC-Forecast">
        <DisplayName>RC</DisplayName>
        <CacheKey><Prefix>weather</Prefix><KeyFragment ref="request.queryparam.w" type="string"/><KeyFragment>v1</KeyFragment></CacheKey>
        <Scope>application</Scope>
        <CacheResource>forecasts</CacheResource>
        <CacheLookupTimeoutInSeconds>30</CacheLookupTimeoutInSeconds>
        <ExpirySettings><ExpiryDate/><TimeOfDay/><TimeoutInSec ref="flow.ttl">600</TimeoutInSec></ExpirySettings>
        <SkipCacheLookup>request.header.bypass-cache = "true"</SkipCacheLookup>
        <SkipCachePopulation>request.verb != "GET"</SkipCachePopulation>
        <ExcludeErrorResponse>true</ExcludeErrorResponse>
        <UseResponseCacheHeaders>true</UseResponseCacheHeaders>
        <UseAcceptHeader>true</UseAcceptHeader>
      </ResponseCache>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      cacheKey: { prefix: 'weather', fragments: [{ ref: 'request.queryparam.w' }, { text: 'v1' }] },
      scope: 'Application',
      cacheResource: 'forecasts',
      expiry: { timeoutInSec: { ref: 'flow.ttl', value: 600 } },
      skipCacheLookup: 'request.header.bypass-cache = "true"',
      skipCachePopulation: 'request.verb != "GET"',
      excludeErrorResponse: true,
      useResponseCacheHeaders: true,
      useAcceptHeader: true,
    });
  });

  it('defaults to Exclusive scope, the default cache, the request URI as key and Apigee\'s flags', () => {
    const { config, problems } = parsePolicy(responseCachePolicy, '<ResponseCache name="RC"><CacheKey><KeyFragment ref="" type="string"/></CacheKey><SkipCacheLookup/></ResponseCache>');
    expect(problems).toEqual([]);
    expect(config).toEqual({
      cacheKey: { fragments: [{ ref: 'request.uri' }] },
      scope: 'Exclusive',
      cacheResource: undefined,
      expiry: {},
      excludeErrorResponse: false,
      useResponseCacheHeaders: false,
      useAcceptHeader: false,
    });
  });

  it('accepts Apigee X TimeoutInSeconds, ExpiryDate and TimeOfDay', () => {
    const parse = (expiry: string) => parsePolicy(responseCachePolicy, `<ResponseCache name="RC"><ExpirySettings>${expiry}</ExpirySettings></ResponseCache>`);
    expect(parse('<TimeoutInSeconds>60</TimeoutInSeconds>').config.expiry).toEqual({ timeoutInSec: { value: 60 } });
    expect(parse('<ExpiryDate ref="d">12-31-2030</ExpiryDate>').config.expiry).toEqual({ expiryDate: { ref: 'd', value: '12-31-2030' } });
    expect(parse('<TimeOfDay>23:59:00</TimeOfDay>').config.expiry).toEqual({ timeOfDay: { value: '23:59:00' } });
  });

  it('reports every problem, naming the element', () => {
    const { problems } = parsePolicy(responseCachePolicy, `
      <ResponseCache name="RC-bad">
        <Scope>Everywhere</Scope>
        <ExpirySettings><TimeoutInSec>-5</TimeoutInSec><ExpiryDate>02-30-2030</ExpiryDate><TimeOfDay>25:00:00</TimeOfDay><Forever/></ExpirySettings>
        <SkipCacheLookup>request.verb ==</SkipCacheLookup>
        <ExcludeErrorResponse>maybe</ExcludeErrorResponse>
        <CacheKey><Suffix/></CacheKey>
        <Cache/>
      </ResponseCache>`);
    expect(problems).toEqual(expect.arrayContaining([
      'ResponseCache RC-bad: <Scope> must be one of Global, Application, Proxy, Target, Exclusive, got "Everywhere"',
      'ResponseCache RC-bad: <TimeoutInSec> must be a whole number of seconds ≥ 1, got "-5"',
      'ResponseCache RC-bad: <ExpiryDate> must be a date mm-dd-yyyy, got "02-30-2030"',
      'ResponseCache RC-bad: <TimeOfDay> must be a time hh:mm:ss, got "25:00:00"',
      'ResponseCache RC-bad: <Forever> is not supported inside <ExpirySettings>',
      'ResponseCache RC-bad: <ExcludeErrorResponse> must be true or false, got "maybe"',
      'ResponseCache RC-bad: <Suffix> is not supported inside <CacheKey>',
      'ResponseCache RC-bad: <Cache> is not supported inside <ResponseCache>',
    ]));
    expect(problems.some((p) => p.startsWith('ResponseCache RC-bad: <SkipCacheLookup>: bad condition "request.verb =="'))).toBe(true);
    expect(problems).toHaveLength(9);
  });

  it('reports two kinds of expiry at once', () => {
    const { problems } = parsePolicy(responseCachePolicy, '<ResponseCache name="RC"><ExpirySettings><TimeoutInSec>5</TimeoutInSec><TimeOfDay>10:00:00</TimeOfDay></ExpirySettings></ResponseCache>');
    expect(problems).toEqual(['ResponseCache RC: <ExpirySettings> sets TimeoutInSec and TimeOfDay; expected only one of them']);
  });
});
