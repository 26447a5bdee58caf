// VerifyAPIKey at import: the <APIKey> ref or literal, and every problem named by element.
import { describe, expect, it } from 'vitest';
import { verifyApiKeyPolicy } from '../../../../src/policies/verify-api-key/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

const parse = (xml: string) => parsePolicy(verifyApiKeyPolicy, xml);

describe('VerifyAPIKey parse', () => {
  it('reads <APIKey ref> and a literal key', () => {
    expect(parse('<VerifyAPIKey name="V"><DisplayName>Verify</DisplayName><APIKey ref="request.queryparam.apikey"/></VerifyAPIKey>'))
      .toEqual({ config: { ref: 'request.queryparam.apikey' }, problems: [] });
    expect(parse('<VerifyAPIKey name="V"><APIKey> fixed-key </APIKey></VerifyAPIKey>')).toEqual({ config: { literal: 'fixed-key' }, problems: [] });
    expect(parse('<VerifyAPIKey name="V"><APIKey ref="request.header.x-apikey">fallback</APIKey></VerifyAPIKey>').config)
      .toEqual({ ref: 'request.header.x-apikey', literal: 'fallback' });
  });

  it.each([
    ['<VerifyAPIKey name="V"/>', 'VerifyAPIKey V: <APIKey> is required (e.g. <APIKey ref="request.queryparam.apikey"/>)'],
    ['<VerifyAPIKey name="V"><APIKey/></VerifyAPIKey>', 'VerifyAPIKey V: <APIKey> needs a ref attribute naming the flow variable that holds the key'],
    ['<VerifyAPIKey name="V"><APIKey ref=" "/></VerifyAPIKey>', 'VerifyAPIKey V: <APIKey ref=""> is empty; name the flow variable that holds the key'],
    ['<VerifyAPIKey name="V"><APIKey ref="a"/><APIKey ref="b"/></VerifyAPIKey>', 'VerifyAPIKey V: <APIKey> appears 2 times; expected once'],
    ['<VerifyAPIKey name="V"><APIKey ref="a"/><ApiKey ref="b"/></VerifyAPIKey>', 'VerifyAPIKey V: <ApiKey> is not supported inside <VerifyAPIKey>'],
    ['<VerifyAPIKey name="V"><APIKey ref="a"><Ref>x</Ref></APIKey></VerifyAPIKey>', 'VerifyAPIKey V: <APIKey> takes a ref attribute or text, not child elements'],
  ])('reports %s', (xml, problem) => {
    expect(parse(xml).problems).toContain(problem);
  });
});
