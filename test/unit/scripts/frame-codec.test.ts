// Frames to and from script hosts: length-prefixed JSON, read across arbitrary chunk boundaries, written in batches.
import { describe, expect, it } from 'vitest';
import { createFrameBatcher, createFrameReader, toFrame } from '../../../src/scripts/frame-codec.js';

/** Resolves after the check phase of the current turn: when a batch queued in this turn has been written. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function readAll(chunks: readonly Buffer[], maxFrameBytes = 1024): { frames: unknown[]; oversized: number[] } {
  const frames: unknown[] = [];
  const oversized: number[] = [];
  const onData = createFrameReader((frame) => frames.push(frame), maxFrameBytes, (size) => oversized.push(size));
  for (const chunk of chunks) onData(chunk);
  return { frames, oversized };
}

describe('createFrameReader', () => {
  it('reads frames split at every byte and frames sharing one chunk', () => {
    const stream = Buffer.concat([toFrame({ t: 'done', x: 1, r: 'é€' }), toFrame({ t: 'done', x: 2, r: '' })]);
    const bytewise = [...stream].map((byte) => Buffer.from([byte]));
    expect(readAll(bytewise).frames).toEqual([{ t: 'done', x: 1, r: 'é€' }, { t: 'done', x: 2, r: '' }]);
    expect(readAll([stream]).frames).toEqual([{ t: 'done', x: 1, r: 'é€' }, { t: 'done', x: 2, r: '' }]);
  });

  it('stops at a frame announced larger than the limit and reads nothing after it', () => {
    const big = toFrame({ r: 'x'.repeat(2000) });
    const { frames, oversized } = readAll([toFrame({ x: 1 }), big, toFrame({ x: 2 })]);
    expect(frames).toEqual([{ x: 1 }]);
    expect(oversized).toEqual([big.length - 4]);
  });
});

describe('createFrameBatcher', () => {
  it('writes the frames queued in one turn in one write, in order, and later frames in a write of their own', async () => {
    const writes: Buffer[] = [];
    const queue = createFrameBatcher((frames) => writes.push(frames));
    queue({ t: 'run', x: 1 });
    queue({ t: 'run', x: 2 });
    queue({ t: 'run', x: 3 });
    expect(writes).toHaveLength(0);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(readAll(writes).frames).toEqual([{ t: 'run', x: 1 }, { t: 'run', x: 2 }, { t: 'run', x: 3 }]);

    queue({ t: 'reply', q: 4 });
    await nextTurn();
    expect(writes).toHaveLength(2);
    expect(readAll([writes[1]!]).frames).toEqual([{ t: 'reply', q: 4 }]);
  });
});
