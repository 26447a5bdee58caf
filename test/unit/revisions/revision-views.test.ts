import { describe, expect, it } from 'vitest';
import type { PolicyConfig, ProxyEndpointConfig, TargetEndpointConfig } from '../../../src/bundle/proxy-bundle.js';
import { toApiView } from '../../../src/revisions/to-api-view.js';
import { toProxyEndpointView, toTargetEndpointView } from '../../../src/revisions/to-endpoint-view.js';
import { toPolicyView } from '../../../src/revisions/to-policy-view.js';
import { toRevisionView } from '../../../src/revisions/to-revision-view.js';
import { createHarness, helloZip, org, rootOnlyZip } from './revision-fixtures.js';

// Keys of the compat §2.5.2 example, in its order.
const revisionKeys = ['basepaths', 'configurationVersion', 'contextInfo', 'createdAt', 'createdBy', 'description', 'displayName',
  'entityMetaDataAsProperties', 'lastModifiedAt', 'lastModifiedBy', 'manifestVersion', 'name', 'policies', 'proxies', 'proxyEndpoints',
  'resourceFiles', 'resources', 'revision', 'sharedFlows', 'spec', 'targetEndpoints', 'targetServers', 'targets', 'type'];

const importHello = async () => {
  const h = createHarness();
  const zip = await helloZip({
    'apiproxy/policies/AM-Zed.xml': '<AssignMessage name="AM-Zed"/>',
    'apiproxy/resources/openapi/association.json': '{}',
  });
  const record = await h.service.importRevision({ organization: org, api: 'Mock-Target-API', bytes: zip, user: 'ann@example.com', validate: false });
  return { h, zip, record };
};

describe('toRevisionView (compat §2.5.2)', () => {
  it('has exactly the keys and types of the Edge example', async () => {
    const { record } = await importHello();
    const view = toRevisionView(record, 'docs');
    expect(Object.keys(view).sort()).toEqual([...revisionKeys].sort());
    expect(view).toEqual({
      basepaths: ['/hello'],
      configurationVersion: { majorVersion: 4, minorVersion: 0 },
      contextInfo: 'Revision 1 of application Mock-Target-API, in organization docs',
      createdAt: record.createdAt,
      createdBy: 'ann@example.com',
      description: 'Says hello',
      displayName: 'Hello',
      entityMetaDataAsProperties: {
        bundle_type: 'zip', lastModifiedBy: 'ann@example.com', createdBy: 'ann@example.com',
        lastModifiedAt: String(record.lastModifiedAt), subType: 'null', createdAt: String(record.createdAt),
      },
      lastModifiedAt: record.lastModifiedAt,
      lastModifiedBy: 'ann@example.com',
      manifestVersion: expect.stringMatching(/^SHA-512:[0-9a-f]{128}$/),
      name: 'Mock-Target-API',
      policies: ['AM-Hello', 'AM-Zed'],
      proxies: ['default'],
      proxyEndpoints: ['default'],
      resourceFiles: { resourceFile: [{ name: 'lib/util.js', type: 'jsc' }, { name: 'association.json', type: 'openapi' }] },
      resources: ['jsc://lib/util.js', 'openapi://association.json'],
      revision: '1',
      sharedFlows: [],
      spec: '',
      targetEndpoints: ['default'],
      targetServers: [],
      targets: ['default'],
      type: 'Application',
    });
    expect(typeof view.createdAt).toBe('number');
    expect(toRevisionView(record).contextInfo).toContain(`in organization ${org}`);
  });

  it('defaults displayName and description to the name, and changes manifestVersion with the content', async () => {
    const h = createHarness();
    const a = await h.service.importRevision({ organization: org, api: 'bare', bytes: await rootOnlyZip('bare'), user: 'u', validate: false });
    const b = await h.service.importRevision({ organization: org, api: 'bare', bytes: await helloZip(), user: 'u', validate: false });
    expect(toRevisionView(a)).toMatchObject({ displayName: 'bare', description: 'bare', basepaths: [], policies: [], resourceFiles: { resourceFile: [] } });
    expect(toRevisionView(a).manifestVersion).not.toBe(toRevisionView(b).manifestVersion);
  });
});

