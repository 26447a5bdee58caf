// runRollout's sequence on a fake clock, fake load and fake management API: phases, calls, failures, progress.
import { describe, expect, it } from 'vitest';
import { ManagementCallError, type ManagementCallResult, type ManagementClient } from '../../../src/rollout/create-management-client.js';
import { parseRolloutOptions, type RolloutOptions } from '../../../src/rollout/parse-rollout-options.js';
import { RolloutAbortError, runRollout, type RolloutDeps } from '../../../src/rollout/run-rollout.js';
import type { ProgressState } from '../../../src/rollout/create-progress-line.js';
import type { RolloutSample } from '../../../src/rollout/rollout-sample.js';

const base = '/v1/organizations/demo';

function options(extra: string[] = []): RolloutOptions {
  const parsed = parseRolloutOptions([
    '--management', 'http://mgmt', '--org', 'demo', '--env', 'test', '--api', 'orders', '--revision', '2', '--target', 'http://gw/orders',
    '--token', 't', '--before', '0.1', '--delay', '1', '--after', '0.1', ...extra,
  ], {});
  if (parsed.help) throw new Error('unexpected help');
  return parsed.options;
}

const entry = (name: string, extra: Record<string, unknown> = {}) => ({ configuration: { basePath: '/', steps: [] }, name, server: [], state: 'deployed', ...extra });
const perProxy = (...revisions: unknown[]) => ({ environment: [{ name: 'test', revision: revisions }], name: 'orders', organization: 'demo' });
const answer = (method: string, path: string, status: number, body: unknown = {}): ManagementCallResult => ({ method, path, status, body });

/** A fake world: every 10 ms of sleep, one 2 ms request completes, served by `served`. */
class World {
  t = 0;
  served: string | undefined = 'orders/1';
  calls: string[] = [];
  sleeps: number[] = [];
  loadCreated = 0;
  loadClosed = false;
  private onSample: ((sample: RolloutSample) => void) | undefined;

  deps(management: Partial<ManagementClient>): RolloutDeps {
    return {
      now: () => this.t,
      sleep: async (ms) => {
        this.sleeps.push(ms);
        const end = this.t + ms;
        while (this.t + 10 <= end) {
          this.t += 10;
          this.onSample?.({ startedAtMs: this.t - 2, completedAtMs: this.t, status: 200, revision: this.served });
        }
        this.t = end;
      },
      createLoadDriver: (_options, onSample) => {
        this.loadCreated += 1;
        this.onSample = onSample;
        return {
          close: async () => {
            this.loadClosed = true;
            this.onSample = undefined;
          },
        };
      },
      createManagementClient: () => ({
        deploy: async () => answer('POST', '?', 500),
        undeploy: async () => answer('DELETE', '?', 500),
        listApiDeployments: async () => answer('GET', '?', 500),
        listEnvironmentApiDeployments: async () => answer('GET', '?', 500),
        close: async () => void this.calls.push('close'),
        ...management,
      }),
    };
  }
}

/** Per-proxy listings answered in turn: the pre-flight read, then the check(s). */
function listings(world: World, ...bodies: unknown[]): Pick<ManagementClient, 'listApiDeployments'> {
  return {
    listApiDeployments: async () => {
      world.calls.push(`list (load ${world.loadClosed ? 'stopped' : world.loadCreated > 0 ? 'running' : 'not started'})`);
      return answer('GET', `${base}/apis/orders/deployments`, 200, bodies.shift());
    },
  };
}

