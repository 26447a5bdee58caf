import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createEnvironmentCaches } from '../../../../src/caches/create-environment-caches.js';
import type { CacheResourceConfig } from '../../../../src/config.js';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { Message } from '../../../../src/engine/message.js';
import { responseCachePolicy } from '../../../../src/policies/response-cache/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext } from '../policy-test-kit.js';

function setup(options: { xml?: string; caches?: CacheResourceConfig[] } = {}) {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const services = createTestPolicyServices({ now: clock.now, caches: createEnvironmentCaches(options.caches ?? [], clock.now) });
  const policy = compilePolicy(responseCachePolicy, options.xml ?? `
    <ResponseCache name="RC"><CacheKey><KeyFragment ref="request.uri"/></CacheKey><ExpirySettings><TimeoutInSec>60</TimeoutInSec></ExpirySettings></ResponseCache>`, { services });
  return { clock, services, policy };
}

function request(path = '/items', init: { verb?: string; headers?: Record<string, string> } = {}): FlowContext {
  const message = new Message('request');
  message.verb = init.verb ?? 'GET';
  message.path = path;
  for (const [name, value] of Object.entries(init.headers ?? {})) message.headers.set(name, value);
  return createFlowContext({ request: message });
}

/** The target's answer, its body still streaming in several chunks. */
function respond(ctx: FlowContext, body: string, init: { status?: number; headers?: Record<string, string> } = {}): void {
  ctx.flow = 'TARGET_RESP_FLOW';
  const chunks = body.length > 4 ? [body.slice(0, 4), body.slice(4)] : [body];
  const response = Message.withStream('response', Readable.from(chunks.map((c) => Buffer.from(c))));
  response.statusCode = init.status ?? 200;
  response.headers.set('Content-Type', 'application/json');
  response.headers.set('Transfer-Encoding', 'chunked');
  for (const [name, value] of Object.entries(init.headers ?? {})) response.headers.set(name, value);
  ctx.setMessage('response', response);
}

