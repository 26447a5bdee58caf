// API product resource paths: `/` and `/**` cover everything, `/*` one segment, literals exactly, `**` any depth.
import { describe, expect, it } from 'vitest';
import { compileApiResources } from '../../../src/developers/compile-api-resources.js';

describe('compileApiResources', () => {
  it.each([
    [[], ['', '/', '/a', '/a/b/c'], []],
    [['/'], ['', '/a', '/a/b'], []],
    [['/**'], ['', '/a', '/a/b/c'], []],
    [['/*'], ['/a', '/b/'], ['', '/a/b']],
    [['/forecast'], ['/forecast', '/forecast/'], ['/forecasts', '/forecast/x', '/']],
    [['/forecast/**'], ['/forecast', '/forecast/x', '/forecast/x/y'], ['/other', '/forecastx']],
    [['/a/*/c'], ['/a/b/c'], ['/a/c', '/a/b/d', '/a/b/x/c']],
    [['/a/**/z'], ['/a/z', '/a/b/z', '/a/b/c/z'], ['/a/b', '/z']],
    [['/x', '/y/*'], ['/x', '/y/1'], ['/y', '/z']],
  ] as const)('%j matches %j and not %j', (patterns, matching, other) => {
    const matches = compileApiResources(patterns);
    for (const path of matching) expect(matches(path), path).toBe(true);
    for (const path of other) expect(matches(path), path).toBe(false);
  });

  it('stays linear on patterns with many ** segments', () => {
    const matches = compileApiResources([`/${Array.from({ length: 40 }, () => '**').join('/')}/never`]);
    const started = performance.now();
    expect(matches(`/${Array.from({ length: 200 }, (_, i) => `s${i}`).join('/')}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