describe('toApiView (compat §2.5.1)', () => {
  it('lists revisions as ascending strings under metaData', async () => {
    const { h } = await importHello();
    await h.service.importRevision({ organization: org, api: 'Mock-Target-API', bytes: await helloZip(), user: 'bob', validate: false });
    const api = h.service.getApi(org, 'Mock-Target-API')!;
    const view = toApiView(api, [...h.service.listRevisions(org, 'Mock-Target-API')].reverse());
    expect(view).toEqual({
      metaData: { createdAt: api.createdAt, createdBy: 'ann@example.com', lastModifiedAt: api.lastModifiedAt, lastModifiedBy: 'bob', subType: 'null' },
      name: 'Mock-Target-API',
      revision: ['1', '2'],
    });
  });
});

describe('file views', () => {
  it('shapes a policy (compat §2.5.4)', async () => {
    const { h, record } = await importHello();
    const policy = (await h.service.getFile(record, 'policy', 'AM-Hello'))!.parsed;
    expect(toPolicyView(policy)).toEqual({ name: 'AM-Hello', policyType: 'AssignMessage', displayName: 'AM-Hello', enabled: true, continueOnError: false, async: false, faultRules: [] });
    const custom: PolicyConfig = { ...policy, displayName: 'Shown', enabled: false, continueOnError: true };
    expect(toPolicyView(custom)).toMatchObject({ displayName: 'Shown', enabled: false, continueOnError: true });
  });

  it('shapes a ProxyEndpoint with its connection (compat §2.5.3)', async () => {
    const { h, record } = await importHello();
    const endpoint = (await h.service.getFile(record, 'proxy', 'default'))!.parsed;
    expect(toProxyEndpointView(endpoint)).toEqual({
      name: 'default',
      connection: { basePath: '/hello', connectionType: 'httpConnection', properties: { property: [] }, virtualHost: ['secure'] },
    });
    const unbound: ProxyEndpointConfig = { ...endpoint, virtualHosts: [], properties: new Map([['a', '1']]) };
    expect(toProxyEndpointView(unbound, ['default', 'secure']).connection).toMatchObject({ virtualHost: ['default', 'secure'], properties: { property: [{ name: 'a', value: '1' }] } });
  });

  it('shapes a TargetEndpoint with a URL or a LoadBalancer', async () => {
    const { h, record } = await importHello();
    const target = (await h.service.getFile(record, 'target', 'default'))!.parsed;
    expect(toTargetEndpointView(target)).toEqual({ name: 'default', connection: { connectionType: 'httpConnection', url: 'http://127.0.0.1:9/', properties: { property: [] } } });
    const balanced: TargetEndpointConfig = {
      ...target,
      connection: {
        loadBalancer: { algorithm: 'RoundRobin', servers: [{ name: 'ts1', weight: 1, isFallback: false }], maxFailures: 0, retryEnabled: true },
        path: '/v1',
        properties: new Map(),
        ssl: { enabled: true, ignoreValidationErrors: false, clientAuthEnabled: false },
      },
    };
    expect(toTargetEndpointView(balanced).connection).toEqual({
      connectionType: 'httpConnection',
      loadBalancer: { algorithm: 'RoundRobin', server: [{ name: 'ts1', weight: 1, isFallback: false }], maxFailures: 0, retryEnabled: true },
      path: '/v1',
      properties: { property: [] },
      sSLInfo: { enabled: true, ignoreValidationErrors: false, clientAuthEnabled: false },
    });
  });

  it('lists names of each kind from the record', async () => {
    const { h, record } = await importHello();
    expect(h.service.listFiles(record, 'policy')).toEqual(['AM-Hello', 'AM-Zed']);
    expect(h.service.listFiles(record, 'proxy')).toEqual(['default']);
    expect(h.service.listFiles(record, 'target')).toEqual(['default']);
  });
});

describe('exportRevision', () => {
  it('returns the imported zip byte for byte', async () => {
    const { h, zip, record } = await importHello();
    const exported = await h.service.exportRevision(record);
    expect(Buffer.from(exported).equals(Buffer.from(zip))).toBe(true);
  });
});
