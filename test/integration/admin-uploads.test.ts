// Management API bodies (compat §1.3, §2.2 rule 7; reliability-security §3.2, §3.4, test 27, 30).
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuthorization } from '../helpers/admin-client.js';
import { rawExchange } from '../helpers/raw-exchange.js';
import { probeRoutes } from '../unit/admin/probe-routes.js';
import { startTestAdminServer, testUsers, type TestAdminServer } from '../unit/admin/start-test-admin-server.js';

const authorization = toAuthorization(testUsers.admin);

/** Sends the head, then `chunk` repeatedly (chunked encoding) until the server answers; resolves with all it wrote. */
function streamUntilAnswered(port: number, head: string, chunk: Buffer, maxChunks: number): Promise<{ reply: string; chunksSent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let answered = false;
    let chunksSent = 0;
    socket.on('data', (data: Buffer) => {
      answered = true;
      received.push(data);
    });
    socket.on('close', () => resolve({ reply: Buffer.concat(received).toString('latin1'), chunksSent }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.write(head);
    const pump = (): void => {
      while (!answered && !socket.destroyed && chunksSent < maxChunks) {
        chunksSent++;
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        if (!socket.write('\r\n')) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

function toBody(reply: string): unknown {
  return JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
}

describe('admin request bodies', () => {
  let server: TestAdminServer;
  let small: TestAdminServer;
  beforeAll(async () => {
    server = await startTestAdminServer({ routes: [probeRoutes] });
    small = await startTestAdminServer({ routes: [probeRoutes], bodyLimitBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await server.close();
    await small.close();
  });

  describe('size limit', () => {
    it.each(['application/octet-stream', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'])(
      'answers 413 from Content-Length alone, without waiting for the body (%s)',
      async (contentType) => {
        const head = `POST /v1/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: ${contentType}\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n`;
        // rawExchange resolves only when the server closes: it must answer and close with no body byte sent.
        const reply = await rawExchange(server.port, head);
        expect(reply).toMatch(/^HTTP\/1\.1 413 /);
        expect(reply).toMatch(/\r\nconnection: close\r\n/i);
        expect(reply).toMatch(/\r\ncontent-type: application\/json/i);
        expect(toBody(reply)).toEqual({ code: 'messaging.config.beans.BundleTooLarge', message: `Bundle exceeds the limit of ${15 * 1024 * 1024} bytes`, contexts: [] });
      },
    );

    it('refuses an unauthenticated upload without reading or draining its body', async () => {
      const reply = await rawExchange(server.port, `POST /v1/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 401 /);
      expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    });

    it('answers 413 and closes when a chunked body crosses the limit', async () => {
      const head = `POST /v1/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const { reply, chunksSent } = await streamUntilAnswered(small.port, head, Buffer.alloc(16 * 1024, 1), 10_000);
      expect(reply).toMatch(/^HTTP\/1\.1 413 /);
      expect(toBody(reply)).toMatchObject({ code: 'messaging.config.beans.BundleTooLarge' });
      // The server stopped the upload long before the client ran out of chunks (160 MB).
      expect(chunksSent).toBeLessThan(10_000);
    });

    it('answers 413 when a chunked multipart file crosses the limit', async () => {
      const boundary = 'baton-boundary';
      const head = `POST /v1/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.zip"\r\nContent-Type: application/zip\r\n\r\n`;
      const socketHead = `${head}${partHead.length.toString(16)}\r\n${partHead}\r\n`;
      const { reply, chunksSent } = await streamUntilAnswered(small.port, socketHead, Buffer.alloc(16 * 1024, 1), 10_000);
      expect(reply).toMatch(/^HTTP\/1\.1 413 /);
      expect(toBody(reply)).toMatchObject({ code: 'messaging.config.beans.BundleTooLarge' });
      expect(chunksSent).toBeLessThan(10_000);
    });

    it('accepts a body exactly at the limit', async () => {
      const response = await small.client('admin').post('/v1/upload', { body: Buffer.alloc(64 * 1024, 7), headers: { 'content-type': 'application/octet-stream' } });
      expect(response.json()).toMatchObject({ size: 64 * 1024 });
    });
  });

  describe('readUploadedFile', () => {
    const zipLike = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x26, 0x3d, 0x25, 0x0a]);

    it('returns a raw octet-stream body byte for byte', async () => {
      const response = await server.client('admin').post('/v1/upload', { body: zipLike, headers: { 'content-type': 'application/octet-stream' } });
      expect(response.json()).toEqual({ size: zipLike.length, text: zipLike.toString('latin1') });
    });

    it.each([undefined, 'application/zip', 'text/plain', 'application/xml', 'text/xml; charset=utf-8', 'application/x-www-form-urlencoded'])(
      'returns the raw bytes for Content-Type %s',
      async (contentType) => {
        const response = await server.client('admin').post('/v1/upload', { body: zipLike, headers: contentType ? { 'content-type': contentType } : {} });
        expect(response.status, response.text()).toBe(200);
        expect(response.json()).toEqual({ size: zipLike.length, text: zipLike.toString('latin1') });
      },
    );

    it('returns the multipart field file', async () => {
      const response = await server.client('admin').post('/v1/upload', { file: zipLike });
      expect(response.status, response.text()).toBe(200);
      expect(response.json()).toEqual({ size: zipLike.length, text: zipLike.toString('latin1') });
    });

    it('ignores other multipart fields and returns undefined without a file field', async () => {
      const boundary = 'b0undary';
      const body = [
        `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\norders\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="other"; filename="x.zip"\r\n\r\nPK-other\r\n`,
        `--${boundary}--\r\n`,
      ].join('');
      const response = await server.client('admin').post('/v1/upload', { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      expect(response.json()).toEqual({ size: null, text: null });
    });

    it('answers 400 for a malformed multipart body', async () => {
      const response = await server.client('admin').post('/v1/upload', { body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ code: 'messaging.config.beans.InvalidParameter' });
    });

    it('returns undefined when there is no body', async () => {
      expect((await server.client('admin').post('/v1/upload')).json()).toEqual({ size: null, text: null });
    });
  });

  describe('JSON', () => {
    it('parses a JSON body; an empty one is no body', async () => {
      expect((await server.client('admin').post('/v1/json', { json: { name: 'orders' } })).json()).toEqual({ body: { name: 'orders' }, polluted: null });
      const empty = await server.client('admin').post('/v1/json', { body: '', headers: { 'content-type': 'application/json' } });
      expect(empty.json()).toEqual({ body: null, polluted: null });
    });

    it.each([
      '{"__proto__":{"polluted":1}}',
      '{"a":{"__proto__":{"polluted":1}}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
    ])('refuses %s with 400 and pollutes nothing', async (body) => {
      const before = Object.getOwnPropertyNames(Object.prototype);
      const response = await server.client('admin').post('/v1/json', { body, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ code: 'messaging.config.beans.InvalidParameter' });
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(before);
      expect((await server.client('admin').post('/v1/json', { json: {} })).json()).toEqual({ body: {}, polluted: null });
    });
  });
});