describe('runRollout', () => {
  it('loads before, deploys with override and delay, loads through the delay and after, then checks the deployments', async () => {
    const world = new World();
    const progress: ProgressState[] = [];
    const report = await runRollout({ options: options(), body: undefined, onProgress: (p) => progress.push(p) }, world.deps({
      ...listings(world, perProxy(entry('1')), perProxy(entry('2'))),
      deploy: async (call) => {
        world.calls.push(`deploy ${call.revision} override=${call.override} delay=${call.delaySeconds}`);
        world.t += 20;
        world.served = 'orders/2';
        return answer('POST', `${base}/environments/test/apis/orders/revisions/2/deployments?override=true&delay=1`, 200);
      },
    }));
    expect(world.calls).toEqual(['list (load not started)', 'deploy 2 override=true delay=1', 'list (load stopped)', 'close']);
    expect(report.phases.before).toMatchObject({ durationMs: 100, requests: 10, revisions: { 'orders/1': 10 }, latencyMs: { p50: 2, p99: 2, max: 2 } });
    // The request completing exactly at the end of the delay window belongs to after.
    expect(report.phases.during).toMatchObject({ durationMs: 1020, requests: 99, revisions: { 'orders/2': 99 } });
    expect(report.phases.after).toMatchObject({ durationMs: 100, requests: 11, requestsPerSecond: 110 });
    expect(report.deploy).toMatchObject({ ok: true, status: 200, durationMs: 20, calls: [{ method: 'POST', status: 200, durationMs: 20 }] });
    expect(report.newRevision).toEqual({ firstResponseMs: 30, measuredBy: 'revision-header', note: undefined });
    expect(report.deployments).toMatchObject({ checked: true, newRevisionDeployed: true, leftovers: [] });
    expect(report.exitCode).toBe(0);
    expect(progress.map((p) => p.phase)).toEqual(['before', 'during', 'during', 'after']);
    expect(progress.at(-1)).toMatchObject({ elapsedMs: 1120, plannedMs: 1200, requests: 110, errors: 0 });
  });

  it('measures to the first 2xx that started after the call returned when responses carry no revision header', async () => {
    const world = new World();
    world.served = undefined;
    const report = await runRollout({ options: options(), body: undefined }, world.deps({
      ...listings(world, perProxy(entry('1')), perProxy(entry('2'))),
      deploy: async () => {
        world.t += 20;
        return answer('POST', '/x', 200);
      },
    }));
    expect(report.newRevision).toEqual({
      firstResponseMs: 30,
      measuredBy: 'first-response-after-call',
      note: 'no revision header (x-baton-revision); measured to the first 2xx response that started after the call returned',
    });
  });

  it('stops the load as soon as a deploy fails and reports the gateway\'s message', async () => {
    const world = new World();
    const report = await runRollout({ options: options(), body: undefined }, world.deps({
      ...listings(world, perProxy(entry('1'))),
      deploy: async () => {
        world.t += 5;
        return answer('POST', `${base}/environments/test/apis/orders/revisions/2/deployments?override=true&delay=1`, 404, {
          code: 'messaging.config.beans.RevisionDoesNotExist', message: 'Revision 2 of APIProxy orders does not exist in organization demo', contexts: [],
        });
      },
    }));
    expect(world.loadClosed).toBe(true);
    expect(world.sleeps).toEqual([100]);
    expect(world.calls).toEqual(['list (load not started)', 'close']);
    expect(report.phases.after.requests).toBe(0);
    expect(report.deploy).toMatchObject({ ok: false, status: 404 });
    expect(report.deployments.checked).toBe(false);
    expect(report.newRevision.note).toBe('the deploy failed');
    expect(report.exitCode).toBe(1);
    expect(report.failures).toEqual([
      `deploy failed: POST ${base}/environments/test/apis/orders/revisions/2/deployments?override=true&delay=1 answered 404: ` +
        'Revision 2 of APIProxy orders does not exist in organization demo (messaging.config.beans.RevisionDoesNotExist)',
    ]);
  });

  it('reports a deploy call that got no answer', async () => {
    const world = new World();
    const report = await runRollout({ options: options(), body: undefined }, world.deps({
      ...listings(world, perProxy(entry('1'))),
      deploy: async () => {
        throw new ManagementCallError('POST', '/p', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      },
    }));
    expect(report.deploy.calls).toEqual([{ method: 'POST', path: '/p', status: undefined, durationMs: 0, error: 'POST /p: ECONNREFUSED' }]);
    expect(report.failures).toEqual(['deploy failed: POST /p: ECONNREFUSED']);
  });

  it('plain mode undeploys every deployed revision, then deploys without override', async () => {
    const world = new World();
    const report = await runRollout({ options: options(['--mode', 'plain']), body: undefined }, world.deps({
      ...listings(world, perProxy(entry('1')), perProxy(entry('2'))),
      listEnvironmentApiDeployments: async (env, api) => {
        world.calls.push(`list ${env}/${api}`);
        return answer('GET', '/env-listing', 200, { environment: 'test', name: 'orders', organization: 'demo', revision: [entry('1'), entry('0', { state: 'undeployed' })] });
      },
      undeploy: async (call) => {
        world.calls.push(`undeploy ${call.revision}`);
        world.served = undefined;
        return answer('DELETE', '/undeploy', 200);
      },
      deploy: async (call) => {
        world.calls.push(`deploy ${call.revision} override=${call.override} delay=${call.delaySeconds}`);
        world.served = 'orders/2';
        return answer('POST', '/deploy', 200);
      },
    }));
    expect(world.calls).toEqual(['list (load not started)', 'list test/orders', 'undeploy 1', 'deploy 2 override=false delay=undefined', 'list (load stopped)', 'close']);
    expect(report.deploy.calls.map((c) => c.method)).toEqual(['GET', 'DELETE', 'POST']);
    expect(report.exitCode).toBe(0);
  });

  it('plain mode treats 400 ApplicationNotDeployed as nothing to undeploy', async () => {
    const world = new World();
    const report = await runRollout({ options: options(['--mode', 'plain']), body: undefined }, world.deps({
      ...listings(world, { environment: [] }, perProxy(entry('2'))),
      listEnvironmentApiDeployments: async () => answer('GET', '/env-listing', 400, { code: 'distribution.ApplicationNotDeployed', message: 'Application orders is not deployed in environment test' }),
      deploy: async () => answer('POST', '/deploy', 200),
    }));
    expect(report.deploy.calls.map((c) => c.method)).toEqual(['GET', 'POST']);
    expect(report.exitCode).toBe(0);
  });

  it('sends no load when the management API refuses the pre-flight read', async () => {
    const world = new World();
    const run = runRollout({ options: options(), body: undefined }, world.deps({
      listApiDeployments: async () => answer('GET', `${base}/apis/orders/deployments`, 401, { code: 'security.Unauthorized', message: 'Authentication required' }),
    }));
    await expect(run).rejects.toThrow(RolloutAbortError);
    await expect(run).rejects.toThrow(`cannot read the deployments of orders: GET ${base}/apis/orders/deployments answered 401: Authentication required (security.Unauthorized)`);
    expect(world.loadCreated).toBe(0);
    expect(world.calls).toEqual(['close']);
  });

  it('looks again while a replaced revision is still draining before calling it a leftover', async () => {
    const world = new World();
    const report = await runRollout({ options: options(['--delay', '0']), body: undefined }, world.deps({
      ...listings(world, perProxy(entry('1')), perProxy(entry('2'), entry('1', { baton: { draining: true, inflight: 1, undeployAt: 0 } })), perProxy(entry('2'))),
      deploy: async () => answer('POST', '/deploy', 200),
    }));
    expect(world.sleeps.at(-1)).toBe(250);
    expect(report.deployments.leftovers).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('reports a leftover and a listing it cannot read', async () => {
    const world = new World();
    const leftover = await runRollout({ options: options(['--basepath', '/v2']), body: undefined }, world.deps({
      ...listings(world, perProxy(entry('1')), perProxy(entry('2'), entry('1'))),
      deploy: async (call) => {
        expect(call.basePath).toBe('/v2');
        return answer('POST', '/deploy', 200, { baton: { warning: 'revision 1 stays deployed at /' } });
      },
    }));
    expect(leftover.deployments.leftovers.map((d) => d.revision)).toEqual(['1']);
    expect(leftover.deploy.warnings).toEqual(['revision 1 stays deployed at /']);
    expect(leftover.exitCode).toBe(1);

    const broken = new World();
    let reads = 0;
    const unreadable = await runRollout({ options: options(), body: undefined }, broken.deps({
      listApiDeployments: async () => (reads++ === 0 ? answer('GET', '/l', 200, perProxy(entry('1'))) : answer('GET', '/l', 503, 'upstream busy')),
      deploy: async () => answer('POST', '/deploy', 200),
    }));
    expect(unreadable.deployments).toMatchObject({ checked: false, error: 'GET /l answered 503: upstream busy' });
    expect(unreadable.failures).toEqual(['could not check the deployments: GET /l answered 503: upstream busy']);
  });
});