async function readBody(message: Message): Promise<string> {
  const stream = message.takeStream();
  if (!stream) return message.contentText;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One full exchange: request side, then (on a miss) the target's answer and the response side. */
async function exchange(policy: ReturnType<typeof setup>['policy'], ctx: FlowContext, body = '{"n":1}', init: Parameters<typeof respond>[2] = {}): Promise<FlowContext> {
  await policy.execute(ctx);
  if (!ctx.responseReady) respond(ctx, body, init);
  else ctx.flow = 'PROXY_RESP_FLOW';
  await policy.execute(ctx);
  return ctx;
}

describe('ResponseCache execute', () => {
  it('stores the response on a miss and answers the next request from the cache', async () => {
    const { policy } = setup();
    const first = request('/items');
    first.request.setQueryString('x=1');
    await policy.execute(first);
    expect(first.responseReady).toBe(false);
    expect(first.getVariable('responsecache.RC.cachehit')).toBe(false);
    expect(first.getVariable('responsecache.RC.cachekey')).toBe('org__test__api__1__default__/items?x=1');
    expect(first.getVariable('responsecache.RC.cachename')).toBe('default');
    respond(first, '{"fresh":true}', { status: 201, headers: { 'X-Target': 'a' } });
    await policy.execute(first);
    // The body was buffered to be stored; the client still gets all of it.
    expect(first.response.isStreaming).toBe(false);
    expect(first.response.contentText).toBe('{"fresh":true}');

    const second = request('/items');
    second.request.setQueryString('x=1');
    await policy.execute(second);
    expect(second.responseReady).toBe(true);
    expect(second.getVariable('responsecache.RC.cachehit')).toBe(true);
    expect(second.response.statusCode).toBe(201);
    expect(second.response.headers.get('x-target')).toBe('a');
    expect(second.response.headers.has('transfer-encoding')).toBe(false);
    expect(second.response.contentText).toBe('{"fresh":true}');
    // The response side of a hit stores nothing again, and a policy changing the served copy leaves the entry alone.
    second.flow = 'PROXY_RESP_FLOW';
    second.response.setContent('changed');
    await policy.execute(second);
    const third = request('/items');
    third.request.setQueryString('x=1');
    await policy.execute(third);
    expect(third.response.contentText).toBe('{"fresh":true}');
    // Another URI is another key.
    expect((await exchange(policy, request('/items'))).getVariable('responsecache.RC.cachehit')).toBe(false);
  });

  it('expires entries on the injected clock and says so in invalidentry', async () => {
    const { policy, clock } = setup();
    await exchange(policy, request('/a'));
    clock.advance(59_999);
    expect((await exchange(policy, request('/a'))).getVariable('responsecache.RC.cachehit')).toBe(true);
    clock.advance(1);
    const expired = request('/a');
    await policy.execute(expired);
    expect(expired.responseReady).toBe(false);
    expect(expired.getVariable('responsecache.RC.invalidentry')).toBe(true);
  });

  it('evicts by the cache resource\'s bytes and leaves a body over its per-entry limit streaming untouched', async () => {
    const { policy, services } = setup({
      caches: [{ name: 'tiny', maxEntries: 100, maxBytes: 400, maxEntryBytes: 150, expirySeconds: 60 }],
      xml: '<ResponseCache name="RC"><CacheResource>tiny</CacheResource></ResponseCache>',
    });
    const cache = services.caches.get('tiny')!;
    await exchange(policy, request('/one'), 'x'.repeat(50));
    await exchange(policy, request('/two'), 'y'.repeat(50));
    expect(cache.stats().entries).toBe(2);
    await exchange(policy, request('/three'), 'z'.repeat(50));
    expect(cache.stats().bytes).toBeLessThanOrEqual(400);
    expect((await exchange(policy, request('/one'))).getVariable('responsecache.RC.cachehit')).toBe(false);
    expect((await exchange(policy, request('/three'))).getVariable('responsecache.RC.cachehit')).toBe(true);

    const large = 'L'.repeat(1_000);
    const big = await exchange(policy, request('/big'), large);
    expect(big.response.isStreaming).toBe(true);
    expect(big.response.statusCode).toBe(200);
    expect(big.response.headers.get('content-type')).toBe('application/json');
    expect(await readBody(big.response)).toBe(large);
    expect((await exchange(policy, request('/big'))).getVariable('responsecache.RC.cachehit')).toBe(false);
  });

  it('passes a target body that fails mid-stream on to the client as it was, and stores nothing', async () => {
    const { policy } = setup();
    const ctx = request('/broken');
    await policy.execute(ctx);
    ctx.flow = 'TARGET_RESP_FLOW';
    let reads = 0;
    const failing = new Readable({
      read() {
        if (reads++ === 0) this.push(Buffer.from('part'));
        else this.destroy(new Error('target reset'));
      },
    });
    ctx.setMessage('response', Message.withStream('response', failing));
    await policy.execute(ctx);
    expect(ctx.response.isStreaming).toBe(true);
    await expect(readBody(ctx.response)).rejects.toThrow('target reset');
    expect((await exchange(policy, request('/broken'))).getVariable('responsecache.RC.cachehit')).toBe(false);
  });

  it('skips the lookup, or the population, when their conditions hold', async () => {
    const { policy } = setup({ xml: `
      <ResponseCache name="RC">
        <SkipCacheLookup>request.header.bypass-cache = "true"</SkipCacheLookup>
        <SkipCachePopulation>request.header.no-store = "true"</SkipCachePopulation>
      </ResponseCache>` });
    await exchange(policy, request('/s', { headers: { 'no-store': 'true' } }));
    expect((await exchange(policy, request('/s'), 'stored')).getVariable('responsecache.RC.cachehit')).toBe(false);
    const bypass = await exchange(policy, request('/s', { headers: { 'bypass-cache': 'true' } }), 'refreshed');
    expect(bypass.getVariable('responsecache.RC.cachehit')).toBe(false);
    const hit = await exchange(policy, request('/s'));
    expect(hit.response.contentText).toBe('refreshed');
  });

  it('stores any status by default, only 200-205 with ExcludeErrorResponse, and never a HEAD response', async () => {
    const plain = setup().policy;
    await exchange(plain, request('/nf'), 'missing', { status: 404 });
    expect((await exchange(plain, request('/nf'))).response.statusCode).toBe(404);
    await exchange(plain, request('/h', { verb: 'HEAD' }), '');
    expect((await exchange(plain, request('/h'))).getVariable('responsecache.RC.cachehit')).toBe(false);

    const strict = setup({ xml: '<ResponseCache name="RC"><ExcludeErrorResponse>true</ExcludeErrorResponse></ResponseCache>' }).policy;
    await exchange(strict, request('/nf'), 'missing', { status: 404 });
    expect((await exchange(strict, request('/nf'))).getVariable('responsecache.RC.cachehit')).toBe(false);
    await exchange(strict, request('/ok'), 'partial', { status: 203 });
    expect((await exchange(strict, request('/ok'))).getVariable('responsecache.RC.cachehit')).toBe(true);
  });

  it('honours Cache-Control and Expires with UseResponseCacheHeaders', async () => {
    const { policy, clock } = setup({ xml: '<ResponseCache name="RC"><UseResponseCacheHeaders>true</UseResponseCacheHeaders><ExpirySettings><TimeoutInSec>600</TimeoutInSec></ExpirySettings></ResponseCache>' });
    await exchange(policy, request('/short'), 'a', { headers: { 'Cache-Control': 'public, max-age=10' } });
    await exchange(policy, request('/private'), 'b', { headers: { 'Cache-Control': 'private' } });
    await exchange(policy, request('/expires'), 'c', { headers: { Expires: new Date(clock.now() + 20_000).toUTCString() } });
    await exchange(policy, request('/shared'), 'd', { headers: { 'Cache-Control': 'max-age=5, s-maxage=30' } });
    const hit = async (path: string) => (await exchange(policy, request(path))).getVariable('responsecache.RC.cachehit');
    expect(await hit('/private')).toBe(false);
    clock.advance(10_000);
    expect(await hit('/short')).toBe(false);
    expect(await hit('/expires')).toBe(true);
    expect(await hit('/shared')).toBe(true);
  });

  it('keys on the Accept headers with UseAcceptHeader', async () => {
    const { policy } = setup({ xml: '<ResponseCache name="RC"><UseAcceptHeader>true</UseAcceptHeader></ResponseCache>' });
    const json = await exchange(policy, request('/r', { headers: { Accept: 'application/json' } }), '{}');
    expect(json.getVariable('responsecache.RC.cachekey')).toBe('org__test__api__1__default__/r__application/json');
    expect((await exchange(policy, request('/r', { headers: { Accept: 'text/xml' } }), '<x/>')).getVariable('responsecache.RC.cachehit')).toBe(false);
    expect((await exchange(policy, request('/r', { headers: { Accept: 'application/json' } }))).response.contentText).toBe('{}');
  });

  it('builds the key prefix from Scope or Prefix as Apigee does', async () => {
    const keyFor = async (settings: string, flow: FlowContext['flow'] = 'PROXY_REQ_FLOW') => {
      const { policy } = setup({ xml: `<ResponseCache name="RC">${settings}<CacheKey><KeyFragment>k</KeyFragment><KeyFragment ref="unset.variable"/><KeyFragment ref="request.verb"/></CacheKey></ResponseCache>` });
      const ctx = request('/');
      ctx.flow = flow;
      ctx.target.name = 'backend';
      await policy.execute(ctx);
      return ctx.getVariable('responsecache.RC.cachekey');
    };
    expect(await keyFor('<Scope>Global</Scope>')).toBe('org__test__k__GET');
    expect(await keyFor('<Scope>Application</Scope>')).toBe('org__test__api__k__GET');
    expect(await keyFor('<Scope>Proxy</Scope>')).toBe('org__test__api__1__default__k__GET');
    expect(await keyFor('<Scope>Target</Scope>')).toBe('org__test__api__1__backend__k__GET');
    expect(await keyFor('')).toBe('org__test__api__1__default__k__GET');
    expect(await keyFor('', 'TARGET_REQ_FLOW')).toBe('org__test__api__1__backend__k__GET');
  });

  it('uses <CacheKey><Prefix> instead of the scope', async () => {
    const { policy } = setup({ xml: '<ResponseCache name="RC"><Scope>Global</Scope><CacheKey><Prefix>mine</Prefix><KeyFragment ref="request.path"/></CacheKey></ResponseCache>' });
    const ctx = request('/p');
    await policy.execute(ctx);
    expect(ctx.getVariable('responsecache.RC.cachekey')).toBe('mine__/p');
  });

  it('asks the flow runner to buffer bodies only when the key or a condition reads one', () => {
    expect(setup().policy.readsContent).toBe(false);
    expect(setup({ xml: '<ResponseCache name="RC"><CacheKey><KeyFragment ref="request.content"/></CacheKey></ResponseCache>' }).policy.readsContent).toBe(true);
    expect(setup({ xml: '<ResponseCache name="RC"><SkipCachePopulation>response.content = ""</SkipCachePopulation></ResponseCache>' }).policy.readsContent).toBe(true);
  });

  it('refuses to deploy with a CacheResource the environment does not have', () => {
    expect(() => setup({ xml: '<ResponseCache name="RC"><CacheResource>nope</CacheResource></ResponseCache>' }))
      .toThrow(/InvalidCacheResourceReference: <CacheResource> nope does not exist in environment test/);
  });
});
