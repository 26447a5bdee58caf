// What a script can reach: nothing of Node (require, process, import, host constructors), nothing a previous run left behind.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptPool, type ScriptPool } from '../../../src/scripts/create-script-pool.js';
import { runOnce, toExecResult, toWrittenVariables } from './script-test-kit.js';

let pool: ScriptPool;

beforeAll(() => {
  pool = createScriptPool({ logger: pino({ level: 'silent' }), hosts: 1, maxHeapMb: 64 });
});

afterAll(async () => {
  await pool.close();
});

/** Runs `code` and returns what it stored in the variable `r`. */
async function probe(code: string): Promise<unknown> {
  return toWrittenVariables(await runOnce(pool, code)).r;
}

describe('sandbox isolation', () => {
  it('has no require, process, module or Buffer', async () => {
    expect(await probe("context.setVariable('r', [typeof require, typeof process, typeof globalThis.process, typeof module, typeof Buffer].join())"))
      .toBe('undefined,undefined,undefined,undefined,undefined');
  });

  it('keeps constructor.constructor inside the sandbox realm', async () => {
    const code = (expression: string) => `context.setVariable('r', String(${expression}.constructor.constructor('return typeof process')()));`;
    expect(await probe(code('this'))).toBe('undefined');
    expect(await probe(code('context'))).toBe('undefined');
    expect(await probe(code('context.getVariable'))).toBe('undefined');
    expect(await probe(code('request'))).toBe('undefined');
    expect(await probe(code('response.status'))).toBe('undefined');
    expect(await probe(code('Object.getOwnPropertyDescriptor(Object.getPrototypeOf(request), "headers").get'))).toBe('undefined');
    expect(await probe(code('crypto.getMD5()'))).toBe('undefined');
    expect(await probe(code('httpClient'))).toBe('undefined');
    expect(await probe(code('print'))).toBe('undefined');
  });

  it('fails constructor.constructor("return process")() like any unknown name', async () => {
    const result = toExecResult(await runOnce(pool, "constructor.constructor('return process')();"));
    expect(result.error).toMatchObject({ name: 'ReferenceError', message: 'process is not defined' });
  });

  it('never loads a module with import(), and its late rejection reaches no later run', async () => {
    const importing = await runOnce(pool, `import('node:fs').then(
      function () { context.setVariable('r', 'imported'); },
      function (e) { context.setVariable('r', String(e.constructor.constructor('return typeof process')())); });`);
    expect(toExecResult(importing).ops).toEqual([]);
    const next = await runOnce(pool, "context.setVariable('mine', 1);");
    expect(toExecResult(next).ops).toEqual([['set', 'mine', 1]]);
  });

  it('does not let a script install Error.prepareStackTrace', async () => {
    const code = `Error.prepareStackTrace = function (e, frames) { return frames; };
      context.setVariable('r', typeof Error.prepareStackTrace + ':' + typeof new Error('x').stack);`;
    expect(await probe(code)).toBe('undefined:string');
  });

  it('turns a host stack overflow into an error of the sandbox realm', async () => {
    const code = `function dive() {
        try { return dive(); } catch (outer) {
          try { context.getVariable('x'); } catch (e) { return String(e.constructor.constructor('return typeof process')()); }
          return 'no error';
        }
      }
      context.setVariable('r', dive());`;
    expect(await probe(code)).not.toBe('object');
  });

  it('gives no caller beyond the script', async () => {
    expect(await probe("context.setVariable('r', String(arguments.callee.caller));")).toBe('null');
  });

  it('has no typed arrays, buffers, WebAssembly or Atomics (memory outside the heap limit)', async () => {
    expect(await probe("context.setVariable('r', [typeof ArrayBuffer, typeof SharedArrayBuffer, typeof Uint8Array, typeof WebAssembly, typeof Atomics].join())"))
      .toBe('undefined,undefined,undefined,undefined,undefined');
  });

  it('removes the globals a run created before the next run', async () => {
    await runOnce(pool, "leaked = 'secret'; (0, eval)('var viaEval = 1'); globalThis.viaThis = 2;");
    expect(await probe("context.setVariable('r', [typeof leaked, typeof viaEval, typeof viaThis].join())")).toBe('undefined,undefined,undefined');
  });

  it('keeps built-ins as they were: changes to intrinsics do not reach the next run', async () => {
    const tamper = await runOnce(pool, "Array.prototype.leak = 'secret'; String.prototype.trim = function () { return 'hacked'; }; JSON = null; Math.max = null;");
    expect(tamper.kind).toBe('done');
    expect(await probe("context.setVariable('r', [typeof [].leak, ' a '.trim(), typeof JSON.parse, typeof Math.max].join())")).toBe('undefined,a,function,function');
  });

  it('still lets scripts override inherited methods on their own objects', async () => {
    const code = `function Money(v) { this.v = v; }
      Money.prototype.toString = function () { return this.v + ' EUR'; };
      var e = new Error('boom'); e.name = 'PaymentError';
      var plain = {}; plain.constructor = 'mine';
      context.setVariable('r', String(new Money(3)) + '|' + e.name + '|' + plain.constructor);`;
    expect(await probe(code)).toBe('3 EUR|PaymentError|mine');
  });

  it('drops what a script hangs on the object model before the next run', async () => {
    await runOnce(pool, "crypto.stash = 'secret'; context.getVariable.stash = 'secret'; arguments.callee.stash = 'secret';");
    expect(await probe("context.setVariable('r', [typeof crypto.stash, typeof context.getVariable.stash].join())")).toBe('undefined,undefined');
  });

  it('resets the last regular expression match between runs', async () => {
    await runOnce(pool, "/token=(\\w+)/.exec('token=s3cret');");
    expect(await probe("context.setVariable('r', RegExp.$1);")).toBe('');
  });
});
