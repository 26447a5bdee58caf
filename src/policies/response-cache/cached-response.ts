// What a ResponseCache entry holds: an immutable copy of a response (status, headers, body) and its size in the cache.
import { Message } from '../../engine/message.js';

/** Fields that describe one connection or one framing, never a stored response (RFC 9110 §7.6.1); Content-Length is recomputed. */
const NOT_STORED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

// Bookkeeping per entry besides the bytes of its headers and body, so that many tiny entries still count.
const ENTRY_OVERHEAD_BYTES = 64;

export class CachedResponse {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly headers: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly body: Buffer;
  readonly sizeBytes: number;

  constructor(response: Message, body: Buffer) {
    this.statusCode = response.statusCode;
    this.reasonPhrase = response.reasonPhrase;
    const headers: Array<readonly [string, readonly string[]]> = [];
    let size = ENTRY_OVERHEAD_BYTES + body.byteLength;
    for (const [name, values] of response.headers) {
      if (NOT_STORED.has(name.toLowerCase())) continue;
      headers.push([name, Object.freeze([...values])]);
      size += name.length + values.reduce((sum, value) => sum + Buffer.byteLength(value), 0);
    }
    this.headers = Object.freeze(headers);
    // A copy: the response's buffer may be a slice of a larger one that must not stay alive with the entry.
    this.body = Buffer.from(body);
    this.sizeBytes = size;
    Object.freeze(this);
  }

  /** A fresh response message for one client: policies may change it without touching the entry. */
  toMessage(): Message {
    const message = new Message('response');
    message.statusCode = this.statusCode;
    message.reasonPhrase = this.reasonPhrase;
    for (const [name, values] of this.headers) message.headers.set(name, values);
    message.setContent(this.body);
    return message;
  }
}
