// STYLE §6: every error code is unique within its catalog and documented in the README.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminErrors, formatMessage, runtimeFaults } from '../../src/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the error catalog', () => {
  it.each([['management API', adminErrors], ['data plane', runtimeFaults]] as const)('%s codes are unique', (_name, catalog) => {
    const codes = Object.values(catalog).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each([...Object.values(adminErrors), ...Object.values(runtimeFaults)].map((e) => [e.code, e.status] as const))('%s (%i) is documented in the README', (code, status) => {
    const row = readme.split('\n').find((line) => line.includes(`\`${code}\``));
    expect(row, `README has no row for ${code}`).toBeDefined();
    expect(row).toContain(String(status));
  });

  it('fills numbered placeholders and leaves unknown ones', () => {
    expect(formatMessage('Path {0} of {1} ({2})', ['/a', 'x'])).toBe('Path /a of x ({2})');
  });
});
