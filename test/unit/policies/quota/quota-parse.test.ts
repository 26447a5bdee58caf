// Quota XML at import: types, Allow/Class, Interval, TimeUnit, StartTime, refs, and Apigee's deployment errors.
import { describe, expect, it } from 'vitest';
import { quotaPolicy } from '../../../../src/policies/quota/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

const parse = (xml: string) => parsePolicy(quotaPolicy, xml);
const quota = (attrs: string, body: string) => parse(`<Quota name="Q" ${attrs}>${body}</Quota>`);

describe('Quota parse', () => {
  it('reads the dynamic quota of the Apigee docs: refs win, literals are the fallback', () => {
    const { config, problems } = parse(`<Quota name="CheckQuota">
      <Interval ref="verifyapikey.ValidateAPIKey.apiproduct.developer.quota.interval">1</Interval>
      <TimeUnit ref="verifyapikey.ValidateAPIKey.apiproduct.developer.quota.timeunit">minute</TimeUnit>
      <Allow countRef="verifyapikey.ValidateAPIKey.apiproduct.developer.quota.limit">
      </Allow> <Identifier ref="request.queryparam.apikey"/>
    </Quota>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      type: 'default',
      allow: { count: undefined, countRef: 'verifyapikey.ValidateAPIKey.apiproduct.developer.quota.limit', classRef: undefined, classes: new Map() },
      interval: { ref: 'verifyapikey.ValidateAPIKey.apiproduct.developer.quota.interval', value: 1 },
      timeUnit: { ref: 'verifyapikey.ValidateAPIKey.apiproduct.developer.quota.timeunit', value: 'minute' },
      startTime: undefined,
      identifierRef: 'request.queryparam.apikey',
      messageWeight: undefined,
      distributed: false,
      synchronous: false,
    });
  });

  it('reads a calendar quota with its StartTime in UTC (one-digit fields allowed), weight and distribution settings', () => {
    const { config, problems } = quota('type="calendar" async="false" continueOnError="false" enabled="true"', `
      <DisplayName>Quota_with_weight</DisplayName><Properties/>
      <Allow count="3"/><Interval>1</Interval><TimeUnit>Hour</TimeUnit>
      <StartTime>2017-7-16 12:00:00</StartTime>
      <MessageWeight ref="message_weight"/>
      <Distributed>true</Distributed><Synchronous>false</Synchronous>
      <AsynchronousConfiguration><SyncIntervalInSeconds>20</SyncIntervalInSeconds></AsynchronousConfiguration>
      <PreciseAtSecondsLevel>false</PreciseAtSecondsLevel>`);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      type: 'calendar', allow: { count: 3 }, interval: { value: 1 }, timeUnit: { value: 'hour' },
      startTime: Date.UTC(2017, 6, 16, 12), messageWeight: { ref: 'message_weight' }, distributed: true, synchronous: false,
    });
  });

  it.each(['flexi', 'rollingwindow', 'default'])('accepts type="%s"', (type) => {
    expect(quota(`type="${type}"`, '<Allow count="1"/><Interval>1</Interval><TimeUnit>day</TimeUnit>')).toMatchObject({ problems: [], config: { type } });
  });

  it('reads classes: the Class ref picks the limit', () => {
    const { config, problems } = quota('', `<Interval>1</Interval><TimeUnit>day</TimeUnit>
      <Allow><Class ref="request.header.developer_segment"><Allow class="platinum" count="10000"/><Allow class="silver" count="1000"/></Class></Allow>`);
    expect(problems).toEqual([]);
    expect(config.allow).toEqual({ count: undefined, countRef: undefined, classRef: 'request.header.developer_segment', classes: new Map([['platinum', 10000], ['silver', 1000]]) });
  });

  it('leaves a missing Interval or TimeUnit to run time, as Apigee deploys such a policy', () => {
    const { config, problems } = quota('', '<Allow count="3"/>');
    expect(problems).toEqual([]);
    expect(config.interval).toBeUndefined();
    expect(config.timeUnit).toBeUndefined();
  });

  it('reports Apigee\'s deployment errors in its words, naming the element', () => {
    expect(quota('type="window"', '<Allow count="3"/>').problems).toEqual([expect.stringContaining('No enum constant com.apigee.quota.types.QuotaType.window.')]);
    expect(quota('', '<Allow count="3"/><Interval>0.1</Interval>').problems).toEqual(['Quota Q: <Interval>: Invalid quota interval 0.1 in quota policy Q. Expected a whole number of at least 1']);
    expect(quota('', '<Allow count="3"/><Interval>0</Interval>').problems).toEqual([expect.stringContaining('Invalid quota interval 0 in quota policy Q.')]);
    expect(quota('', '<Allow count="3"/><TimeUnit>year</TimeUnit>').problems).toEqual([expect.stringContaining('<TimeUnit>: Invalid quota interval time unit year in quota policy Q.')]);
    expect(quota('type="calendar"', '<Allow count="3"/><StartTime>7-16-2017 12:00:00</StartTime>').problems)
      .toEqual(['Quota Q: <StartTime>: Invalid Starttime:7-16-2017 12:00:00; Start Time should be of the format yyyy-MM-dd HH:mm:ss.']);
    expect(quota('type="calendar"', '<Allow count="3"/><StartTime>2017-02-30 12:00:00</StartTime>').problems).toEqual([expect.stringContaining('Invalid Starttime:2017-02-30 12:00:00')]);
    expect(quota('type="flexi"', '<Allow count="3"/><StartTime>2017-7-16 12:00:00</StartTime>').problems)
      .toEqual(['Quota Q: <StartTime>: Starttime is not supported for quotatype flexi. Starttime is supported only for calendar based type.']);
    expect(quota('type="calendar"', '<Allow count="3"/>').problems).toEqual([expect.stringContaining('<StartTime> is required when type is calendar')]);
    expect(quota('', '<Allow count="3"/><TimeUnit>second</TimeUnit><Distributed>true</Distributed>').problems)
      .toEqual(['Quota Q: <TimeUnit>: Invalid timeunit second for distributed quota.']);
    expect(quota('', '<Allow count="3"/><Synchronous>true</Synchronous><AsynchronousConfiguration><SyncIntervalInSeconds>1</SyncIntervalInSeconds></AsynchronousConfiguration>').problems)
      .toEqual(['Quota Q: <AsynchronousConfiguration>: AsynchronousConfiguration is not valid for synchronous quota.']);
    expect(quota('', '<Allow count="3"/><AsynchronousConfiguration><SyncIntervalInSeconds>0</SyncIntervalInSeconds></AsynchronousConfiguration>').problems)
      .toEqual(['Quota Q: <SyncIntervalInSeconds>: SyncIntervalInSeconds should be a value greater than zero.']);
  });

  it('reports a missing or unusable Allow, a Class without ref, bad weights and unknown elements', () => {
    expect(quota('', '<Interval>1</Interval>').problems).toEqual([expect.stringContaining('<Allow> is required')]);
    expect(quota('', '<Allow/>').problems).toEqual([expect.stringContaining('<Allow> needs a count attribute, a countRef attribute, or a <Class>')]);
    expect(quota('', '<Allow count="ten"/>').problems).toEqual(['Quota Q: <Allow count> must be a whole number, got "ten"']);
    expect(quota('', '<Allow>100</Allow>').problems).toContain('Quota Q: <Allow> takes its limit from the count attribute, not from its text "100"');
    expect(quota('', '<Allow><Class><Allow class="gold" count="x"/></Class></Allow>').problems).toEqual([
      expect.stringContaining('<Class> needs a ref attribute'),
      'Quota Q: <Class><Allow class="gold"> needs a whole-number count, got "x"',
    ]);
    expect(quota('', '<Allow count="1"/><MessageWeight>-1</MessageWeight><SharedName>x</SharedName>').problems).toEqual([
      'Quota Q: <SharedName> is not supported inside <Quota>',
      'Quota Q: <MessageWeight> must be a whole number, got "-1"',
    ]);
  });
});
