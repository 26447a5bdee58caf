import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Message } from '../../../src/engine/message.js';
import { writeClientResponse, type WriteClientResponseOptions } from '../../../src/dataplane/write-client-response.js';
import { startTarget, type StartedTarget } from '../../helpers/start-target.js';

let server: StartedTarget | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers every request with `response` through writeClientResponse, and returns what a client received. */
async function exchange(response: () => Message, options: Partial<WriteClientResponseOptions> = {}) {
  server = await startTarget((_req, res) => {
    writeClientResponse(res, response(), { requestId: 'req-1', isHead: false, extraHeaders: undefined, onBodyError: undefined, ...options });
  });
  const res = await request(`${server.url}/x`);
  const body = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body };
}

function message(status: number, headers: Array<[string, string]>, body = ''): Message {
  const m = new Message('response');
  m.statusCode = status;
  for (const [name, value] of headers) m.headers.add(name, value);
  if (body !== '') m.setContent(body);
  return m;
}

describe('writeClientResponse', () => {
  it('sends the status, the headers, the body with its length, and the request id', async () => {
    const got = await exchange(() => message(201, [['Content-Type', 'application/json'], ['X-Multi', 'a'], ['X-Multi', 'b']], '{"ok":true}'));
    expect(got.status).toBe(201);
    expect(got.body).toBe('{"ok":true}');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['content-length']).toBe('11');
    expect(got.headers['x-multi']).toEqual(['a', 'b']);
    expect(got.headers['x-request-id']).toBe('req-1');
  });

  it("keeps a flow's own X-Request-ID instead of adding the request id", async () => {
    const got = await exchange(() => message(200, [['x-request-id', 'from-flow']]));
    expect(got.headers['x-request-id']).toBe('from-flow');
  });

  it("lets an extra header replace the flow's header of the same name, whatever its case", async () => {
    const got = await exchange(() => message(200, [['x-baton-revision', 'flow-value'], ['X-Other', 'kept']]), { extraHeaders: { 'X-Baton-Revision': 'api/3' } });
    expect(got.headers['x-baton-revision']).toBe('api/3');
    expect(got.headers['x-other']).toBe('kept');
  });

  it("replaces every line of the flow's field with an extra header and keeps the other multi-line fields whole", async () => {
    const got = await exchange(
      () => message(200, [['X-Baton-Revision', 'one'], ['x-baton-revision', 'two'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]),
      { extraHeaders: { 'X-Baton-Revision': 'api/3' } },
    );
    expect(got.headers['x-baton-revision']).toBe('api/3');
    expect(got.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(got.headers['x-request-id']).toBe('req-1');
  });

  it('answers a reason phrase a policy made invalid with the InvalidHeader fault, never a split status line', async () => {
    const got = await exchange(() => {
      const m = message(200, [['X-Ok', '1']]);
      m.reasonPhrase = 'Fine\r\nSet-Cookie: evil=1';
      return m;
    });
    expect(got.status).toBe(500);
    expect(got.headers['set-cookie']).toBeUndefined();
    expect(got.body).toContain('InvalidHeader');
  });

  it('answers a header a policy made invalid with the InvalidHeader fault, never a split header', async () => {
    const got = await exchange(() => message(200, [['X-Bad', 'a\r\nSet-Cookie: evil=1']]));
    expect(got.status).toBe(500);
    expect(got.headers['set-cookie']).toBeUndefined();
    expect(got.body).toContain('InvalidHeader');
    expect(got.headers['x-request-id']).toBe('req-1');
  });
});
