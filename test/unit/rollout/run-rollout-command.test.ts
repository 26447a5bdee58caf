// The `baton rollout` command glue: help, usage errors, output modes, progress on a terminal, the --body file.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../../src/cli.js';
import type { ManagementCallResult } from '../../../src/rollout/create-management-client.js';
import type { LoadOptions } from '../../../src/rollout/create-load-driver.js';
import { runRolloutCommand, type RolloutCommandDeps } from '../../../src/rollout/run-rollout-command.js';
import { rolloutUsage } from '../../../src/rollout/rollout-usage.js';
import type { RolloutReport } from '../../../src/rollout/to-rollout-report.js';
import { makeTempDir } from '../../helpers/make-temp-dir.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const listing = (...names: string[]) => ({
  environment: [{ name: 'test', revision: names.map((name) => ({ configuration: { basePath: '/', steps: [] }, name, server: [], state: 'deployed' })) }],
});

/** A fake clock, load (one 200 from `orders/1` then `orders/2` every 10 ms) and management API (deploy answers `deployStatus`). */
function fakeDeps(options: { terminal?: boolean; deployStatus?: number; after?: string[]; loads?: LoadOptions[] } = {}): RolloutCommandDeps {
  let t = 0;
  let served = 'orders/1';
  let emit: ((status: number) => void) | undefined;
  const listings = [listing('1'), listing(...(options.after ?? ['2']))];
  const answer = (method: string, status: number, body: unknown): ManagementCallResult => ({ method, path: '/p', status, body });
  return {
    isStderrTerminal: () => options.terminal ?? false,
    rollout: {
      now: () => t,
      sleep: async (ms) => {
        for (const end = t + ms; t + 10 <= end;) {
          t += 10;
          emit?.(200);
        }
      },
      createLoadDriver: (loadOptions, onSample) => {
        options.loads?.push(loadOptions);
        emit = (status) => onSample({ startedAtMs: t - 1, completedAtMs: t, status, revision: served });
        return { close: async () => void (emit = undefined) };
      },
      createManagementClient: () => ({
        listApiDeployments: async () => answer('GET', 200, listings.shift()),
        listEnvironmentApiDeployments: async () => answer('GET', 500, ''),
        undeploy: async () => answer('DELETE', 500, ''),
        deploy: async () => {
          served = 'orders/2';
          return answer('POST', options.deployStatus ?? 200, options.deployStatus === undefined ? {} : { code: 'x.Y', message: 'nope' });
        },
        close: async () => undefined,
      }),
    },
  };
}

const required = [
  '--management', 'http://mgmt', '--org', 'demo', '--env', 'test', '--api', 'orders', '--revision', '2', '--target', 'http://gw/orders',
  '--before', '0.05', '--delay', '0', '--after', '0.05',
];

async function run(args: string[], deps: RolloutCommandDeps, env: NodeJS.ProcessEnv = { BATON_ROLLOUT_TOKEN: 't' }, cwd = tmpdir()): Promise<Run> {
  const result: Run = { code: -1, stdout: '', stderr: '' };
  result.code = await runRolloutCommand(args, { stdout: (t) => void (result.stdout += t), stderr: (t) => void (result.stderr += t), env, cwd }, deps);
  return result;
}

describe('baton rollout (command)', () => {
  it('documents every flag in --help', async () => {
    const help = await run(['--help'], fakeDeps());
    expect(help).toEqual({ code: 0, stdout: rolloutUsage, stderr: '' });
    for (const flag of [
      'management', 'org', 'env', 'api', 'revision', 'target', 'mode', 'delay', 'basepath', 'before', 'after', 'connections', 'rate', 'method',
      'body', 'content-type', 'user', 'password', 'token', 'revision-header', 'expect-leftover', 'json', 'insecure', 'help',
    ]) expect(rolloutUsage).toContain(`--${flag}`);
    expect(rolloutUsage).toContain('BATON_ROLLOUT_PASSWORD');
    expect(rolloutUsage).toContain('BATON_ROLLOUT_TOKEN');
  });

  it('is reachable from the baton command and listed in its help', async () => {
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, env: {}, cwd: tmpdir() };
    expect(await runCli(['rollout', '--help'], io)).toBe(0);
    expect(stdout).toBe(rolloutUsage);
    stdout = '';
    expect(await runCli(['--help'], io)).toBe(0);
    expect(stdout).toContain('baton rollout --management <url>');
  });

  it('exits 2 with every problem and the usage on a usage error', async () => {
    const result = await run(['--connections', '5000'], fakeDeps(), {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('baton rollout: --management is required\n');
    expect(result.stderr).toContain('baton rollout: --connections: expected an integer 1-1000, got "5000"\n');
    expect(result.stderr).toContain(rolloutUsage);
  });

  it('prints one JSON document with --json and the failures on stderr', async () => {
    const ok = await run([...required, '--json'], fakeDeps());
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    const report = JSON.parse(ok.stdout) as RolloutReport;
    expect(report).toMatchObject({ exitCode: 0, failures: [], totals: { responses5xx: 0, transportErrors: 0 } });
    expect(JSON.stringify(report)).not.toContain('"t"');

    const leftover = await run([...required, '--json'], fakeDeps({ after: ['2', '1'] }));
    expect(leftover.code).toBe(1);
    expect(leftover.stderr).toBe('baton rollout: leftover: revision 1 at base path / still deployed in test\n');
    expect((JSON.parse(leftover.stdout) as RolloutReport).exitCode).toBe(1);
  });

  it('prints the table by default', async () => {
    const result = await run(required, fakeDeps({ deployStatus: 409 }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^baton rollout: revision 2 of orders in demo\/test \(seamless, delay 0 s\)\n/);
    expect(result.stdout).toMatch(/\n {2}requests +5 +0 +0\n/);
    expect(result.stdout).toMatch(/\n {2}rev orders\/1 +5 +0 +0\n/);
    expect(result.stdout).toContain('deploy        POST /p → 409 in 0.0 ms\n');
    expect(result.stdout).toContain('result        FAILED\n  - deploy failed: POST /p answered 409: nope (x.Y)\n');
    expect(result.stderr).toBe('');
  });

  it('draws a progress line on stderr only when stderr is a terminal, and erases it', async () => {
    const terminal = await run([...required, '--json'], fakeDeps({ terminal: true }));
    expect(terminal.stderr).toMatch(/^\r\x1b\[Krollout [█░]{20} before/);
    expect(terminal.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(() => JSON.parse(terminal.stdout) as unknown).not.toThrow();
    const piped = await run([...required, '--json'], fakeDeps({ terminal: false }));
    expect(piped.stderr).toBe('');
  });

  it('sends the --body file with its content type, and refuses a missing or oversized one', async () => {
    const dir = makeTempDir('baton-rollout-');
    writeFileSync(join(dir, 'order.json'), '{"id":1}');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(1024 * 1024 + 1));
    const loads: LoadOptions[] = [];
    const sent = await run([...required, '--method', 'POST', '--body', 'order.json'], fakeDeps({ loads }), undefined, dir);
    expect(sent.code).toBe(0);
    expect(loads[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(loads[0]!.body!.toString()).toBe('{"id":1}');

    const missing = await run([...required, '--method', 'POST', '--body', 'nope.json'], fakeDeps(), undefined, dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^baton rollout: ENOENT: no such file or directory/);
    const big = await run([...required, '--method', 'POST', '--body', 'big.bin'], fakeDeps(), undefined, dir);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/^baton rollout: --body .*big\.bin: 1048577 bytes, more than the 1048576 allowed\n$/);
  });
});
