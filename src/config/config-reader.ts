// Validation primitives for configuration read from JSON or the environment: each records a problem and keeps going.
import { isIP } from 'node:net';

/** Collects every problem found, keyed by the JSON path (or environment variable) it was found at. */
export class ConfigProblems {
  readonly messages: string[] = [];
  private readonly paths = new Set<string>();

  add(path: string, message: string): void {
    this.messages.push(`${path}: ${message}`);
    this.paths.add(path);
  }

  /** True when a problem was recorded at `path` (used to skip cross-checks on values already reported). */
  hasAt(path: string): boolean {
    return this.paths.has(path);
  }
}

const missing = Symbol('missing');

/** Marks a required value: readers treat `undefined` as "use the default", but fail this with "got nothing". */
export function required(value: unknown): unknown {
  return value === undefined ? missing : value;
}

/** How a value is shown in a message: strings quoted, everything else as JSON. */
export function toShownValue(value: unknown): string {
  if (value === undefined || value === missing) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads an optional object section. Absent → `{}` so defaults apply; every key outside `keys` is a
 * problem, because a misspelt key would otherwise be silently ignored.
 */
export function readSection(problems: ConfigProblems, value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.add(path, `expected an object, got ${toShownValue(value)}`);
    return {};
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) problems.add(joinPath(path, key), `unknown key (expected one of ${keys.join(', ')})`);
  }
  return value;
}

/** Reads an optional array; absent → `fallback`. */
export function readArray(problems: ConfigProblems, value: unknown, path: string, fallback: readonly unknown[]): readonly unknown[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array, got ${toShownValue(value)}`);
    return [];
  }
  return value;
}

export function joinPath(parent: string, key: string): string {
  if (parent === '') return key;
  return /^[A-Za-z0-9_$-]+$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Path of an array element: by its `name` when it has a usable one (`environments.prod`), else by index. */
export function elementPath(arrayPath: string, element: unknown, index: number, nameKey = 'name'): string {
  const name = isPlainObject(element) ? element[nameKey] : undefined;
  return typeof name === 'string' && isValidName(name) ? joinPath(arrayPath, name) : `${arrayPath}[${index}]`;
}

const namePattern = /^[A-Za-z0-9._-]+$/;

function isValidName(value: string): boolean {
  return namePattern.test(value);
}

export function readInteger(problems: ConfigProblems, value: unknown, path: string, range: { min: number; max: number }, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= range.min && value <= range.max) return value;
  problems.add(path, `expected an integer ${describeRange(range)}, got ${toShownValue(value)}`);
  return fallback;
}

/** Environment values are text: accept only plain decimal digits, then range-check like a file value. */
export function readEnvInteger(problems: ConfigProblems, text: string, name: string, range: { min: number; max: number }, fallback: number): number {
  const value = /^\d{1,15}$/.test(text) ? Number(text) : text;
  return readInteger(problems, value, name, range, fallback);
}

function describeRange(range: { min: number; max: number }): string {
  if (range.max === Number.MAX_SAFE_INTEGER) return `>= ${range.min}`;
  return `${range.min}-${range.max}`;
}

export const portRange = { min: 1, max: 65535 } as const;
/** Ports Baton listens on: 0 asks the operating system for a free port (tests, benchmarks); the bound port is printed at start-up. */
export const listenPortRange = { min: 0, max: 65535 } as const;
export const positiveRange = { min: 1, max: Number.MAX_SAFE_INTEGER } as const;

export function readNumber(problems: ConfigProblems, value: unknown, path: string, range: { min: number; max: number }, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max) return value;
  problems.add(path, `expected a number ${range.min}-${range.max}, got ${toShownValue(value)}`);
  return fallback;
}

export function readBoolean(problems: ConfigProblems, value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  problems.add(path, `expected true or false, got ${toShownValue(value)}`);
  return fallback;
}

export function readEnvBoolean(problems: ConfigProblems, text: string, name: string, fallback: boolean): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  problems.add(name, `expected true or false, got ${toShownValue(text)}`);
  return fallback;
}

export function readString(problems: ConfigProblems, value: unknown, path: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value !== '') return value;
  problems.add(path, `expected a non-empty string, got ${toShownValue(value)}`);
  return fallback;
}

export function readOptionalString(problems: ConfigProblems, value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  return readString(problems, value, path, '') || undefined;
}

/** Like readOptionalString, but a bad value is never echoed into the message: it may be a credential. */
export function readSecret(problems: ConfigProblems, value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  problems.add(path, 'expected a non-empty string');
  return undefined;
}

export function readName(problems: ConfigProblems, value: unknown, path: string): string {
  if (typeof value === 'string' && isValidName(value)) return value;
  problems.add(path, `expected a name of letters, digits, '.', '_' or '-', got ${toShownValue(value)}`);
  return typeof value === 'string' ? value : '';
}

export function readEnum<T extends string>(problems: ConfigProblems, value: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.add(path, `expected one of ${allowed.join(', ')}, got ${toShownValue(value)}`);
  return fallback;
}

/** A bind address or host name: an IP literal or DNS-style labels; no ports, schemes or spaces. */
export function readHost(problems: ConfigProblems, value: unknown, path: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && isHost(value)) return value;
  problems.add(path, `expected a host name or IP address, got ${toShownValue(value)}`);
  return fallback;
}

const hostLabel = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const hostNamePattern = new RegExp(`^${hostLabel}(\\.${hostLabel})*$`);

function isHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  return value.length <= 253 && hostNamePattern.test(value);
}

/**
 * Reads a `name → value` property map. Numbers and booleans are kept as their text, as Apigee properties
 * are strings. The result has no prototype, so keys such as `constructor` never resolve to inherited members.
 */
export function readProperties(problems: ConfigProblems, value: unknown, path: string): Readonly<Record<string, string>> {
  const out = Object.create(null) as Record<string, string>;
  if (value === undefined) return out;
  if (!isPlainObject(value)) {
    problems.add(path, `expected an object of name → string, got ${toShownValue(value)}`);
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = joinPath(path, key);
    if (key === '') problems.add(itemPath, 'expected a non-empty property name');
    else if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      Object.defineProperty(out, key, { value: String(item), enumerable: true, writable: true, configurable: true });
    } else problems.add(itemPath, `expected a string, number or boolean, got ${toShownValue(item)}`);
  }
  return out;
}

/** Records a problem for every name that appears more than once. */
export function checkUniqueNames(problems: ConfigProblems, names: readonly string[], path: string, what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') continue;
    if (seen.has(name)) problems.add(path, `duplicate ${what} name ${JSON.stringify(name)}`);
    seen.add(name);
  }
}

/** Freezes a parsed value and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
