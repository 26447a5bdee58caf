import { describe, expect, it } from 'vitest';
import { parseRolloutOptions, RolloutUsageError, type RolloutOptions } from '../../../src/rollout/parse-rollout-options.js';

const required = [
  '--management', 'http://127.0.0.1:8080', '--org', 'demo', '--env', 'test', '--api', 'orders', '--revision', '2',
  '--target', 'http://127.0.0.1:9001/orders/items', '--user', 'admin@baton.test', '--password', 'pw',
];

function parse(args: string[], env: NodeJS.ProcessEnv = {}): RolloutOptions {
  const parsed = parseRolloutOptions(args, env);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.options;
}

function problemsOf(args: string[], env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    parseRolloutOptions(args, env);
  } catch (err) {
    if (err instanceof RolloutUsageError) return err.problems;
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('parseRolloutOptions', () => {
  it('applies the defaults', () => {
    expect(parse(required)).toEqual({
      managementUrl: 'http://127.0.0.1:8080', organization: 'demo', environment: 'test', api: 'orders', revision: 2,
      targetUrl: 'http://127.0.0.1:9001/orders/items', mode: 'seamless', delaySeconds: 5, basePath: undefined,
      beforeMs: 5000, afterMs: 5000, connections: 10, overallRate: undefined, method: 'GET', bodyPath: undefined,
      contentType: undefined, credentials: { user: 'admin@baton.test', password: 'pw' }, revisionHeader: 'x-baton-revision',
      expectLeftover: false, json: false, insecure: false,
    });
  });

  it('reads every option', () => {
    const options = parse([
      ...required, '--mode', 'plain', '--delay', '8', '--basepath', '/v2', '--before', '1.5', '--after', '0', '--connections', '1000',
      '--rate', '500', '--method', 'post', '--body', 'order.json', '--revision-header', 'X-Rev', '--expect-leftover', '--json', '--insecure',
    ]);
    expect(options).toMatchObject({
      mode: 'plain', delaySeconds: 8, basePath: '/v2', beforeMs: 1500, afterMs: 0, connections: 1000, overallRate: 500, method: 'POST',
      bodyPath: 'order.json', contentType: 'application/json', revisionHeader: 'x-rev', expectLeftover: true, json: true, insecure: true,
    });
    expect(parse([...required, '--method', 'POST', '--body', 'b.bin']).contentType).toBe('application/octet-stream');
    expect(parse([...required, '--method', 'POST', '--body', 'b.bin', '--content-type', 'text/csv; charset=utf-8']).contentType).toBe('text/csv; charset=utf-8');
  });

  it('strips a trailing slash and /v1 from the management URL (the client appends /v1)', () => {
    expect(parse([...required, '--management', 'https://api.enterprise.apigee.com/v1/']).managementUrl).toBe('https://api.enterprise.apigee.com');
    expect(parse([...required, '--management', 'http://gw.example/admin/']).managementUrl).toBe('http://gw.example/admin');
  });

  it('takes secrets from the environment so they need not be in argv; flags win', () => {
    const withoutPassword = required.filter((a) => a !== '--password' && a !== 'pw');
    expect(parse(withoutPassword, { BATON_ROLLOUT_PASSWORD: 'from-env' }).credentials).toEqual({ user: 'admin@baton.test', password: 'from-env' });
    expect(parse(required, { BATON_ROLLOUT_PASSWORD: 'from-env' }).credentials).toEqual({ user: 'admin@baton.test', password: 'pw' });
    const anonymous = required.slice(0, -4);
    expect(parse(anonymous, { BATON_ROLLOUT_TOKEN: 'tok' }).credentials).toEqual({ token: 'tok' });
    expect(parse([...anonymous, '--token', 'flag-tok'], { BATON_ROLLOUT_TOKEN: 'tok' }).credentials).toEqual({ token: 'flag-tok' });
  });

  it('returns help without validating anything else', () => {
    expect(parseRolloutOptions(['--help'], {})).toEqual({ help: true });
    expect(parseRolloutOptions(['-h', '--connections', 'lots'], {})).toEqual({ help: true });
  });

  it('reports every missing required option at once', () => {
    expect(problemsOf([])).toEqual([
      '--management is required', '--org is required', '--env is required', '--api is required', '--revision is required', '--target is required',
      'management credentials are required: --user with --password (or BATON_ROLLOUT_PASSWORD), or --token (or BATON_ROLLOUT_TOKEN)',
    ]);
  });

  it('bounds durations, connections and rate', () => {
    expect(problemsOf([...required, '--before', '601', '--after=-1', '--delay', '1.5', '--connections', '1001', '--rate', '0'])).toEqual([
      '--delay: expected an integer 0-600, got "1.5"',
      '--before: expected seconds 0-600 (up to 3 decimals), got "601"',
      '--after: expected seconds 0-600 (up to 3 decimals), got "-1"',
      '--connections: expected an integer 1-1000, got "1001"',
      '--rate: expected an integer 1-100000, got "0"',
    ]);
    expect(problemsOf([...required, '--delay', '601'])).toEqual(['--delay: expected an integer 0-600, got "601"']);
    expect(problemsOf([...required, '--connections', '0'])).toEqual(['--connections: expected an integer 1-1000, got "0"']);
    expect(parse([...required, '--before', '600', '--after', '600', '--delay', '600']).beforeMs).toBe(600_000);
  });

  it('rejects malformed values', () => {
    expect(problemsOf([...required, '--revision', '0', '--mode', 'fast', '--method', 'DELETE', '--target', 'ftp://x/', '--basepath', 'v2'])).toEqual([
      '--revision: expected an integer 1-9007199254740991, got "0"',
      '--target: expected an http or https URL, got "ftp://x/"',
      '--mode: expected seamless or plain, got "fast"',
      '--method: expected GET or POST, got "DELETE"',
      '--basepath: expected a path starting with /, got "v2"',
    ]);
    expect(problemsOf([...required, '--org', 'a/b'])).toEqual(['--org: expected a name of letters, digits and . _ $ % -, got "a/b"']);
    expect(problemsOf([...required, '--revision-header', 'bad header'])).toEqual(['--revision-header: expected a header name, got "bad header"']);
    expect(problemsOf([...required, '--body', 'b.json'])).toEqual(['--body needs --method POST']);
    expect(problemsOf([...required, '--content-type', 'text/plain'])).toEqual(['--content-type needs --body']);
  });

  it('refuses credentials in the management URL and conflicting credentials', () => {
    expect(problemsOf([...required, '--management', 'http://u:p@127.0.0.1:8080'])).toEqual(['--management: put credentials in --user/--password or --token, not in the URL']);
    expect(problemsOf([...required, '--token', 't'])).toEqual(['give either --user (with a password) or --token, not both']);
    expect(problemsOf([...required.slice(0, -4), '--password', 'pw'])).toEqual(['--password needs --user']);
    expect(problemsOf(required.slice(0, -2))).toEqual(['--user needs a password: --password or BATON_ROLLOUT_PASSWORD']);
  });

  it('turns unknown options and stray arguments into usage errors', () => {
    expect(problemsOf([...required, '--nope'])[0]).toMatch(/Unknown option '--nope'/);
    expect(problemsOf([...required, 'extra'])).toEqual(['unexpected argument: extra']);
  });
});
