// Template functions on text: escaping, case, substring, regex replacement, firstnonnull and Base64.

import { RE2JS } from 're2js';
import { compileArgument, readInteger, readText, toTemplateText, type TemplateArgument, type TemplateEvaluator, type TemplateFunction } from './template-function.js';

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A one-argument function of text; an unset argument gives an unset result. */
function textFunction(transform: (text: string) => string): TemplateFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile: ([arg]) => (vars) => {
      const text = readText(arg!, vars);
      return text === undefined ? undefined : transform(text);
    },
  };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
}

/** Java-style regex replacement (`$1` refers to a group) with a linear-time engine. */
function replaceFunction(all: boolean): TemplateFunction {
  return {
    minArgs: 3,
    maxArgs: 3,
    compile: ([input, regex, replacement]) => {
      const pattern = compileArgument(regex!, (source) => RE2JS.compile(source));
      return (vars) => {
        const text = readText(input!, vars);
        const compiled = pattern(vars);
        const replaceWith = readText(replacement!, vars);
        if (text === undefined || compiled === undefined || replaceWith === undefined) return undefined;
        const matcher = compiled.matcher(text);
        return all ? matcher.replaceAll(replaceWith, true) : matcher.replaceFirst(replaceWith, true);
      };
    },
  };
}

/** Indices count UTF-16 code units, as Java's do; they are clamped to the text, and an empty range gives "". */
const substring: TemplateFunction = {
  minArgs: 2,
  maxArgs: 3,
  compile: ([input, start, end]) => (vars) => {
    const text = readText(input!, vars);
    const from = readInteger(start!, vars);
    const to = end === undefined ? undefined : readInteger(end, vars);
    if (text === undefined || from === undefined || (end !== undefined && to === undefined)) return undefined;
    const begin = Math.min(Math.max(from, 0), text.length);
    const finish = Math.min(Math.max(to ?? text.length, 0), text.length);
    return begin < finish ? text.slice(begin, finish) : '';
  },
};

const firstnonnull: TemplateFunction = {
  minArgs: 1,
  maxArgs: Number.POSITIVE_INFINITY,
  compile: (args: readonly TemplateArgument[]): TemplateEvaluator => (vars) => {
    for (const arg of args) {
      const value = arg.read(vars);
      if (value !== undefined && value !== null) return toTemplateText(value);
    }
    return undefined;
  },
};

/**
 * Standard or URL-safe alphabet, padding optional, no whitespace. Input that is not Base64, or whose bytes are not
 * valid UTF-8, gives "".
 */
function decodeBase64(text: string): string | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1 || (text.includes('=') && text.length % 4 !== 0)) return undefined;
  try {
    return UTF8_STRICT.decode(Buffer.from(text, 'base64'));
  } catch {
    return undefined;
  }
}

export const stringFunctions: Readonly<Record<string, TemplateFunction>> = {
  escapeJSON: textFunction((text) => JSON.stringify(text).slice(1, -1)),
  escapeXML: textFunction(escapeXml),
  escapeXML11: textFunction(escapeXml),
  encodeHTML: textFunction((text) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!)),
  toLowerCase: textFunction((text) => text.toLowerCase()),
  toUpperCase: textFunction((text) => text.toUpperCase()),
  substring,
  replaceAll: replaceFunction(true),
  replaceFirst: replaceFunction(false),
  firstnonnull,
  encodeBase64: textFunction((text) => Buffer.from(text, 'utf8').toString('base64')),
  decodeBase64: {
    minArgs: 1,
    maxArgs: 1,
    compile: ([arg]) => (vars) => {
      const text = readText(arg!, vars);
      return text === undefined ? undefined : decodeBase64(text);
    },
  },
};
