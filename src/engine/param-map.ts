// Ordered multi-valued name → values map for headers, query and form parameters; never keyed on an object prototype.

interface Entry {
  /** The name as first written, for forwarding with its original case. */
  name: string;
  values: string[];
}

/** What getAll returns for an absent name: one shared array, not a new one per call. */
const NO_VALUES: readonly string[] = Object.freeze([]);

export class ParamMap {
  readonly caseInsensitive: boolean;
  /** Allocated on the first add: most query maps of a request, and of every response, stay empty. */
  private entries: Map<string, Entry> | undefined;
  private changes = 0;

  /** Increases on every change: lets a holder tell whether the map still equals what it was parsed from. */
  get changeCount(): number {
    return this.changes;
  }

  constructor(options: { caseInsensitive: boolean }, init?: Iterable<readonly [string, string]>) {
    this.caseInsensitive = options.caseInsensitive;
    if (init) for (const [name, value] of init) this.add(name, value);
  }

  private keyOf(name: string): string {
    return this.caseInsensitive ? name.toLowerCase() : name;
  }

  /** First value, or undefined. */
  get(name: string): string | undefined {
    return this.entries?.get(this.keyOf(name))?.values[0];
  }

  getAll(name: string): readonly string[] {
    return this.entries?.get(this.keyOf(name))?.values ?? NO_VALUES;
  }

  has(name: string): boolean {
    return this.entries?.has(this.keyOf(name)) ?? false;
  }

  /** Replaces every value of the name. An empty array deletes it. */
  set(name: string, value: string | readonly string[]): void {
    this.changes++;
    const values = typeof value === 'string' ? [value] : [...value];
    const key = this.keyOf(name);
    if (values.length === 0) {
      this.entries?.delete(key);
      return;
    }
    const entries = (this.entries ??= new Map());
    const existing = entries.get(key);
    if (existing) existing.values = values;
    else entries.set(key, { name, values });
  }

  add(name: string, value: string): void {
    this.changes++;
    const key = this.keyOf(name);
    const entries = (this.entries ??= new Map());
    const existing = entries.get(key);
    if (existing) existing.values.push(value);
    else entries.set(key, { name, values: [value] });
  }

  delete(name: string): boolean {
    this.changes++;
    return this.entries?.delete(this.keyOf(name)) ?? false;
  }

  clear(): void {
    this.changes++;
    this.entries?.clear();
  }

  /** Names in insertion order, in their original case. */
  names(): string[] {
    return this.entries ? [...this.entries.values()].map((e) => e.name) : [];
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /**
   * Calls `fn` with each name (original case) and its values, in insertion order. For the request path: unlike
   * the iterator, it allocates no generator and no [name, values] pair per entry.
   */
  forEachEntry(fn: (name: string, values: readonly string[]) => void): void {
    if (!this.entries) return;
    for (const e of this.entries.values()) fn(e.name, e.values);
  }

  /** Every entry as a [name, values] pair, in insertion order (what spreading the map gives, without the generator). */
  toEntries(): Array<[string, readonly string[]]> {
    const pairs: Array<[string, readonly string[]]> = [];
    this.forEachEntry((name, values) => pairs.push([name, values]));
    return pairs;
  }

  *[Symbol.iterator](): IterableIterator<[string, readonly string[]]> {
    if (!this.entries) return;
    for (const e of this.entries.values()) yield [e.name, e.values];
  }

  clone(): ParamMap {
    const copy = new ParamMap({ caseInsensitive: this.caseInsensitive });
    for (const [name, values] of this) copy.set(name, values);
    return copy;
  }

  /** `a=1&b=2` form, percent-encoded (application/x-www-form-urlencoded for forms, RFC 3986 for queries). */
  toQueryString(): string {
    if (!this.entries || this.entries.size === 0) return '';
    const parts: string[] = [];
    for (const [name, values] of this) {
      for (const v of values) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
    }
    return parts.join('&');
  }

  /** Parses `a=1&b=2` (leading `?` allowed); `+` decodes to space; malformed escapes are kept literally. */
  static fromQueryString(query: string, options: { caseInsensitive: boolean } = { caseInsensitive: false }): ParamMap {
    const map = new ParamMap(options);
    const text = query.startsWith('?') ? query.slice(1) : query;
    if (text === '') return map;
    for (const part of text.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      const rawValue = eq === -1 ? '' : part.slice(eq + 1);
      map.add(decodeComponent(rawName), decodeComponent(rawValue));
    }
    return map;
  }
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
