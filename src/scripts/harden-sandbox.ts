// Locks the sandbox realm down before any script runs. Evaluated inside the sandbox from its source text: it must reference nothing outside itself.

/**
 * Removes what could allocate memory outside the heap limit or observe the garbage collector, fixes
 * `Error.prepareStackTrace`, freezes every intrinsic reachable from the global object and from `roots`
 * (so that no script can change what the next script sees), and returns a cleanup to call after each run:
 * it deletes the globals the run created and reports true when the realm can no longer be trusted
 * (a global that cannot be deleted), in which case the host builds a new sandbox.
 */
export function hardenSandbox(global: typeof globalThis, roots: readonly unknown[]): () => boolean {
  const { defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf } = Object;
  const { ownKeys, deleteProperty, isExtensible, apply } = Reflect;
  const isPrototypeOf = Object.prototype.isPrototypeOf;
  const hasOwn = Object.hasOwn;
  const target = global as unknown as Record<PropertyKey, unknown>;

  // Typed arrays and buffers allocate outside the V8 heap, where --max-old-space-size does not reach;
  // WebAssembly memory likewise. WeakRef and FinalizationRegistry would let a script observe collection.
  const removed = ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array',
    'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
    'BigInt64Array', 'BigUint64Array', 'WeakRef', 'FinalizationRegistry'];
  for (const name of removed) deleteProperty(global, name);

  // Node calls the realm's Error.prepareStackTrace with call sites; scripts may not install one.
  defineProperty(global.Error, 'prepareStackTrace', { value: undefined, writable: false, enumerable: false, configurable: false });

  const errorPrototype = global.Error.prototype;
  const overridable = ['constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON'];
  const errorOverridable = ['name', 'message'];
  const frozen: unknown[] = [];
  const seen = new Set<unknown>();

  /**
   * Assigning `obj.toString = …` to an object whose prototype holds a frozen `toString` fails ("override
   * mistake"). As in SES, such properties become accessors whose setter defines an own property on the target.
   */
  const makeOverridable = (obj: Record<PropertyKey, unknown>, key: string): void => {
    const desc = getOwnPropertyDescriptor(obj, key);
    if (!desc || !('value' in desc) || !desc.configurable) return;
    const value = desc.value as unknown;
    const get = function (): unknown {
      return value;
    };
    const set = function (this: Record<PropertyKey, unknown>, next: unknown): void {
      if (this === obj) throw new TypeError(`Cannot assign to read only property '${key}' of a built-in object`);
      if (hasOwn(this, key)) this[key] = next;
      else defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
    };
    defineProperty(obj, key, { get, set, enumerable: desc.enumerable ?? false, configurable: false });
    frozen.push(get, set);
  };

  // The global object stays extensible (scripts create globals); only its standard properties are fixed, below.
  seen.add(global);
  const queue: unknown[] = [...roots, getPrototypeOf(global)];
  for (const key of ownKeys(global)) {
    const desc = getOwnPropertyDescriptor(global, key);
    if (desc && 'value' in desc) queue.push(desc.value);
  }
  // Intrinsics that no global names.
  queue.push(
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function () {}),
    getPrototypeOf(async function* () {}),
    getPrototypeOf([][Symbol.iterator]()),
    getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()),
    getPrototypeOf(''[Symbol.iterator]()),
    getPrototypeOf('a'.matchAll(/a/g)),
    getPrototypeOf((async function* () {})()),
    (function () {
      'use strict';
      // %ThrowTypeError%, the poison pill behind strict functions' `caller` and `arguments`.
      return getOwnPropertyDescriptor(arguments, 'callee')?.get;
    })(),
  );
  while (queue.length > 0) {
    const obj = queue.pop();
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
    seen.add(obj);
    frozen.push(obj);
    const record = obj as Record<PropertyKey, unknown>;
    for (const key of ownKeys(record)) {
      const desc = getOwnPropertyDescriptor(record, key);
      if (!desc) continue;
      if ('value' in desc) queue.push(desc.value);
      else queue.push(desc.get, desc.set);
    }
    queue.push(getPrototypeOf(obj));
    if (typeof obj === 'object') {
      for (const key of overridable) makeOverridable(record, key);
      if (obj === errorPrototype || apply(isPrototypeOf, errorPrototype, [obj])) for (const key of errorOverridable) makeOverridable(record, key);
    }
  }
  for (const obj of frozen) freeze(obj);

  // The standard globals stay what they are: a script may add globals (removed after its run) but not replace these.
  for (const key of ownKeys(global)) {
    const desc = getOwnPropertyDescriptor(global, key);
    if (desc && 'value' in desc && desc.configurable) {
      defineProperty(global, key, { value: desc.value, writable: false, enumerable: desc.enumerable ?? false, configurable: false });
    }
  }

  const baseline = new Set<PropertyKey>(ownKeys(global));
  const emptyPattern = /(?:)/;
  return function cleanup(): boolean {
    let tainted = !isExtensible(global);
    for (const key of ownKeys(global)) {
      if (baseline.has(key)) continue;
      if (!deleteProperty(target, key)) tainted = true;
    }
    // RegExp.$1, RegExp.lastMatch … keep the last match of the realm: reset them so no run reads another's.
    emptyPattern.exec('');
    return tainted;
  };
}
