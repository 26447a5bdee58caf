import { describe, expect, it } from 'vitest';
import { appendToUrl, toParsedTargetUrl, toPlainTargetPath, toUrlDestination } from '../../../src/dataplane/target-destination.js';

/** What the target is sent when the whole URL is parsed: the reference the fast path must match. */
const parsedPath = (baseUrl: string, suffix: string, query: string): string => toUrlDestination(appendToUrl(baseUrl, suffix, query), true).path;

describe('appendToUrl', () => {
  it.each([
    ['http://t/api', '/json', '', 'http://t/api/json'],
    ['http://t/api/', '/json', '', 'http://t/api/json'],
    ['http://t/api?k=1', '/json', 'id=2', 'http://t/api/json?k=1&id=2'],
    ['http://t', '', 'id=2', 'http://t?id=2'],
    ['http://t/api', '', '', 'http://t/api'],
  ])('%s + %s + %s', (base, suffix, query, expected) => {
    expect(appendToUrl(base, suffix, query)).toBe(expected);
  });
});

describe('toPlainTargetPath', () => {
  const bases = ['http://t:8080', 'http://t/', 'http://t/api', 'http://t/api/', 'http://t/a%20b/c', 'http://t/v1?key=a b&x=1', 'http://t/a/./b/../c', 'http://t/p?'];
  const suffixes = ['', '/', '/json', '/orders/42/items', '//double', "/a:b@c!$&'()*+,;=", '/100%', '/%41', '/~user/x-y_z.txt'];
  const queries = ['', 'id=42', 'a=1&b=2', 'q=%20x', 'a=1?b', 'path=/x:y@z'];

  it('gives exactly what parsing the joined URL gives, for every plain suffix and query', () => {
    for (const base of bases) {
      const parsed = toParsedTargetUrl(base);
      expect(parsed).toBeDefined();
      for (const suffix of suffixes) {
        for (const query of queries) {
          expect(toPlainTargetPath(parsed!, suffix, query), `${base} ${suffix} ${query}`).toBe(parsedPath(base, suffix, query));
        }
      }
    }
  });

  it.each([
    ['a dot segment', '/a/../b', ''],
    ['a percent-encoded dot segment', '/a/%2E%2e/b', ''],
    ['a single dot segment', '/./b', ''],
    ['a space', '/a b', ''],
    ['a backslash', '/a\\b', ''],
    ['a non-ASCII character', '/café', ''],
    ['a brace', '/{id}', ''],
    ['a quote in the query', '/x', "name='a'"],
    ['a hash in the query', '/x', 'a=1#b'],
    ['a space in the query', '/x', 'a=1 2'],
  ])('leaves %s to the parser (undefined)', (_what, suffix, query) => {
    expect(toPlainTargetPath(toParsedTargetUrl('http://t/api')!, suffix, query)).toBeUndefined();
  });

  it('takes no fast path for a configured URL with a fragment', () => {
    expect(toParsedTargetUrl('http://t/api#frag')).toBeUndefined();
  });
});
