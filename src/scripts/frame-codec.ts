// Length-prefixed JSON frames on the gateway's side of a script host's socket: a 4-byte little-endian length, then UTF-8 JSON.

export function toFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/**
 * Returns a function that queues a frame; the frames queued in one turn of the event loop are passed to `write`
 * together, from setImmediate. Under load many script runs are dispatched per turn, and each write to a host's
 * socket is a system call that wakes the host: one write for all of them costs the gateway and the host less.
 */
export function createFrameBatcher(write: (frames: Buffer) => void): (frame: unknown) => void {
  let pending: Buffer[] = [];
  const flush = (): void => {
    const frames = pending;
    pending = [];
    write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  };
  return (frame) => {
    const encoded = toFrame(frame);
    if (pending.length === 0) setImmediate(flush);
    pending.push(encoded);
  };
}

/**
 * Returns a `data` listener that calls `onFrame` with each complete frame, parsed. A frame announced larger than
 * `maxFrameBytes` is not read: `onOversized` is called once and everything after it is ignored.
 */
export function createFrameReader(onFrame: (frame: unknown) => void, maxFrameBytes: number, onOversized: (size: number) => void): (chunk: Buffer) => void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  // Chunks are joined only once a whole frame is there, so a large frame costs one copy, not one per chunk.
  let needed = 4;
  let broken = false;
  return (chunk) => {
    if (broken) return;
    chunks.push(chunk);
    buffered += chunk.length;
    while (buffered >= needed) {
      let all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
      // The size is checked before a frame is parsed, whether it arrived whole or not.
      while (all.length >= 4) {
        const size = all.readUInt32LE(0);
        if (size > maxFrameBytes) {
          broken = true;
          chunks = [];
          onOversized(size);
          return;
        }
        if (all.length < 4 + size) break;
        const text = all.toString('utf8', 4, 4 + size);
        all = all.subarray(4 + size);
        onFrame(JSON.parse(text) as unknown);
      }
      chunks = all.length > 0 ? [all] : [];
      buffered = all.length;
      needed = all.length >= 4 ? 4 + all.readUInt32LE(0) : 4;
    }
  };
}
