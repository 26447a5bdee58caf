// TargetBody: holding with backpressure, piping to the client response, readAll limits, discard, toReadable, failures and aborts.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TARGET_BODY_HIGH_WATER_MARK, TargetBody, type TargetBodySource } from '../../../src/dataplane/target-body.js';

/** Records what the body asked of its undici request. An abort fails the body as undici does (onResponseError). */
class FakeSource implements TargetBodySource {
  paused = false;
  pauses = 0;
  resumes = 0;
  aborted: Error | undefined;
  body: TargetBody | undefined;
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
    this.resumes++;
  }
  abort(reason: Error): void {
    this.aborted = reason;
    this.body?.fail(reason);
  }
}

/** The parts of a ServerResponse a piped body uses; `writable` is what write() answers (false: its buffer is full). */
class FakeResponse extends EventEmitter {
  written: string[] = [];
  ended = false;
  destroyed = false;
  writableFinished = false;
  destroyError: Error | undefined;
  writable = true;
  write(chunk: Buffer): boolean {
    this.written.push(chunk.toString());
    return this.writable;
  }
  end(chunk?: Buffer): this {
    if (chunk) this.written.push(chunk.toString());
    this.ended = true;
    this.writableFinished = true;
    return this;
  }
  destroy(err?: Error): this {
    this.destroyed = true;
    this.destroyError = err;
    return this;
  }
  /** The client going away: the response is destroyed, then 'close'. */
  clientCloses(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function setup(): { source: FakeSource; body: TargetBody; res: FakeResponse; errors: Array<[string, string]> } {
  const source = new FakeSource();
  const body = new TargetBody(source);
  source.body = body;
  return { source, body, res: new FakeResponse(), errors: [] };
}

function pipe(body: TargetBody, res: FakeResponse, errors: Array<[string, string]>): void {
  body.pipeTo(res as unknown as ServerResponse, (err, side) => errors.push([side, (err as Error).message]));
}

const chunk = (text: string): Buffer => Buffer.from(text);

describe('TargetBody piped to the client response', () => {
  it('an early consumer gets each chunk as it arrives, then the end', () => {
    const { body, res, errors } = setup();
    pipe(body, res, errors);
    body.push(chunk('a'));
    body.push(chunk('b'));
    expect(res.written).toEqual(['a', 'b']);
    expect(res.ended).toBe(false);
    body.end();
    expect(res.ended).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a late consumer gets the held chunks first; the target is paused past the high-water mark until then', () => {
    const { source, body, res, errors } = setup();
    body.push(Buffer.alloc(TARGET_BODY_HIGH_WATER_MARK - 1, 'x'));
    expect(source.paused).toBe(false);
    body.push(chunk('y'));
    expect(source.paused).toBe(true);
    pipe(body, res, errors);
    expect(source.paused).toBe(false);
    body.push(chunk('z'));
    body.end();
    expect(res.written.join('')).toBe(`${'x'.repeat(TARGET_BODY_HIGH_WATER_MARK - 1)}yz`);
    expect(res.ended).toBe(true);
  });

  it('a body complete before the consumer attaches is written and ended at once', () => {
    const { body, res, errors } = setup();
    body.push(chunk('a'));
    body.push(chunk('b'));
    body.end();
    pipe(body, res, errors);
    expect(res.written).toEqual(['a', 'b']);
    expect(res.ended).toBe(true);
  });

  it('honours the client response backpressure: paused while its buffer is full, resumed on drain', () => {
    const { source, body, res, errors } = setup();
    pipe(body, res, errors);
    res.writable = false;
    body.push(chunk('a'));
    expect(source.paused).toBe(true);
    res.writable = true;
    res.emit('drain');
    expect(source.paused).toBe(false);
    body.push(chunk('b'));
    expect(source.paused).toBe(false);
    body.end();
    expect(res.written).toEqual(['a', 'b']);
  });

  it('held chunks over a full client buffer keep the target paused until drain', () => {
    const { source, body, res, errors } = setup();
    body.push(chunk('a'));
    res.writable = false;
    pipe(body, res, errors);
    expect(source.paused).toBe(true);
    res.emit('drain');
    expect(source.paused).toBe(false);
  });

  it('a target error mid-body destroys the client response (truncated, never ended) and reports the target side', () => {
    const { body, res, errors } = setup();
    pipe(body, res, errors);
    body.push(chunk('half'));
    body.fail(new Error('socket hang up'));
    expect(res.ended).toBe(false);
    expect(res.destroyed).toBe(true);
    expect(res.destroyError?.message).toBe('socket hang up');
    expect(errors).toEqual([['target', 'socket hang up']]);
  });

  it('a target error before the consumer attaches destroys the client response too, dropping the held chunks', () => {
    const { body, res, errors } = setup();
    body.push(chunk('half'));
    body.fail(new Error('reset'));
    pipe(body, res, errors);
    expect(res.written).toEqual([]);
    expect(res.ended).toBe(false);
    expect(res.destroyed).toBe(true);
    expect(errors).toEqual([['target', 'reset']]);
  });

  it('the client closing early aborts the target request and reports the client side once', () => {
    const { source, body, res, errors } = setup();
    let done = 0;
    body.whenDone(() => done++);
    pipe(body, res, errors);
    body.push(chunk('a'));
    res.clientCloses();
    expect(source.aborted).toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(errors).toEqual([['client', 'client closed the connection']]);
    expect(done).toBe(1);
    body.push(chunk('late'));
    expect(res.written).toEqual(['a']);
  });

  it('an abort that fails the body after the client left is reported as the client side', () => {
    const { body, res, errors } = setup();
    pipe(body, res, errors);
    res.destroyed = true;
    body.fail(new Error('This operation was aborted'));
    res.emit('close');
    expect(errors).toEqual([['client', 'client closed the connection']]);
  });

  it('a client closing after the response finished aborts nothing', () => {
    const { source, body, res, errors } = setup();
    pipe(body, res, errors);
    body.end();
    res.emit('close');
    expect(source.aborted).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe('TargetBody.readAll', () => {
  it('returns held and live chunks as one buffer', async () => {
    const { source, body } = setup();
    body.push(chunk('ab'));
    const all = body.readAll(10);
    expect(source.paused).toBe(false);
    body.push(chunk('cd'));
    body.end();
    expect((await all)?.toString()).toBe('abcd');
  });

  it('an empty body is an empty buffer', async () => {
    const { body } = setup();
    body.end();
    expect((await body.readAll(10))?.byteLength).toBe(0);
  });

  it('past the limit answers undefined and drains the rest so the connection is reused', async () => {
    const { source, body } = setup();
    const all = body.readAll(3);
    body.push(chunk('ab'));
    body.push(chunk('cd'));
    expect(await all).toBeUndefined();
    expect(source.paused).toBe(false);
    body.push(chunk('more'));
    body.end();
    expect(source.aborted).toBeUndefined();
  });

  it('a held body already past the limit answers undefined at once', async () => {
    const { body } = setup();
    body.push(chunk('abcdef'));
    expect(await body.readAll(5)).toBeUndefined();
  });

  it('exactly at the limit is accepted', async () => {
    const { body } = setup();
    body.push(chunk('abc'));
    body.end();
    expect((await body.readAll(3))?.toString()).toBe('abc');
  });

  it('rejects with the target error mid-body', async () => {
    const { body } = setup();
    const all = body.readAll(100);
    body.push(chunk('ab'));
    body.fail(Object.assign(new Error('body timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }));
    await expect(all).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });
});

describe('TargetBody.discard and toReadable', () => {
  it('discard drops the held chunks, resumes the target and ignores the rest', () => {
    const { source, body } = setup();
    let done = 0;
    body.whenDone(() => done++);
    body.push(Buffer.alloc(TARGET_BODY_HIGH_WATER_MARK));
    expect(source.paused).toBe(true);
    body.discard();
    expect(source.paused).toBe(false);
    body.push(chunk('rest'));
    body.end();
    expect(done).toBe(1);
    expect(source.aborted).toBeUndefined();
  });

  it('toReadable streams the held then the live chunks', async () => {
    const { body } = setup();
    body.push(chunk('a'));
    const readable = body.toReadable();
    expect(body.toReadable()).toBe(readable);
    body.push(chunk('b'));
    body.end();
    expect(Buffer.concat(await readable.toArray()).toString()).toBe('ab');
  });

  it('a Readable destroyed before the end aborts the target request', () => {
    const { source, body } = setup();
    let done = 0;
    body.whenDone(() => done++);
    body.toReadable().destroy();
    expect(source.aborted).toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(done).toBe(1);
  });

  it('a target error destroys the Readable with it', async () => {
    const { body } = setup();
    const readable = body.toReadable();
    body.push(chunk('a'));
    body.fail(new Error('reset'));
    await expect(readable.toArray()).rejects.toThrow('reset');
  });

  it('a body has one consumer', () => {
    const { body, res, errors } = setup();
    pipe(body, res, errors);
    expect(() => body.toReadable()).toThrow(/already consumed/);
    expect(() => body.readAll(1)).toThrow(/already consumed/);
  });

  it('whenDone runs at once for a body already over', () => {
    const { body } = setup();
    body.end();
    let done = 0;
    body.whenDone(() => done++);
    expect(done).toBe(1);
  });
});
