// How the admin server reads request bodies (compat §1.3, §2.2 rule 7; reliability-security §3.2, §3.4).
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { AdminError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bytes of an `application/x-www-form-urlencoded` body, kept so a zip sent with that type still imports. */
    formBodyBytes: Buffer | undefined;
  }
}

const formType = 'application/x-www-form-urlencoded';

/** True when a Content-Type header names the urlencoded form type (parameters may be appended). */
export function isFormContentType(header: string | undefined): boolean {
  return header !== undefined && header.split(';', 1)[0]!.trim().toLowerCase() === formType;
}

/**
 * Parsers, in fastify's terms:
 * - `application/json`: parsed with prototype poisoning set to `error` for both `__proto__` and
 *   `constructor.prototype` keys, so such a body is refused with 400 (no Edge client sends those keys, and a refusal
 *   is easier to notice than silently dropped fields); an empty body reads as no body.
 * - the urlencoded form type: a prototype-free record of first values (URLSearchParams, which also accepts values
 *   that were not URL-encoded), with the raw bytes kept in `request.formBodyBytes`.
 * - `multipart/form-data`: @fastify/multipart; handlers read the zip with readUploadedFile.
 * - XML, any other type and a body with no type: the raw Buffer; handlers decide what it may be.
 * Bodies larger than `bodyLimitBytes` are refused with 413 before reading when Content-Length says so, and when
 * a chunked body crosses the limit (fastify counts buffered bodies; multipart counts each file).
 */
export function registerBodyParsers(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  app.decorateRequest('formBodyBytes', undefined);
  app.addContentTypeParser(formType, { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    request.formBodyBytes = bytes;
    const params: Record<string, string> = Object.create(null);
    for (const [name, value] of new URLSearchParams(bytes.toString('utf8'))) {
      if (!(name in params)) params[name] = value;
    }
    done(null, params);
  });

  const keepRaw = (_request: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void => done(null, body);
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer' }, keepRaw);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, keepRaw);

  void app.register(fastifyMultipart, {
    // One file (the zip in field `file`) and a few small fields: at most the limit plus ~64 KiB is ever read.
    limits: { fileSize: bodyLimitBytes, files: 1, fields: 16, fieldSize: 4096, parts: 17, headerPairs: 100 },
    throwFileSizeLimit: true,
  });

  // Multipart streams the raw request past fastify's own Content-Length check, so check it here for every type.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const declared = Number(request.headers['content-length']);
    if (declared > bodyLimitBytes) throw new AdminError('BundleTooLarge', [bodyLimitBytes]);
    return payload;
  });
}
