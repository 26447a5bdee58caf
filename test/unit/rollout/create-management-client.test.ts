// The management client's requests as a server sees them: paths, query, form content type, credentials, answers.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, ManagementCallError, toGatewayMessage, type ManagementClient } from '../../../src/rollout/create-management-client.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function startServer(reply: (seen: Seen) => { status: number; body: string }): Promise<{ url: string; server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => void (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(request);
      const { status, body: answer } = reply(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, seen };
}

describe('createManagementClient', () => {
  let client: ManagementClient | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await client?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    client = undefined;
    server = undefined;
  });

  it('deploys as Apigee tooling does: POST with override, delay and basepath, an empty form body', async () => {
    const started = await startServer(() => ({ status: 200, body: '{"state":"deployed"}' }));
    server = started.server;
    client = createManagementClient({ baseUrl: started.url, organization: 'demo', credentials: { user: 'a@b.c', password: 'pw' }, insecure: false, callTimeoutMs: 5000 });
    const result = await client.deploy({ environment: 'test', api: 'orders', revision: 2, override: true, delaySeconds: 8, basePath: '/v2 x' });
    expect(result).toEqual({
      method: 'POST', path: '/v1/organizations/demo/environments/test/apis/orders/revisions/2/deployments?override=true&delay=8&basepath=%2Fv2+x',
      status: 200, body: { state: 'deployed' },
    });
    const [request] = started.seen;
    expect(request).toMatchObject({ method: 'POST', body: '' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded', 'content-length': '0', accept: 'application/json',
      authorization: `Basic ${Buffer.from('a@b.c:pw').toString('base64')}`,
    });
  });

  it('undeploys, lists and deploys without override, with a bearer token and encoded names', async () => {
    const started = await startServer(() => ({ status: 200, body: 'not json' }));
    server = started.server;
    client = createManagementClient({ baseUrl: started.url, organization: 'my org', credentials: { token: 'tok' }, insecure: true, callTimeoutMs: 5000 });
    expect((await client.undeploy({ environment: 'test', api: 'a b', revision: 1 })).body).toBe('not json');
    await client.listApiDeployments('orders');
    await client.listEnvironmentApiDeployments('test', 'orders');
    await client.deploy({ environment: 'test', api: 'orders', revision: 3, override: false });
    expect(started.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'DELETE /v1/organizations/my%20org/environments/test/apis/a%20b/revisions/1/deployments',
      'GET /v1/organizations/my%20org/apis/orders/deployments',
      'GET /v1/organizations/my%20org/environments/test/apis/orders/deployments',
      'POST /v1/organizations/my%20org/environments/test/apis/orders/revisions/3/deployments',
    ]);
    expect(started.seen[0]!.headers.authorization).toBe('Bearer tok');
    expect(started.seen[0]!.headers['content-type']).toBeUndefined();
  });

  it('raises ManagementCallError, naming the call, when no answer comes', async () => {
    const started = await startServer(() => ({ status: 200, body: '' }));
    await new Promise<void>((resolve) => started.server.close(() => resolve()));
    client = createManagementClient({ baseUrl: started.url, organization: 'demo', credentials: { token: 't' }, insecure: false, callTimeoutMs: 5000 });
    const err = await client.listApiDeployments('orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagementCallError);
    expect((err as Error).message).toBe('GET /v1/organizations/demo/apis/orders/deployments: ECONNREFUSED');
  });
});

describe('toGatewayMessage', () => {
  it('prefers the Apigee error body, else the text', () => {
    const result = { method: 'POST', path: '/p', status: 404 };
    expect(toGatewayMessage({ ...result, body: { code: 'messaging.config.beans.RevisionDoesNotExist', message: 'Revision 9 does not exist' } }))
      .toBe('Revision 9 does not exist (messaging.config.beans.RevisionDoesNotExist)');
    expect(toGatewayMessage({ ...result, body: { message: 'plain' } })).toBe('plain');
    expect(toGatewayMessage({ ...result, body: '  <html>bad gateway</html> ' })).toBe('<html>bad gateway</html>');
    expect(toGatewayMessage({ ...result, body: '' })).toBe('(empty answer)');
    expect(toGatewayMessage({ ...result, body: 'x'.repeat(2000) })).toHaveLength(500);
    expect(toGatewayMessage({ ...result, body: { fault: 1 } })).toBe('{"fault":1}');
  });
});
