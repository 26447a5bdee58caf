import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../../../src/engine/template/compile-template.js';
import type { VariableReader } from '../../../../src/engine/variable-reader.js';

const values = new Map<string, unknown>([
  ['name', 'Mixed Case'],
  ['quote', 'He said "hi"\n\\ <ok> & \'yes\''],
  ['html', '<a href="x">Tom & Jerry\'s</a>'],
  ['word', 'hello'],
  ['digits', 'a1b22c333'],
  ['b64', 'aMOpbGxv'],
  ['notB64', 'not base64!'],
  ['badUtf8', '/w=='],
  ['num', 42],
  ['seconds', '1494390266'],
  ['millis', 1709211909007],
  ['pattern', "yyyy-MM-dd'T'HH:mm:ss'Z'"],
  ['regex', '\\d+'],
  ['badRegex', '(?<=x)'],
  ['json', '{"store":{"name":"Corner","books":[{"t":"A","p":5},{"t":"B","p":9}],"owner":{"n":"Z"},"none":null}}'],
  ['jsonObject', { a: { b: 'parsed' } }],
  ['notJson', '{oops'],
  ['xml', '<r xmlns:p="urn:p"><a id="1">one</a><a id="2">two</a><p:c>ns</p:c></r>'],
  ['badXml', '<r><a></r>'],
  ['doctypeXml', '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'],
  ['ns', 'q:urn:p'],
  ['secret', 'Jefe'],
  ['message', 'what do ya want for nothing?'],
  ['zero', '0'],
  ['five', 5],
]);
const vars: VariableReader = { getVariable: (name) => values.get(name) };

function render(text: string): string {
  return compileTemplate(text).render(vars);
}

