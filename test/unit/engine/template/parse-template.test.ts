import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../../src/engine/template/parse-template.js';

describe('parseTemplate', () => {
  it('splits literal text and variable references', () => {
    expect(parseTemplate('a {x.y-z} b', '{', '}')).toEqual(['a ', { kind: 'variable', name: 'x.y-z' }, ' b']);
  });

  it('reads function calls with literal, numeric, variable and nested arguments', () => {
    expect(parseTemplate("{f( 'a,b' , -1.5, v.w, g(), \"q\\\"\" )}", '{', '}')).toEqual([
      {
        kind: 'call',
        name: 'f',
        args: [
          { kind: 'literal', value: 'a,b' },
          { kind: 'literal', value: '-1.5' },
          { kind: 'variable', name: 'v.w' },
          { kind: 'call', name: 'g', args: [] },
          { kind: 'literal', value: 'q"' },
        ],
      },
    ]);
  });

  it('keeps backslashes other than an escaped quote', () => {
    expect(parseTemplate("{f('\\d+\\'')}", '{', '}')).toEqual([{ kind: 'call', name: 'f', args: [{ kind: 'literal', value: "\\d+'" }] }]);
  });

  it('reads the first argument of jsonPath and xPath raw, up to a top-level comma', () => {
    expect(parseTemplate("{jsonPath($.a['x,y'][0,1], j)}", '{', '}')).toEqual([
      { kind: 'call', name: 'jsonPath', args: [{ kind: 'literal', value: "$.a['x,y'][0,1]" }, { kind: 'variable', name: 'j' }] },
    ]);
    expect(parseTemplate('{xPath(concat(/a, "x,)"), doc)}', '{', '}')).toEqual([
      { kind: 'call', name: 'xPath', args: [{ kind: 'literal', value: 'concat(/a, "x,)")' }, { kind: 'variable', name: 'doc' }] },
    ]);
    expect(parseTemplate("{xPath('/a', doc)}", '{', '}')).toEqual([
      { kind: 'call', name: 'xPath', args: [{ kind: 'literal', value: '/a' }, { kind: 'variable', name: 'doc' }] },
    ]);
  });

  it.each([
    ['{ "a" : 1 }'],
    ['{"a":{"b":2}}'],
    ["{f('unclosed)}"],
    ['{f(a b)}'],
    ['{f(a,)}'],
    ['{f(,a)}'],
    ['{a.b-c(x)}'],
    ['{x}y', '@', '#'],
  ])('leaves %j literal', (text, prefix = '{', suffix = '}') => {
    expect(parseTemplate(text, prefix, suffix)).toEqual([text]);
  });

  it('leaves very deep nesting literal instead of recursing without bound', () => {
    const text = `{${'f('.repeat(1000)}x${')'.repeat(1000)}}`;
    expect(parseTemplate(text, '{', '}')).toEqual([text]);
  });

  it('resumes scanning after a brace that opens no reference', () => {
    expect(parseTemplate('{"n":{v}}', '{', '}')).toEqual(['{"n":', { kind: 'variable', name: 'v' }, '}']);
  });
});
