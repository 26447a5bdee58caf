import { describe, expect, it } from 'vitest';
import { compileTemplate, UnresolvedVariableError } from '../../../../src/engine/template/compile-template.js';
import type { VariableReader } from '../../../../src/engine/variable-reader.js';

function variables(values: Record<string, unknown>): VariableReader & { reads: string[] } {
  const map = new Map(Object.entries(values));
  const reads: string[] = [];
  return {
    reads,
    getVariable(name) {
      reads.push(name);
      return map.get(name);
    },
  };
}

const vars = variables({
  'user.name': 'jdoe',
  'apiproxy.name': 'orders',
  'apiproxy.revision': 3,
  'request.header.x-id': 'abc-1',
  'request.queryparam.id': '42',
  'proxy.pathsuffix': '/unknown',
  flag: true,
  list: ['a', 'b'],
  obj: { toString: () => 'custom' },
  bare: Object.create(null) as object,
  bytes: new TextEncoder().encode('héllo'),
  empty: '',
  nothing: null,
});

describe('compileTemplate', () => {
  it.each([
    ['plain text', 'plain text'],
    ['', ''],
    ['{user.name}', 'jdoe'],
    ['You entered an invalid username: {user.name}', 'You entered an invalid username: jdoe'],
    ['{apiproxy.name} v{apiproxy.revision}', 'orders v3'],
    ['{request.header.x-id}', 'abc-1'],
    ['{user.name}{user.name}', 'jdoejdoe'],
    ['{ "status" : "ok" }', '{ "status" : "ok" }'],
    ['{"a":1}', '{"a":1}'],
    ['{}', '{}'],
    ['{{user.name}}', '{jdoe}'],
    ['{"id":"{request.queryparam.id}","n":{"x":1}}', '{"id":"42","n":{"x":1}}'],
    ['{"name":"Alert", "message":"You entered an invalid username: {user.name}"}', '{"name":"Alert", "message":"You entered an invalid username: jdoe"}'],
    ['{ "error" : { "code" : 404.01, "message" : "{proxy.pathsuffix} unknown" } }', '{ "error" : { "code" : 404.01, "message" : "/unknown unknown" } }'],
    ['{user.name', '{user.name'],
    ['user.name}', 'user.name}'],
    ['{ user.name}', '{ user.name}'],
    ['{user name}', '{user name}'],
    ['{1abc}', '{1abc}'],
    ['{unset.variable}', ''],
    ['a{unset}b', 'ab'],
    ['{nothing}', ''],
    ['{empty}', ''],
    ['{flag}', 'true'],
    ['{list}', 'a,b'],
    ['{obj}', 'custom'],
    ['{bare}', ''],
    ['{bytes}', 'héllo'],
    ['{toUpperCase(user.name)}!', 'JDOE!'],
    ['{toUpperCase(user.name}', '{toUpperCase(user.name}'],
    ['{noSuchFunction(user.name)}', ''],
    ['x{noSuchFunction()}y', 'xy'],
    ['{a.b(user.name)}', '{a.b(user.name)}'],
    ["{firstnonnull(unset, '{}')}", '{}'],
  ])('%j renders %j', (text, expected) => {
    expect(compileTemplate(text).render(vars)).toBe(expected);
  });

  it('uses a custom prefix and suffix, leaving braces literal', () => {
    const template = compileTemplate('{"id":"@request.queryparam.id#","user":{"name":"@user.name#"},"raw":"{user.name}"}', { prefix: '@', suffix: '#' });
    expect(template.render(vars)).toBe('{"id":"42","user":{"name":"jdoe"},"raw":"{user.name}"}');
    expect(template.variables).toEqual(['request.queryparam.id', 'user.name']);
  });

  it('accepts multi-character delimiters', () => {
    expect(compileTemplate('<<user.name>> and <<toUpperCase(user.name)>>', { prefix: '<<', suffix: '>>' }).render(vars)).toBe('jdoe and JDOE');
    expect(compileTemplate('a @ b # c @user.name', { prefix: '@', suffix: '#' }).render(vars)).toBe('a @ b # c @user.name');
  });

  it('refuses unusable delimiters', () => {
    expect(() => compileTemplate('x', { prefix: '' })).toThrow(/prefix/);
    expect(() => compileTemplate('x', { suffix: '' })).toThrow(/suffix/);
    expect(() => compileTemplate('x', { prefix: '$', suffix: '.' })).toThrow(/suffix/);
  });

  it('is static when nothing is substituted, and renders without reading variables', () => {
    const reader = variables({});
    for (const text of ['{ "status" : "ok" }', 'plain', '', '{"a":{"b":1}}']) {
      const template = compileTemplate(text);
      expect(template.isStatic).toBe(true);
      expect(template.variables).toEqual([]);
      expect(template.render(reader, { strict: true })).toBe(text);
    }
    expect(reader.reads).toEqual([]);
    expect(compileTemplate('{a}').isStatic).toBe(false);
    expect(compileTemplate('{createUuid()}').isStatic).toBe(false);
  });

  it('lists every variable read, including inside calls, once each', () => {
    const template = compileTemplate("{a.b}-{firstnonnull(c, toUpperCase(d), 'x')}-{a.b}-{jsonPath($.x, e)}");
    expect(template.variables).toEqual(['a.b', 'c', 'd', 'e']);
  });

  describe('strict rendering', () => {
    it('throws UnresolvedVariableError naming the unset variable', () => {
      const template = compileTemplate('id={request.queryparam.id} user={unset.one}');
      expect(() => template.render(vars, { strict: true })).toThrow(UnresolvedVariableError);
      try {
        template.render(vars, { strict: true });
      } catch (err) {
        expect(err).toBeInstanceOf(UnresolvedVariableError);
        expect((err as UnresolvedVariableError).variable).toBe('unset.one');
        expect((err as Error).message).toContain('unset.one');
      }
    });

    it('treats null as unresolved but an empty string as resolved', () => {
      expect(() => compileTemplate('{nothing}').render(vars, { strict: true })).toThrow(UnresolvedVariableError);
      expect(compileTemplate('[{empty}]').render(vars, { strict: true })).toBe('[]');
    });

    it('renders unset references as empty text when lenient (the default)', () => {
      expect(compileTemplate('a{unset.one}b').render(vars)).toBe('ab');
      expect(compileTemplate('a{unset.one}b').render(vars, { strict: false })).toBe('ab');
    });

    it('does not throw for unset variables inside functions', () => {
      expect(compileTemplate("{firstnonnull(unset.one, unset.two)}|{toUpperCase(unset.one)}").render(vars, { strict: true })).toBe('|');
    });
  });

  describe('compile-time errors', () => {
    it.each([
      ['{substring(user.name)}', /substring\(\) takes 2 to 3 argument\(s\), got 1/],
      ['{toUpperCase(a, b)}', /toUpperCase\(\) takes 1 argument\(s\), got 2/],
      ['{createUuid(a)}', /createUuid\(\) takes 0/],
      ["{replaceAll(a, '(?=x)', 'y')}", /replaceAll\(\).*invalid or unsupported Perl syntax/],
      ["{replaceAll(a, '[', 'y')}", /missing closing \]/],
      ["{timeFormatUTC('yyyy-QQ', t)}", /unsupported letter "QQ"/],
      ['{jsonPath($.a[?(@.x)], j)}', /script evaluation is disabled/],
      ['{xPath(/a/, x)}', /invalid XPath/],
      ['{xPath(nosuch(/a), x)}', /Unknown function/],
      ["{hmacSha256(k, v, 'rot13')}", /unknown key encoding/],
      ['{toUpperCase(substring(a))}', /substring\(\) takes/],
    ])('%s', (text, message) => {
      expect(() => compileTemplate(text)).toThrow(message);
    });

    it('quotes the template in the message', () => {
      expect(() => compileTemplate('x {substring(a)}')).toThrow('invalid template "x {substring(a)}"');
    });
  });
});
