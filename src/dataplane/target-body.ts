// The body of a target response as undici delivers it: held with backpressure until one consumer takes it, then passed on without a stream.
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { errors } from 'undici';
import type { StreamedBody } from '../engine/message.js';

/** The part of undici's DispatchController the body drives. */
export interface TargetBodySource {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

export type BodyErrorListener = (err: unknown, side: 'client' | 'target') => void;

/** Bytes held before a consumer attaches; past it the target connection is paused (undici's own body stream default). */
export const TARGET_BODY_HIGH_WATER_MARK = 64 * 1024;

// Who took the body. Numbers, not strings: push() switches on it once per chunk.
const UNCLAIMED = 0;
const PIPE = 1;
const COLLECT = 2;
const DISCARD = 3;
const STREAM = 4;

interface Collector {
  chunks: Buffer[];
  total: number;
  readonly maxBytes: number;
  readonly resolve: (content: Buffer | undefined) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * One consumer per body: pipeTo (the client response), readAll (a policy buffering it), discard, or toReadable.
 * The producer side (push, end, fail) is called by the dispatch handler. `fail` after the headers means the target
 * died mid-body: a piped client response is destroyed, never ended, so the client sees it truncated.
 */
export class TargetBody implements StreamedBody {
  private readonly source: TargetBodySource;
  private mode = UNCLAIMED;
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  /** The target side is over: ended, failed or aborted. */
  private done = false;
  private error: Error | undefined;
  private onDone: (() => void) | undefined;
  private res: ServerResponse | undefined;
  private onBodyError: BodyErrorListener | undefined;
  /** A body error was reported to onBodyError, or the client response finished: nothing more to report. */
  private pipeSettled = false;
  private drainHooked = false;
  private collector: Collector | undefined;
  private readable: Readable | undefined;

  constructor(source: TargetBodySource) {
    this.source = source;
  }

  /** Calls `listener` once when the target side is over (at once if it already is): the pooled connection is free. */
  whenDone(listener: () => void): void {
    if (this.done) listener();
    else this.onDone = listener;
  }

  push(chunk: Buffer): void {
    // After this side aborted the request (client gone, Readable destroyed) nothing more is passed on.
    if (this.done) return;
    switch (this.mode) {
      case PIPE:
        if (!this.res!.write(chunk)) this.waitForDrain();
        return;
      case COLLECT:
        this.collect(chunk);
        return;
      case DISCARD:
        return;
      case STREAM:
        if (!this.readable!.push(chunk)) this.source.pause();
        return;
      default:
        (this.held ??= []).push(chunk);
        this.heldBytes += chunk.byteLength;
        if (this.heldBytes >= TARGET_BODY_HIGH_WATER_MARK) this.source.pause();
    }
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    switch (this.mode) {
      case PIPE:
        this.res!.end();
        break;
      case COLLECT: {
        const collector = this.collector!;
        this.collector = undefined;
        collector.resolve(collector.chunks.length === 1 ? collector.chunks[0]! : Buffer.concat(collector.chunks, collector.total));
        break;
      }
      case STREAM:
        this.readable!.push(null);
        break;
      default:
    }
    this.settle();
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    this.held = undefined;
    this.heldBytes = 0;
    switch (this.mode) {
      case PIPE:
        this.failPipe(err);
        break;
      case COLLECT: {
        const collector = this.collector!;
        this.collector = undefined;
        collector.reject(err);
        break;
      }
      case STREAM:
        this.readable!.destroy(err);
        break;
      default:
    }
    this.settle();
  }

