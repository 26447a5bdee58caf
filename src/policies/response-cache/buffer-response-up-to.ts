// Reads a response body still streaming from the target into memory, up to a size: past it the body streams on untouched.
import { Readable } from 'node:stream';
import type { FlowContext } from '../../engine/flow-context.js';
import { Message } from '../../engine/message.js';

type ReadResult = { readonly complete: true; readonly body: Buffer } | { readonly complete: false; readonly rest: Readable };

/** The bytes read so far, then the rest of the stream (or its error, so the client sees a truncated body as it would have). */
function replay(chunks: readonly Buffer[], stream: Readable): Readable {
  return Readable.from((async function* () {
    yield* chunks;
    for await (const chunk of stream) yield chunk as Buffer;
  })(), { objectMode: false });
}

function readUpTo(stream: Readable, maxBytes: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buf);
      total += buf.byteLength;
      if (total > maxBytes) {
        stream.pause();
        cleanup();
        resolve({ complete: false, rest: replay(chunks, stream) });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ complete: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) });
    };
    const onError = (): void => {
      cleanup();
      resolve({ complete: false, rest: replay(chunks, stream) });
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * The response body when it is at most `maxBytes` (it is then buffered in ctx.response); undefined when it is
 * larger or failed, and then ctx.response is replaced by the same response whose body streams as before.
 */
export async function bufferResponseUpTo(ctx: FlowContext, maxBytes: number): Promise<Buffer | undefined> {
  const response = ctx.response;
  if (!response.isStreaming) return response.contentBuffer.byteLength <= maxBytes ? response.contentBuffer : undefined;
  const stream = response.takeStream()!;
  const result = await readUpTo(stream, maxBytes);
  if (result.complete) {
    response.setContent(result.body);
    return result.body;
  }
  const replacement = Message.withStream('response', result.rest);
  replacement.statusCode = response.statusCode;
  replacement.reasonPhrase = response.reasonPhrase;
  replacement.version = response.version;
  for (const [name, values] of response.headers) replacement.headers.set(name, values);
  ctx.setMessage('response', replacement);
  return undefined;
}
