// An HTTP message as policies see it: a request or response with headers, parameters and a body that streams until read.
import { Readable } from 'node:stream';
import { runtimeFault } from '../errors.js';
import { ParamMap } from './param-map.js';

export type MessageKind = 'request' | 'response';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A body streaming in without a Readable (a target response, see dataplane/target-body.ts); one consumer only. */
export interface StreamedBody {
  /** The whole body; undefined when it is over maxBytes, the rest being drained. Rejects when the body fails. */
  readAll(maxBytes: number): Promise<Buffer | undefined>;
  /** Drains and drops the rest. */
  discard(): void;
  /** The body as a Readable, created on demand. */
  toReadable(): Readable;
}

/** An unread body: the client request's Readable, or a target response body. */
export type MessageStream = Readable | StreamedBody;

export class Message {
  readonly kind: MessageKind;
  /** Request method (request messages). */
  verb = 'GET';
  /** Request path without the query string, as received or as set by a policy (request messages). */
  path = '/';
  readonly queryParams = new ParamMap({ caseInsensitive: false });
  /** Status and reason (response messages). */
  statusCode = 200;
  reasonPhrase = '';
  /** HTTP version as `1.1`. */
  version = '1.1';
  readonly headers: ParamMap;

  /** Set when bufferContent found the body over its limit: the connection it came on should close after the answer. */
  overflowed = false;
  private content: Buffer | undefined;
  /** The query string as received, forwarded as-is while the parameters are unchanged (`?wsdl` stays `?wsdl`). */
  private rawQuery: string | undefined;
  private rawQueryAt = -1;
  private stream: MessageStream | undefined;
  private formParamsCache: ParamMap | undefined;

  /** `headers` is adopted, not copied: pass a case-insensitive map nobody else keeps changing. */
  constructor(kind: MessageKind, headers?: ParamMap) {
    this.kind = kind;
    this.headers = headers ?? new ParamMap({ caseInsensitive: true });
  }

  /** A new message whose body is an unread stream (the client request, or a target response); `headers` is adopted. */
  static withStream(kind: MessageKind, stream: MessageStream | undefined, headers?: ParamMap): Message {
    const message = new Message(kind, headers);
    message.stream = stream;
    return message;
  }

  /** True while the body is an unread stream: its content is unknown until bufferContent runs. */
  get isStreaming(): boolean {
    return this.stream !== undefined;
  }

  /** The buffered body; empty when there is none. Reading a streaming body requires bufferContent first. */
  get contentBuffer(): Buffer {
    return this.content ?? EMPTY;
  }

  /** The body as UTF-8 text (`request.content`, `message.content`). */
  get contentText(): string {
    return this.content === undefined ? '' : this.content.toString('utf8');
  }

  /** Replaces the body. A still-unread stream is drained and discarded so the connection stays usable. */
  setContent(data: string | Uint8Array): void {
    this.discardStream();
    this.content = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.formParamsCache = undefined;
  }

  /** Removes the body entirely. */
  clearContent(): void {
    this.discardStream();
    this.content = undefined;
    this.formParamsCache = undefined;
  }

  /** Reads a streaming body into memory, failing with a 413 fault past maxBytes. Idempotent. */
  async bufferContent(maxBytes: number): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    if (!(stream instanceof Readable)) {
      const content = await stream.readAll(maxBytes);
      if (content === undefined) {
        this.overflowed = true;
        throw runtimeFault('TooBigBody', [maxBytes]);
      }
      this.content = content;
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // Leaving the loop early must not destroy the stream: for a client request that would destroy its socket
    // before the 413 is written. The rest is discarded instead (the 413 goes out with Connection: close).
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += buf.byteLength;
      if (total > maxBytes) {
        this.overflowed = true;
        stream.on('error', () => {});
        stream.resume();
        throw runtimeFault('TooBigBody', [maxBytes]);
      }
      chunks.push(buf);
    }
    this.content = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  }

  /** Hands the unread body stream to the caller (for streaming it on); afterwards the message has no body. */
  takeStream(): Readable | undefined {
    const stream = this.stream;
    this.stream = undefined;
    return stream === undefined || stream instanceof Readable ? stream : stream.toReadable();
  }

  /** takeStream without making a Readable of a StreamedBody (the client response writer pipes it directly). */
  takeBody(): MessageStream | undefined {
    const stream = this.stream;
    this.stream = undefined;
    return stream;
  }

  /** Form parameters of an `application/x-www-form-urlencoded` body (empty otherwise). Requires a buffered body. */
  get formParams(): ParamMap {
    if (!this.formParamsCache) {
      const type = this.headers.get('content-type') ?? '';
      const isForm = type.toLowerCase().startsWith(FORM_TYPE);
      this.formParamsCache = isForm ? ParamMap.fromQueryString(this.contentText) : new ParamMap({ caseInsensitive: false });
    }
    return this.formParamsCache;
  }

  /** Writes changed form parameters back into the body and its Content-Type. */
  commitFormParams(params: ParamMap): void {
    this.setContent(params.toQueryString());
    this.headers.set('Content-Type', FORM_TYPE);
    this.formParamsCache = params;
  }

  /** Sets the parameters from a received query string (without `?`), keeping its exact text. */
  setQueryString(raw: string): void {
    this.queryParams.clear();
    for (const [name, values] of ParamMap.fromQueryString(raw)) this.queryParams.set(name, values);
    this.rawQuery = raw;
    this.rawQueryAt = this.queryParams.changeCount;
  }

  /** The query string without `?`: as received while no parameter changed, else rebuilt from the parameters. */
  get queryString(): string {
    if (this.rawQuery !== undefined && this.rawQueryAt === this.queryParams.changeCount) return this.rawQuery;
    return this.queryParams.toQueryString();
  }

  /** Path plus query string (`request.uri`). */
  get uri(): string {
    const query = this.queryString;
    return query === '' ? this.path : `${this.path}?${query}`;
  }

  /** A deep copy whose body is buffered content only (a streaming body is not copied). */
  clone(): Message {
    const copy = new Message(this.kind);
    copy.verb = this.verb;
    copy.path = this.path;
    copy.statusCode = this.statusCode;
    copy.reasonPhrase = this.reasonPhrase;
    copy.version = this.version;
    for (const [name, values] of this.queryParams) copy.queryParams.set(name, values);
    for (const [name, values] of this.headers) copy.headers.set(name, values);
    if (this.content) copy.content = this.content;
    return copy;
  }

  private discardStream(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    if (!(stream instanceof Readable)) {
      stream.discard();
      return;
    }
    stream.on('error', () => {});
    stream.resume();
  }
}

const EMPTY = Buffer.alloc(0);
