// The problems parseConfig reports for a raw config (none when it is valid), for the config tests.
import { expect } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';

/** `[]` when `raw` is valid; otherwise the ConfigError's problems (anything else thrown fails the test). */
export function configProblems(raw: unknown, env: NodeJS.ProcessEnv = {}, baseDir = '/srv/baton'): readonly string[] {
  try {
    parseConfig(raw, env, baseDir);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}