describe('template functions', () => {
  it.each([
    // escaping
    ['{escapeJSON(quote)}', 'He said \\"hi\\"\\n\\\\ <ok> & \'yes\''],
    ['{escapeXML(quote)}', 'He said &quot;hi&quot;\n\\ &lt;ok&gt; &amp; &apos;yes&apos;'],
    ['{escapeXML11(html)}', '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;'],
    ['{encodeHTML(html)}', '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;'],
    ['{escapeJSON(unset)}', ''],
    // case
    ['{toLowerCase(name)}', 'mixed case'],
    ['{toUpperCase(name)}', 'MIXED CASE'],
    ["{toUpperCase('lit')}", 'LIT'],
    ['{toUpperCase(num)}', '42'],
    ['{toLowerCase(unset)}', ''],
    // firstnonnull
    ["{firstnonnull(unset, word, 'default')}", 'hello'],
    ["{firstnonnull(unset.a, unset.b, 'default')}", 'default'],
    ['{firstnonnull(unset.a, unset.b)}', ''],
    ['{firstnonnull(num)}', '42'],
    ["{firstnonnull(unset, toUpperCase(word))}", 'HELLO'],
    // substring
    ['{substring(word, 1)}', 'ello'],
    ['{substring(word, 1, 3)}', 'el'],
    ['{substring(word, 0, 99)}', 'hello'],
    ['{substring(word, 10)}', ''],
    ['{substring(word, 3, 1)}', ''],
    ['{substring(word, -2, 2)}', 'he'],
    ['{substring(word, zero, five)}', 'hello'],
    ["{substring(word, 'x')}", ''],
    ['{substring(unset, 1)}', ''],
    // replaceAll / replaceFirst
    ["{replaceAll(digits, '\\d+', '#')}", 'a#b#c#'],
    ["{replaceFirst(digits, '\\d+', '#')}", 'a#b22c333'],
    ["{replaceAll(digits, '(\\d)(\\d*)', '<$1|$2>')}", 'a<1|>b<2|2>c<3|33>'],
    ["{replaceAll(digits, regex, '_')}", 'a_b_c_'],
    ["{replaceAll(digits, badRegex, '_')}", ''],
    ["{replaceAll(digits, '\\d', '$9')}", ''],
    ["{replaceAll(word, 'x', 'y')}", 'hello'],
    ["{replaceAll(unset, 'x', 'y')}", ''],
    ["{replaceAll(word, 'l', unset)}", ''],
    // Base64
    ['{encodeBase64(word)}', 'aGVsbG8='],
    ['{decodeBase64(b64)}', 'héllo'],
    ["{decodeBase64('aGVsbG8')}", 'hello'],
    ["{decodeBase64('aGVs_-8=')}", ''],
    ['{decodeBase64(notB64)}', ''],
    ['{decodeBase64(badUtf8)}', ''],
    ["{decodeBase64('a')}", ''],
    ['{decodeBase64(encodeBase64(quote))}', 'He said "hi"\n\\ <ok> & \'yes\''],
    // hashes
    ["{md5Hex('abc')}", '900150983cd24fb0d6963f7d28e17f72'],
    ["{sha1Hex('abc')}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ["{sha256Hex('abc')}", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ["{sha256Base64('abc')}", Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64')],
    ["{sha512Hex('')}", 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
    ['{sha256Hex(unset)}', ''],
    // HMAC (RFC 4231 test case 2)
    ["{hmacSha256(secret, message, 'utf8', 'hex')}", '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['{hmacSha256(secret, message)}', Buffer.from('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hex').toString('base64')],
    ["{hmacSha256('4a656665', message, 'base16', 'base16')}", '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ["{hmacSha256('SmVmZQ==', message, 'base64', 'hex')}", '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ["{hmacSha256('zz', message, 'hex', 'hex')}", ''],
    ['{hmacSha256(unset, message)}', ''],
    // jsonPath
    ['{jsonPath($.store.name, json)}', 'Corner'],
    ["{jsonPath('$.store.name', json)}", 'Corner'],
    ['{jsonPath($.store.books[1].p, json)}', '9'],
    ['{jsonPath($.store.books[*].t, json)}', '["A","B"]'],
    ["{jsonPath($.store.name, json, 'true')}", '["Corner"]'],
    ['{jsonPath($.store.owner, json)}', '{"n":"Z"}'],
    ['{jsonPath($.store.none, json)}', ''],
    ['{jsonPath($.store.missing, json)}', ''],
    ['{jsonPath($.a.b, jsonObject)}', 'parsed'],
    ['{jsonPath($.a, notJson)}', ''],
    ['{jsonPath($.a, unset)}', ''],
    ['{toUpperCase(jsonPath($.store.name, json))}', 'CORNER'],
    ['{"shop":"{jsonPath($.store.name,json)}"}', '{"shop":"Corner"}'],
    // xPath
    ['{xPath(/r/a, xml)}', 'one'],
    ['{xPath(/r/a[2]/@id, xml)}', '2'],
    ["{xPath('/r/a[@id=\"2\"]', xml)}", 'two'],
    ["{xPath(/r/a[@id='2'], xml)}", 'two'],
    ['{xPath(count(/r/a), xml)}', '2'],
    ["{xPath(/r/q:c, xml, 'q:urn:p')}", 'ns'],
    ['{xPath(/r/q:c, xml, ns)}', 'ns'],
    ['{xPath(/r/missing, xml)}', ''],
    ['{xPath(/r/a, badXml)}', ''],
    ['{xPath(/r, doctypeXml)}', ''],
    ['{xPath(/r/a, unset)}', ''],
    // timeFormat family
    ["{timeFormatUTC('yyyy-MM-dd HH:mm:ss.SSS', seconds)}", '2017-05-10 04:24:26.000'],
    ["{timeFormatUTC('EEE, d MMM yyyy HH:mm:ss Z', seconds)}", 'Wed, 10 May 2017 04:24:26 +0000'],
    ["{timeFormatUTCMs('yyyy-MM-dd\\'T\\'HH:mm:ss.SSSXXX', millis)}", '2024-02-29T13:05:09.007Z'],
    ['{timeFormatUTCMs(pattern, millis)}', '2024-02-29T13:05:09Z'],
    ["{timeFormatUTCMs('EEEE d MMMM yy, h:mm a, D u z', millis)}", 'Thursday 29 February 24, 1:05 PM, 60 4 UTC'],
    ["{timeFormatUTCMs('hh k K H', millis)}", '01 13 1 13'],
    ['{timeFormatUTCMs("\'\'\'quoted\'\'\' X XX", millis)}', "'quoted' Z Z"],
    ["{timeFormatUTCMs('yyyy\\'\\'MM', millis)}", "2024'02"],
    ["{timeFormatUTC('yyyy', 'soon')}", ''],
    ["{timeFormatUTC('yyyy', unset)}", ''],
    ["{timeFormatUTCMs('yyyy', '99999999999999999999')}", ''],
  ])('%s renders %j', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  it('formats local time in the process time zone', () => {
    const local = new Date(1709211909007);
    const expected = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}`;
    expect(render("{timeFormatMs('yyyy-MM-dd HH', millis)}")).toBe(expected);
    expect(render("{timeFormat('yyyy-MM-dd HH', '1709211909.007')}")).toBe(expected);
    const offset = -local.getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    expect(render("{timeFormatMs('Z', millis)}")).toBe(`${sign}${hhmm}`);
  });

  it('creates a new UUID on every render', () => {
    const template = compileTemplate('{createUuid()}');
    const first = template.render(vars);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(template.render(vars)).not.toBe(first);
  });

  it('draws randomLong within its bounds', () => {
    const unbounded = compileTemplate('{randomLong()}');
    const ranged = compileTemplate('{randomLong(5, 8)}');
    const fromMin = compileTemplate("{randomLong('9223372036854775807')}");
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const value = BigInt(unbounded.render(vars));
      expect(value >= 0n && value < 2n ** 63n).toBe(true);
      seen.add(ranged.render(vars));
      expect(fromMin.render(vars)).toBe('9223372036854775807');
    }
    expect([...seen].sort()).toEqual(['5', '6', '7']);
    expect(render('{randomLong(8, 5)}')).toBe('');
    expect(render("{randomLong('x')}")).toBe('');
  });

  it('gives an unknown function empty text, even nested', () => {
    expect(render('[{xeger(word)}][{toUpperCase(nope(word))}]')).toBe('[][]');
  });
});
