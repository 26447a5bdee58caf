// The uploaded bytes of a bundle or file: a raw body, or the multipart field `file` (compat §1.3).
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AdminError } from '../errors.js';

/**
 * The raw request body (any non-multipart type, including a zip sent as a urlencoded form by a careless
 * `curl --data-binary`), or the multipart field `file`; `undefined` when there is none. Multipart uploads are
 * held to the server's body limit (413 BundleTooLarge); other parts are read and discarded.
 */
export async function readUploadedFile(request: FastifyRequest): Promise<Buffer | undefined> {
  if (request.isMultipart()) return readMultipartFile(request);
  if (request.formBodyBytes !== undefined) return request.formBodyBytes;
  return Buffer.isBuffer(request.body) ? request.body : undefined;
}

async function readMultipartFile(request: FastifyRequest): Promise<Buffer | undefined> {
  const limitBytes = request.server.initialConfig.bodyLimit ?? 0;
  let file: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname === 'file' && file === undefined) file = await readFilePart(part.file, limitBytes);
      else part.file.resume();
    }
  } catch (err) {
    throw toUploadError(err, limitBytes);
  }
  return file;
}

/**
 * Reads one file part, failing as soon as busboy reports the size limit: busboy would otherwise go on reading
 * and discarding the rest of the part, which a chunked upload can make endless (reliability-security test 27).
 */
function readFilePart(file: Readable, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    file.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.once('limit', () => {
      chunks.length = 0;
      reject(new AdminError('BundleTooLarge', [limitBytes]));
    });
    file.once('end', () => resolve(Buffer.concat(chunks)));
    file.once('error', reject);
  });
}

function toUploadError(err: unknown, bodyLimitBytes: number): AdminError {
  if (err instanceof AdminError) return err;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AdminError('BundleTooLarge', [bodyLimitBytes], { cause: err });
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AdminError('InvalidParameter', ['Multipart body has too many parts: send the file in the single field `file`'], { cause: err });
  }
  return new AdminError('InvalidParameter', [`Malformed multipart body: ${(err as Error).message}`], { cause: err });
}
