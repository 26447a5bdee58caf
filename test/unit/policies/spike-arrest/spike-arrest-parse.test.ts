// SpikeArrest XML at import: rates, refs, Identifier, MessageWeight, and Apigee's "Invalid spike arrest rate".
import { describe, expect, it } from 'vitest';
import { spikeArrestPolicy } from '../../../../src/policies/spike-arrest/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

const parse = (xml: string) => parsePolicy(spikeArrestPolicy, xml);

describe('SpikeArrest parse', () => {
  it('reads a literal per-second or per-minute rate', () => {
    expect(parse('<SpikeArrest name="SA"><Rate>30ps</Rate></SpikeArrest>')).toEqual({
      problems: [],
      config: { rate: { ref: undefined, value: { count: 30, periodMs: 1_000, text: '30ps' } }, identifierRef: undefined, messageWeight: undefined, useEffectiveCount: false },
    });
    expect(parse('<SpikeArrest name="SA"><Rate>\n  12pm\n</Rate></SpikeArrest>').config.rate.value).toEqual({ count: 12, periodMs: 60_000, text: '12pm' });
  });

  it('reads Rate ref (with or without a literal fallback), Identifier, MessageWeight and UseEffectiveCount', () => {
    const { config, problems } = parse(`<SpikeArrest async="false" continueOnError="false" enabled="true" name="Spike-Arrest-1">
      <DisplayName>Spike Arrest-1</DisplayName><Properties/>
      <Identifier ref="request.header.some-header-name"/>
      <MessageWeight ref="request.header.weight"/>
      <Rate ref="custom.rate">10pm</Rate>
      <UseEffectiveCount>true</UseEffectiveCount>
    </SpikeArrest>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      rate: { ref: 'custom.rate', value: { count: 10, periodMs: 60_000, text: '10pm' } },
      identifierRef: 'request.header.some-header-name',
      messageWeight: { ref: 'request.header.weight', value: undefined },
      useEffectiveCount: true,
    });
    expect(parse('<SpikeArrest name="SA"><Rate ref="custom.rate"/></SpikeArrest>').config.rate).toEqual({ ref: 'custom.rate', value: undefined });
  });

  it.each(['30s', '30.1ps', '0ps', 'ps', '-5pm', '30 ps', '30PS'])('reports the rate %s as Apigee does, naming <Rate>', (rate) => {
    const { problems } = parse(`<SpikeArrest name="SA"><Rate>${rate}</Rate></SpikeArrest>`);
    expect(problems).toEqual([expect.stringContaining(`SpikeArrest SA: <Rate>: Invalid spike arrest rate ${rate}.`)]);
  });

  it('reports a missing or empty Rate, an Identifier without ref, a bad weight, a bad boolean and unknown elements', () => {
    expect(parse('<SpikeArrest name="SA"/>').problems).toEqual([expect.stringContaining('<Rate> is required')]);
    expect(parse('<SpikeArrest name="SA"><Rate/></SpikeArrest>').problems).toEqual([expect.stringContaining('<Rate> is empty')]);
    const { problems } = parse(`<SpikeArrest name="SA"><Rate>1ps</Rate><Rate>2ps</Rate><Identifier/><MessageWeight>1.5</MessageWeight>
      <UseEffectiveCount>maybe</UseEffectiveCount><Ratee>1ps</Ratee></SpikeArrest>`);
    expect(problems).toEqual([
      'SpikeArrest SA: <Ratee> is not supported inside <SpikeArrest>',
      'SpikeArrest SA: <Rate> appears 2 times; expected at most once',
      expect.stringContaining('<Identifier> needs a ref attribute'),
      'SpikeArrest SA: <MessageWeight> must be a whole number, got "1.5"',
      'SpikeArrest SA: <UseEffectiveCount> must be true or false, got "maybe"',
    ]);
  });
});
