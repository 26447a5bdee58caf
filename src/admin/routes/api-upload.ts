// The bodies the API-proxy routes accept: a zip or resource file (raw or multipart `file`), or an XML document.
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.js';
import { readUploadedFile } from '../read-uploaded-file.js';

const xmlTypes = new Set(['application/xml', 'text/xml']);

/** The uploaded bytes (raw body or multipart field `file`); 400 InvalidParameter naming `what` when there are none. */
export async function readRequiredUpload(request: FastifyRequest, what: string): Promise<Uint8Array> {
  const bytes = await readUploadedFile(request);
  if (bytes === undefined) throw new AdminError('InvalidParameter', [`No ${what}: send it as the request body or in the multipart field \`file\``]);
  return bytes;
}

/**
 * The body of a policy or endpoint upload (compat §1.3): `application/xml` or `text/xml`, else 415. An empty body
 * is returned empty, so the XML parser names the problem.
 */
export function readXmlUpload(request: FastifyRequest): Uint8Array {
  const contentType = request.headers['content-type'];
  const type = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (type === undefined || !xmlTypes.has(type)) throw new AdminError('UnsupportedMediaType', [contentType ?? '(none)']);
  return Buffer.isBuffer(request.body) ? request.body : new Uint8Array();
}

/** True when the body was sent as `application/json`. */
export function isJsonRequest(request: FastifyRequest): boolean {
  return request.headers['content-type']?.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}
