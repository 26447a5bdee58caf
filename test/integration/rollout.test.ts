// `baton rollout` against a real gateway: seamless and plain rollouts under load, leftovers, a failing deploy.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli.js';
import type { RolloutReport } from '../../src/rollout/to-rollout-report.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { packMockProxy as mockBundle } from '../helpers/pack-mock-proxy.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function rollout(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const run: Run = { code: -1, stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => void (run.stdout += t), stderr: (t) => void (run.stderr += t), env, cwd: process.cwd() };
  run.code = await runCli(['rollout', ...args], io);
  return run;
}

/** Revision 1 of `orders` deployed at /orders, revision 2 imported (not deployed). */
async function twoRevisions(gw: TestGateway): Promise<void> {
  await gw.deploy('orders', await mockBundle('orders', '/orders', 'one'));
  await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'orders', bytes: await mockBundle('orders', '/orders', 'two'), user: 't', validate: true });
}

function args(gw: TestGateway, revision: number, extra: string[]): string[] {
  return [
    '--management', gw.gateway.adminUrl, '--org', 'demo', '--env', 'test', '--api', 'orders', '--revision', String(revision),
    '--target', `${gw.url()}/orders`, '--user', 'admin@baton.test', '--connections', '4', '--rate', '300', ...extra,
  ];
}

describe('baton rollout', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('reports a clean seamless rollout under load: no 5xx, no transport error, the new revision seen, no leftover', async () => {
    gw = await startGateway({ revisionHeader: true });
    await twoRevisions(gw);
    const run = await rollout(args(gw, 2, ['--before', '1', '--delay', '1', '--after', '1', '--json']), { BATON_ROLLOUT_PASSWORD: 'test-password' });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RolloutReport;
    expect(report.exitCode).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.totals).toMatchObject({ responses5xx: 0, transportErrors: 0 });
    expect(report.phases.before.requests).toBeGreaterThan(10);
    expect(report.phases.during.requests).toBeGreaterThan(10);
    expect(report.phases.after.requests).toBeGreaterThan(10);
    expect(report.phases.before.revisions).toEqual({ 'orders/1': report.phases.before.requests });
    // After the delay window only the new revision serves.
    expect(report.phases.after.revisions).toEqual({ 'orders/2': report.phases.after.requests });
    expect(report.phases.before.latencyMs!.p50).toBeGreaterThan(0);
    expect(report.phases.before.latencyMs!.max).toBeGreaterThanOrEqual(report.phases.before.latencyMs!.p99);
    expect(report.deploy).toMatchObject({ ok: true, status: 200 });
    expect(report.deploy.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1/organizations/demo/environments/test/apis/orders/revisions/2/deployments?override=true&delay=1',
    ]);
    expect(report.newRevision.measuredBy).toBe('revision-header');
    expect(report.newRevision.firstResponseMs).toBeGreaterThan(0);
    expect(report.newRevision.firstResponseMs).toBeLessThan(1000);
    expect(report.deployments).toMatchObject({ checked: true, newRevisionDeployed: true, leftovers: [] });
  });

  it('reports a revision left deployed at another base path and fails, unless the leftover is expected', async () => {
    gw = await startGateway({ revisionHeader: true });
    await twoRevisions(gw);
    const run = await rollout(args(gw, 2, ['--basepath', '/v2', '--before', '0.5', '--delay', '0', '--after', '0.5', '--password', 'test-password']));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/deployments {3}test: revision 2 at \/v2, revision 1 at \/; leftover: revision 1 at \//);
    expect(run.stdout).toContain('leftover: revision 1 at base path / still deployed in test');
    expect(run.stdout).toMatch(/5xx +0 +0 +0/);

    const expected = await rollout(args(gw, 2, ['--basepath', '/v2', '--before', '0.5', '--delay', '0', '--after', '0.5', '--expect-leftover', '--json']), {
      BATON_ROLLOUT_PASSWORD: 'test-password',
    });
    expect(expected.code, expected.stdout).toBe(0);
    const report = JSON.parse(expected.stdout) as RolloutReport;
    expect(report.deployments.leftovers.map((d) => [d.revision, d.basePath, d.flaggedLeftover])).toEqual([['1', '/', true]]);
    // Baton says so itself, beside the Apigee shape of the deploy answer.
    expect(report.deploy.warnings.join('\n')).toContain('revision 1 at / of orders stayed deployed in test');
  });

  it('exits non-zero with the gateway\'s message when the deploy fails', async () => {
    gw = await startGateway({ revisionHeader: true });
    await twoRevisions(gw);
    const run = await rollout(args(gw, 99, ['--before', '0.3', '--delay', '0', '--after', '0', '--password', 'test-password']));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('deploy failed: POST /v1/organizations/demo/environments/test/apis/orders/revisions/99/deployments?override=true&delay=0 answered 404: Revision 99 of APIProxy orders does not exist in organization demo (messaging.config.beans.RevisionDoesNotExist)');
    expect(run.stdout).toContain('result        FAILED');
  });

  it('runs a plain undeploy/deploy end to end and reports what it saw', async () => {
    gw = await startGateway({ revisionHeader: true });
    await twoRevisions(gw);
    const run = await rollout(args(gw, 2, ['--mode', 'plain', '--before', '0.5', '--delay', '1', '--after', '0.5', '--json', '--password', 'test-password']));
    const report = JSON.parse(run.stdout) as RolloutReport;
    expect(report.deploy.calls.map((c) => [c.method, c.status])).toEqual([['GET', 200], ['DELETE', 200], ['POST', 200]]);
    expect(report.deploy.calls[2]!.path).toBe('/v1/organizations/demo/environments/test/apis/orders/revisions/2/deployments');
    expect(report.deployments).toMatchObject({ newRevisionDeployed: true, leftovers: [] });
    expect(report.phases.after.revisions).toEqual({ 'orders/2': report.phases.after.requests });
    // Whatever the gap between undeploy and deploy produced, the exit code follows the rule.
    const failed = report.totals.responses5xx + report.totals.transportErrors > 0;
    expect(run.code).toBe(failed ? 1 : 0);
    expect(report.exitCode).toBe(run.code);
  });

  it('sends no load when the management API refuses the credentials', async () => {
    gw = await startGateway({ revisionHeader: true });
    await twoRevisions(gw);
    const run = await rollout(args(gw, 2, ['--before', '0', '--password', 'wrong']));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^baton rollout: cannot read the deployments of orders: GET \/v1\/organizations\/demo\/apis\/orders\/deployments answered 401/);
    expect(run.stdout).toBe('');
  });
});
