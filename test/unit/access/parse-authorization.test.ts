import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../src/access/parse-authorization.js';
import { expectAdminError, toBasic } from './access-fixture.js';

describe('parseAuthorization', () => {
  it('decodes Basic credentials, splitting at the first colon and keeping UTF-8', () => {
    expect(parseAuthorization(toBasic('ann@example.com', 'p:ss wörd'))).toEqual({ scheme: 'basic', user: 'ann@example.com', password: 'p:ss wörd' });
    expect(parseAuthorization(`basic   ${Buffer.from('a:b').toString('base64')}  `)).toEqual({ scheme: 'basic', user: 'a', password: 'b' });
    // Padding is optional (RFC 4648 §3.2 allows omitting it).
    expect(parseAuthorization(`Basic ${Buffer.from('ab:c').toString('base64').replace(/=+$/, '')}`)).toEqual({ scheme: 'basic', user: 'ab', password: 'c' });
    expect(parseAuthorization(toBasic('', ''))).toEqual({ scheme: 'basic', user: '', password: '' });
  });

  it('reads Bearer tokens and reports other schemes as not accepted (a 401 for the caller, not a 400)', () => {
    expect(parseAuthorization('Bearer baton_pat_abc-_')).toEqual({ scheme: 'bearer', token: 'baton_pat_abc-_' });
    expect(parseAuthorization('Digest username="a"')).toEqual({ scheme: 'other' });
    expect(parseAuthorization('Negotiate')).toEqual({ scheme: 'other' });
  });

  it.each([
    ['Basic %%%'],
    ['Basic'],
    ['Basic    '],
    [`Basic ${Buffer.from('no-colon').toString('base64')}`],
    [`Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`], // not UTF-8
    ['Basic YWJjZ'], // a length no base64 can have
    ['Bearer'],
    ['Bearer a b'],
    ['Bearer <script>'],
    [`Basic ${'A'.repeat(16 * 1024)}`],
  ])('rejects malformed %s with 400 InvalidParameter', async (header) => {
    const error = await expectAdminError(() => parseAuthorization(header), 400, 'messaging.config.beans.InvalidParameter');
    expect(error.message).not.toContain('%%%');
  });
});
