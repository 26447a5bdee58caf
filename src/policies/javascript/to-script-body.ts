// A Javascript policy's files (IncludeURLs first, then the main script) joined into one function body, with the map back to file and line.
import { compileFunction } from 'node:vm';
import { SCRIPT_PARAMETERS } from '../../scripts/script-protocol.js';

export interface ScriptFile {
  /** How messages name the file: `main.js` for `jsc://main.js`, `Source` for inline code. */
  readonly name: string;
  readonly text: string;
}

export interface ScriptBody {
  /** The files joined with newlines: includes share the main script's scope, as in Apigee. */
  readonly body: string;
  /** Where each file starts in the body (1-based line), in order. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly firstLine: number }>;
}

export function toScriptBody(files: readonly ScriptFile[]): ScriptBody {
  const starts: Array<{ name: string; firstLine: number }> = [];
  let line = 1;
  for (const file of files) {
    starts.push({ name: file.name, firstLine: line });
    line += countLines(file.text);
  }
  return { body: files.map((f) => f.text).join('\n'), files: starts };
}

/** The file and line of a 1-based line of the body. */
export function toScriptLocation(script: ScriptBody, line: number): { name: string; line: number } | undefined {
  let found: { name: string; firstLine: number } | undefined;
  for (const file of script.files) if (file.firstLine <= line) found = file;
  return found && { name: found.name, line: line - found.firstLine + 1 };
}

/** Compiles the body without running it; returns `<file>:<line>: SyntaxError: …` for the first syntax error. */
export function findSyntaxError(script: ScriptBody): string | undefined {
  const filename = 'baton-syntax-check';
  try {
    compileFunction(script.body, [...SCRIPT_PARAMETERS], { filename });
    return undefined;
  } catch (err) {
    const error = err as Error;
    const line = new RegExp(`^${filename}:(\\d+)`).exec(error.stack ?? '');
    const location = line ? toScriptLocation(script, Number(line[1])) : undefined;
    const where = location ? `${location.name}:${location.line}` : script.files[script.files.length - 1]?.name ?? 'script';
    return `${where}: ${error.name}: ${error.message}`;
  }
}

/** A resource file's text (UTF-8; a byte-order mark is dropped). */
export function decodeScript(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ECMA-262 §12.3 line terminators, CR LF counting once: the lines V8 reports.
const LINE_TERMINATOR = /\r\n|[\n\r\u2028\u2029]/g;

function countLines(text: string): number {
  return 1 + (text.match(LINE_TERMINATOR)?.length ?? 0);
}
