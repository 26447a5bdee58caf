import { describe, expect, it } from 'vitest';
import { JSONPath } from 'jsonpath-plus';
import { compileJsonPath, evaluateJsonPath, MAX_JSON_PATH_LENGTH } from '../../../src/engine/json-path.js';

const doc = {
  root: { firstName: 'Ada', lastName: 'Lovelace', tags: ['a', 'b', 'c', 'd'] },
  store: {
    book: [
      { title: 'One', price: 8, 'x-id': 'b1' },
      { title: 'Two', price: 12, 'x-id': 'b2' },
    ],
  },
  'a.b': { c: 5 },
  '*': 'star',
  'a,b': 'comma',
  '$': 'dollar',
  nothing: null,
  zero: 0,
};

describe('evaluateJsonPath', () => {
  it.each([
    ['$.root.firstName', ['Ada']],
    ['root.firstName', ['Ada']],
    ['$.root.tags', [['a', 'b', 'c', 'd']]],
    ['$.root.tags[*]', ['a', 'b', 'c', 'd']],
    ['$.root.tags.*', ['a', 'b', 'c', 'd']],
    ['$.root.tags[0]', ['a']],
    ['$.root.tags[-1]', ['d']],
    ['$.root.tags[-2]', ['c']],
    ['$.root.tags[0,2]', ['a', 'c']],
    ['$.root.tags[1:3]', ['b', 'c']],
    ['$.root.tags[::2]', ['a', 'c']],
    ['$.root.tags.length()', [4]],
    ["$['root']['lastName']", ['Lovelace']],
    ['$["root"]["lastName"]', ['Lovelace']],
    ["$[ 'root' ].lastName", ['Lovelace']],
    ['$.store.book[*].title', ['One', 'Two']],
    ['$..title', ['One', 'Two']],
    ['$..book[1].price', [12]],
    ["$..['x-id']", ['b1', 'b2']],
    ['$.store.book[0].x-id', ['b1']],
    ["$['a.b'].c", [5]],
    ["$['*']", ['star']],
    ["$['a,b']", ['comma']],
    ["$['$']", ['dollar']],
    ['$.nothing', [null]],
    ['$.zero', [0]],
    ['$.missing', []],
    ['$.root.firstName.missing', []],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(doc, path)).toEqual(expected);
  });

  it('returns the root for $, including falsy scalars', () => {
    expect(evaluateJsonPath(0, '$')).toEqual([0]);
    expect(evaluateJsonPath('text', '$')).toEqual(['text']);
    expect(evaluateJsonPath(undefined, '$')).toEqual([]);
  });

  it('finds nothing in scalars and null', () => {
    expect(evaluateJsonPath('abc', '$.length')).toEqual([]);
    expect(evaluateJsonPath(null, '$.a')).toEqual([]);
  });

  it('does not follow inherited properties', () => {
    expect(evaluateJsonPath({}, '$.constructor')).toEqual([]);
    expect(evaluateJsonPath({}, '$.__proto__')).toEqual([]);
    expect(evaluateJsonPath(JSON.parse('{"__proto__":{"x":1}}'), '$.__proto__.x')).toEqual([1]);
  });

  it('does not leave per-call paths in the jsonpath-plus cache', () => {
    const path = `$.unique${Date.now()}`;
    evaluateJsonPath(doc, path);
    expect(Object.keys(JSONPath.cache as object).filter((key) => key.includes(path.slice(2)))).toEqual([]);
  });
});

describe('compileJsonPath', () => {
  it('compiles once and evaluates many documents', () => {
    const select = compileJsonPath('$.a[*].b');
    expect(select({ a: [{ b: 1 }, { b: 2 }] })).toEqual([1, 2]);
    expect(select({ a: [] })).toEqual([]);
    expect(select({})).toEqual([]);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['$.a[', /never closed/],
    ["$['a", /never closed/],
    ['$.', /member name or \* must follow/],
    ['$..', /member name or \* must follow/],
    ['$.a..', /member name or \* must follow/],
    ['$a', /unexpected "a"/],
    ['@.a', /must start at the root/],
    ['$.a.b()', /functions such as "b\(\)" are not supported/],
    ['$.a[0:5:0]', /slice step/],
    ['$.a[5:0:-1]', /negative slice steps/],
    ["$['a','b']", /only one quoted member name/],
    ['$.a[1,-2]', /unsupported bracket expression/],
    ['$.a;b', /not supported/],
    ['$.a#0', /not supported/],
    ['$.a^', /not supported/],
    [`$.${'a'.repeat(MAX_JSON_PATH_LENGTH)}`, /longer than/],
  ])('refuses %j', (path, message) => {
    expect(() => compileJsonPath(path)).toThrow(message);
  });

  it('names the path in the error', () => {
    expect(() => compileJsonPath('$.a[')).toThrow('invalid JSONPath "$.a["');
  });

  describe('never evaluates scripts', () => {
    it.each([
      '$..[?(@.x)]',
      '$.store.book[?(@.price < 10)].title',
      '$[?(globalThis.jsonPathPwned = 1)]',
      "$[?(process.exit(1))]",
      '$.root.tags[(@.length-1)]',
      '$..*[?(this.constructor.constructor("globalThis.jsonPathPwned=1")())]',
    ])('%s is refused at compile time and runs nothing', (path) => {
      expect(() => compileJsonPath(path)).toThrow(/not supported: script evaluation is disabled/);
      expect(() => evaluateJsonPath(doc, path)).toThrow(/script evaluation is disabled/);
      expect((globalThis as Record<string, unknown>).jsonPathPwned).toBeUndefined();
    });
  });
});
