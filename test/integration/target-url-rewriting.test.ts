// target.url through a real gateway (compat §6.4): flow-written URLs, copy flags, URL joining and LoadBalancer <Path>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

function assignVariable(policy: string, name: string, inner: string): string {
  return `<AssignMessage name="${policy}"><AssignVariable><Name>${name}</Name>${inner}</AssignVariable></AssignMessage>`;
}

/** A pass-through proxy whose TargetEndpoint PreFlow request runs `policy` (the target request flow). */
function rewritingProxy(name: string, basePath: string, url: string, policyXml: string): Promise<Uint8Array> {
  return packProxy({
    name,
    basePath,
    targetEndpoint: `<PreFlow><Request><Step><Name>AV</Name></Step></Request></PreFlow>${toUrlConnection(url)}`,
    policies: { AV: policyXml },
  });
}

describe('target.url through a real gateway (compat §6.4)', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway({ targetServers: [{ name: 'ts1', host: '127.0.0.1', port: target.port, enabled: true }] });
    await gw.deploy('written', await rewritingProxy('written', '/written', `${target.url}/base`,
      assignVariable('AV', 'target.url', '<Template>{target.url}/rewritten?from=template</Template>')));
    await gw.deploy('nosuffix', await rewritingProxy('nosuffix', '/nosuffix', `${target.url}/base`,
      assignVariable('AV', 'target.copy.pathsuffix', '<Value>false</Value>')));
    await gw.deploy('noquery', await rewritingProxy('noquery', '/noquery', `${target.url}/base`,
      assignVariable('AV', 'target.copy.queryparams', '<Value>false</Value>')));
    await gw.deploy('ownquery', await packProxy({ name: 'ownquery', basePath: '/ownquery', targetEndpoint: toUrlConnection(`${target.url}/own/?k=v`) }));
    await gw.deploy('ownplain', await packProxy({ name: 'ownplain', basePath: '/ownplain', targetEndpoint: toUrlConnection(`${target.url}/own?k=v`) }));
    await gw.deploy('balanced', await packProxy({
      name: 'balanced',
      basePath: '/balanced',
      targetEndpoint: `<HTTPTargetConnection><LoadBalancer><Server name="ts1"/></LoadBalancer><Path>/lb-base/</Path>
        <Properties><Property name="io.timeout.millis">2000</Property></Properties></HTTPTargetConnection>`,
    }));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  /** GETs a gateway path; returns the status and the URL the target echoed, checked against what it recorded. */
  async function targetUrlOf(path: string): Promise<{ status: number; url: string }> {
    const before = target.requests.length;
    const res = await request(`${gw.url()}${path}`);
    const echoed = (await res.body.json()) as { url: string };
    expect(target.requests.length).toBe(before + 1);
    expect(target.requests[before]!.url).toBe(echoed.url);
    return { status: res.statusCode, url: echoed.url };
  }

  it('uses a target.url written in the target request flow as-is: no suffix, no client query appended', async () => {
    expect(await targetUrlOf('/written/a/b?q=1')).toEqual({ status: 200, url: '/base/rewritten?from=template' });
  });

  it('target.copy.pathsuffix=false drops the suffix and keeps the query', async () => {
    expect(await targetUrlOf('/nosuffix/a/b?q=1&r=two')).toEqual({ status: 200, url: '/base?q=1&r=two' });
  });

  it('target.copy.queryparams=false drops the query and keeps the suffix', async () => {
    expect(await targetUrlOf('/noquery/a/b?q=1&r=two')).toEqual({ status: 200, url: '/base/a/b' });
  });

  it('joins a TargetEndpoint URL with its own path and query, the suffix and the client query (one slash)', async () => {
    expect(await targetUrlOf('/ownquery/a/b?q=1')).toEqual({ status: 200, url: '/own/a/b?k=v&q=1' });
    expect(await targetUrlOf('/ownplain/a/b?q=1')).toEqual({ status: 200, url: '/own/a/b?k=v&q=1' });
    expect(await targetUrlOf('/ownquery')).toEqual({ status: 200, url: '/own/?k=v' });
    expect(await targetUrlOf('/ownplain')).toEqual({ status: 200, url: '/own?k=v' });
  });

  it('joins a LoadBalancer <Path> with the suffix and the query', async () => {
    expect(await targetUrlOf('/balanced/x/y?q=1')).toEqual({ status: 200, url: '/lb-base/x/y?q=1' });
    expect(await targetUrlOf('/balanced')).toEqual({ status: 200, url: '/lb-base/' });
  });
});
