// An iterative JSON scanner for JSONThreatProtection: validates the syntax and checks the structure limits in one pass, without recursion.

export interface JsonLimits {
  /** Each limit is a maximum; a negative value means no limit. */
  readonly arrayElementCount: number;
  readonly containerDepth: number;
  readonly objectEntryCount: number;
  readonly objectEntryNameLength: number;
  readonly stringValueLength: number;
}

/** A limit that was exceeded (`limit` true) or a syntax error, with the 1-based line where it was found. */
export interface JsonScanProblem {
  readonly limit: boolean;
  readonly reason: string;
  readonly line: number;
}

interface Frame {
  readonly isObject: boolean;
  count: number;
  /** Apigee reports an array over its element count at the line the array starts on. */
  readonly line: number;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;

/** Scans `text` as one JSON value; returns the first problem, or undefined when the text is valid and within the limits. */
export function scanJson(text: string, limits: JsonLimits): JsonScanProblem | undefined {
  const stack: Frame[] = [];
  let pos = 0;
  let line = 1;
  const over = (value: number, max: number) => max >= 0 && value > max;
  const exceeded = (what: string, at = line): JsonScanProblem => ({ limit: true, reason: `Exceeded ${what}`, line: at });
  const syntax = (reason: string): JsonScanProblem => ({ limit: false, reason, line });

  const skipWhitespace = () => {
    for (; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 0x0a) line++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    }
  };
  /** Reads a string starting at the opening quote; returns its decoded length, or a problem. */
  const readString = (): number | JsonScanProblem => {
    pos++;
    let length = 0;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return length;
      }
      if (c < 0x20) return syntax('Illegal character in string');
      if (c === 0x5c) {
        const escape = text[pos + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) return syntax('Illegal escape in string');
          pos += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          pos += 2;
        } else {
          return syntax('Illegal escape in string');
        }
      } else {
        pos++;
      }
      length++;
    }
    return syntax('Unterminated string');
  };

  // Modes: a value is expected, a value has just ended, or an object entry name is expected.
  let mode: 'value' | 'after' | 'name' = 'value';
  for (;;) {
    skipWhitespace();
    if (mode === 'name') {
      if (text[pos] !== '"') return syntax('Expecting "');
      const frame = stack[stack.length - 1]!;
      frame.count++;
      if (over(frame.count, limits.objectEntryCount)) return exceeded('object entry count');
      const length = readString();
      if (typeof length !== 'number') return length;
      if (over(length, limits.objectEntryNameLength)) return exceeded('object entry name length');
      skipWhitespace();
      if (text[pos] !== ':') return syntax('Expecting :');
      pos++;
      mode = 'value';
      continue;
    }
    if (mode === 'value') {
      const c = text[pos];
      if (c === '{' || c === '[') {
        pos++;
        stack.push({ isObject: c === '{', count: 0, line });
        if (over(stack.length, limits.containerDepth)) return exceeded('container depth');
        skipWhitespace();
        if (text[pos] === (c === '{' ? '}' : ']')) {
          pos++;
          stack.pop();
          mode = 'after';
        } else if (c === '{') {
          mode = 'name';
        } else {
          const array = stack[stack.length - 1]!;
          array.count = 1;
          if (over(1, limits.arrayElementCount)) return exceeded('array element count', array.line);
        }
        continue;
      }
      if (c === '"') {
        const length = readString();
        if (typeof length !== 'number') return length;
        if (over(length, limits.stringValueLength)) return exceeded('string value length');
        mode = 'after';
        continue;
      }
      NUMBER.lastIndex = pos;
      if (NUMBER.test(text)) {
        pos = NUMBER.lastIndex;
        mode = 'after';
        continue;
      }
      const literal = LITERALS.find((word) => text.startsWith(word, pos));
      if (literal) {
        pos += literal.length;
        mode = 'after';
        continue;
      }
      return syntax(pos >= text.length ? 'Unexpected end of input' : 'Expecting a value');
    }
    // mode === 'after'
    const frame = stack[stack.length - 1];
    if (!frame) return pos < text.length ? syntax('Unexpected character after the JSON value') : undefined;
    const c = text[pos];
    if (c === ',') {
      pos++;
      if (frame.isObject) {
        mode = 'name';
      } else {
        frame.count++;
        if (over(frame.count, limits.arrayElementCount)) return exceeded('array element count', frame.line);
        mode = 'value';
      }
      continue;
    }
    if (c === (frame.isObject ? '}' : ']')) {
      pos++;
      stack.pop();
      continue;
    }
    return syntax(frame.isObject ? 'Expecting , or }' : 'Expecting , or ]');
  }
}
