// Length-prefixed JSON frames on the gateway's side of a script host's socket: a 4-byte little-endian length, then UTF-8 JSON.

export function toFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  return frame;
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
      while (all.length >= 4 && all.length >= 4 + all.readUInt32LE(0)) {
        const size = all.readUInt32LE(0);
        const text = all.toString('utf8', 4, 4 + size);
        all = all.subarray(4 + size);
        onFrame(JSON.parse(text) as unknown);
      }
      chunks = all.length > 0 ? [all] : [];
      buffered = all.length;
      needed = all.length >= 4 ? 4 + all.readUInt32LE(0) : 4;
      if (needed - 4 > maxFrameBytes) {
        broken = true;
        chunks = [];
        onOversized(needed - 4);
        return;
      }
    }
  };
}