  /**
   * Writes the body to the client response, honouring its backpressure, and ends it. The target failing destroys
   * the response (a truncated answer); the client going away aborts the target request, which frees the connection.
   */
  pipeTo(res: ServerResponse, onBodyError?: BodyErrorListener): void {
    this.claim(PIPE);
    this.res = res;
    this.onBodyError = onBodyError;
    res.on('close', () => this.clientClosed());
    const held = this.takeHeld();
    if (this.done) {
      if (this.error) {
        this.failPipe(this.error);
        return;
      }
      // The whole body is already here (a small response): the last chunk goes out with end(), one write fewer.
      const last = held?.pop();
      if (held) for (const chunk of held) res.write(chunk);
      if (last) res.end(last);
      else res.end();
      return;
    }
    let writable = true;
    if (held) for (const chunk of held) writable = res.write(chunk);
    if (writable) this.source.resume();
    else this.waitForDrain();
  }

  /** The whole body; undefined when it is over `maxBytes` (the rest is then drained so the connection is reused). */
  readAll(maxBytes: number): Promise<Buffer | undefined> {
    this.claim(COLLECT);
    const chunks = this.takeHeld() ?? [];
    let total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
    if (total > maxBytes) {
      this.overflow();
      return Promise.resolve(undefined);
    }
    if (this.done) {
      if (this.error) return Promise.reject(this.error);
      return Promise.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    }
    return new Promise((resolve, reject) => {
      this.collector = { chunks, total, maxBytes, resolve, reject };
      this.source.resume();
    });
  }

  /** Reads the rest and drops it, so the pooled connection is reused. Does nothing once another consumer took the body. */
  discard(): void {
    if (this.mode !== UNCLAIMED) return;
    this.mode = DISCARD;
    this.held = undefined;
    this.heldBytes = 0;
    if (!this.done) this.source.resume();
  }

  /** The body as a Readable, for consumers that need a stream; destroying it before its end aborts the target request. */
  toReadable(): Readable {
    if (this.readable) return this.readable;
    this.claim(STREAM);
    const source = this.source;
    const body = this;
    const readable = new Readable({
      read() {
        if (!body.done) source.resume();
      },
      destroy(err, callback) {
        if (!body.done) {
          body.done = true;
          source.abort(err ?? new errors.RequestAbortedError());
          body.settle();
        }
        callback(err);
      },
    });
    this.readable = readable;
    const held = this.takeHeld();
    if (held) for (const chunk of held) readable.push(chunk);
    if (this.done) {
      if (this.error) readable.destroy(this.error);
      else readable.push(null);
    }
    return readable;
  }

  private claim(mode: number): void {
    if (this.mode !== UNCLAIMED) throw new Error('the target response body was already consumed');
    this.mode = mode;
  }

  private takeHeld(): Buffer[] | undefined {
    const held = this.held;
    this.held = undefined;
    this.heldBytes = 0;
    return held;
  }

  private collect(chunk: Buffer): void {
    const collector = this.collector!;
    collector.total += chunk.byteLength;
    if (collector.total > collector.maxBytes) {
      this.collector = undefined;
      this.overflow();
      collector.resolve(undefined);
      return;
    }
    collector.chunks.push(chunk);
  }

  private overflow(): void {
    this.mode = DISCARD;
    if (!this.done) this.source.resume();
  }

  private waitForDrain(): void {
    this.source.pause();
    if (this.drainHooked) return;
    this.drainHooked = true;
    this.res!.on('drain', () => {
      if (!this.done) this.source.resume();
    });
  }

  private failPipe(err: Error): void {
    if (this.pipeSettled) return;
    const res = this.res!;
    // The client left first (its close aborted this request): that is the client's side, as clientClosed reports it.
    if (res.destroyed) {
      this.clientClosed();
      return;
    }
    this.pipeSettled = true;
    this.onBodyError?.(err, 'target');
    res.destroy(err);
  }

  private clientClosed(): void {
    const res = this.res!;
    if (!this.pipeSettled && !res.writableFinished) {
      this.pipeSettled = true;
      this.onBodyError?.(Object.assign(new Error('client closed the connection'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }), 'client');
    }
    this.pipeSettled = true;
    if (!this.done) {
      this.done = true;
      this.source.abort(new errors.RequestAbortedError());
      this.settle();
    }
  }

  private settle(): void {
    const listener = this.onDone;
    this.onDone = undefined;
    listener?.();
  }
}
