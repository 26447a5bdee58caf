// <Javascript> at import: config from XML, and every problem named with its element or file.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_LIMIT_MS } from '../../../../src/policies/javascript/parse.js';
import { javascriptPolicy } from '../../../../src/policies/javascript/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

const resources = (files: Record<string, string>): Map<string, Uint8Array> =>
  new Map(Object.entries(files).map(([name, text]) => [`jsc://${name}`, Buffer.from(text)]));

describe('Javascript parse', () => {
  it('reads timeLimit, ResourceURL, IncludeURLs in order and Properties', () => {
    const { config, problems } = parsePolicy(javascriptPolicy, `
      <Javascript name="JS-1" timeLimit="350" continueOnError="false" enabled="true">
        <DisplayName>JS 1</DisplayName>
        <Properties><Property name="greeting">hello</Property><Property name="target"> http://x </Property></Properties>
        <IncludeURL>jsc://lib/a.js</IncludeURL>
        <IncludeURL>jsc://b.js</IncludeURL>
        <ResourceURL>jsc://main.js</ResourceURL>
      </Javascript>`, { resources: resources({ 'lib/a.js': 'var a = 1;', 'b.js': 'var b = 2;', 'main.js': 'a + b;' }) });
    expect(problems).toEqual([]);
    expect(config).toEqual({
      timeLimitMs: 350,
      resourceUrl: 'jsc://main.js',
      includeUrls: ['jsc://lib/a.js', 'jsc://b.js'],
      source: undefined,
      properties: [['greeting', 'hello'], ['target', 'http://x']],
    });
  });

  it('takes inline code from <Source> and defaults timeLimit', () => {
    const { config, problems } = parsePolicy(javascriptPolicy, '<Javascript name="Inline"><Source><![CDATA[context.setVariable("a", 1 < 2);]]></Source></Javascript>');
    expect(problems).toEqual([]);
    expect(config.source).toBe('context.setVariable("a", 1 < 2);');
    expect(config.timeLimitMs).toBe(DEFAULT_TIME_LIMIT_MS);
  });

  it('requires code: a ResourceURL or a Source', () => {
    const { problems } = parsePolicy(javascriptPolicy, '<Javascript name="Empty" timeLimit="100"/>');
    expect(problems).toEqual(['Javascript Empty: <ResourceURL> (jsc://<file>.js) or <Source> is required']);
  });

  it('names the missing jsc resource, for the main script and for includes', () => {
    const { problems } = parsePolicy(javascriptPolicy, `
      <Javascript name="Missing" timeLimit="100">
        <IncludeURL>jsc://helpers.js</IncludeURL>
        <ResourceURL>jsc://main.js</ResourceURL>
      </Javascript>`);
    expect(problems).toEqual([
      'Javascript Missing: <IncludeURL> jsc://helpers.js: no such resource (expected apiproxy/resources/jsc/helpers.js)',
      'Javascript Missing: <ResourceURL> jsc://main.js: no such resource (expected apiproxy/resources/jsc/main.js)',
    ]);
  });

  it('rejects a ResourceURL that is not jsc://', () => {
    const { problems } = parsePolicy(javascriptPolicy, '<Javascript name="Bad" timeLimit="100"><ResourceURL>xsl://main.js</ResourceURL></Javascript>');
    expect(problems).toEqual(['Javascript Bad: <ResourceURL> must be jsc://<file>.js, got "xsl://main.js"']);
  });

  it('rejects a timeLimit that is not a positive whole number of milliseconds', () => {
    for (const value of ['0', '-5', '1.5', 'abc', '']) {
      const { problems } = parsePolicy(javascriptPolicy, `<Javascript name="T" timeLimit="${value}"><Source>1</Source></Javascript>`);
      expect(problems).toEqual([`Javascript T: timeLimit must be a whole number of milliseconds from 1 to 3600000, got "${value}"`]);
    }
  });

  it('reports a syntax error with its file and line, counting includes separately', () => {
    const { problems } = parsePolicy(javascriptPolicy, `
      <Javascript name="Syntax" timeLimit="100">
        <IncludeURL>jsc://ok.js</IncludeURL>
        <ResourceURL>jsc://broken.js</ResourceURL>
      </Javascript>`, { resources: resources({ 'ok.js': 'var a = 1;\nvar b = 2;\n', 'broken.js': 'var c = 3;\nvar d = ;\n' }) });
    expect(problems).toEqual(["Javascript Syntax: JavaScript compilation failed: broken.js:2: SyntaxError: Unexpected token ';'"]);
  });

  it('does not let code close the function it is compiled into', () => {
    const { problems } = parsePolicy(javascriptPolicy, '<Javascript name="Escape" timeLimit="100"><Source>}); (function () {</Source></Javascript>');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Javascript Escape: JavaScript compilation failed: Source:1: SyntaxError/);
  });

  it('reports unknown elements, repeated ResourceURLs and unnamed properties', () => {
    const { problems } = parsePolicy(javascriptPolicy, `
      <Javascript name="Odd" timeLimit="100">
        <ResourceURL>jsc://a.js</ResourceURL><ResourceURL>jsc://a.js</ResourceURL>
        <Properties><Property>v</Property><Other/></Properties>
        <Sauce>1</Sauce>
      </Javascript>`, { resources: resources({ 'a.js': '1;' }) });
    expect(problems).toEqual([
      'Javascript Odd: <Sauce> is not supported inside <Javascript>',
      'Javascript Odd: <ResourceURL> appears 2 times; expected at most once',
      'Javascript Odd: <Property> inside <Properties> needs a name attribute',
      'Javascript Odd: <Other> is not supported inside <Properties>',
    ]);
  });
});
