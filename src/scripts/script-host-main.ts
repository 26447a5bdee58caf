// The script host process: builds the sandbox, compiles scripts, runs them one at a time for the gateway. Runs from its source text (`node -e`): it must reference nothing outside itself.
import type { formatJavaDate } from './format-java-date.js';
import type { ObjectModelRuntime, SandboxBridge } from './install-object-model.js';
import type { FromHostFrame, SandboxSources, ScriptCallOp, ToHostFrame } from './script-protocol.js';

/**
 * Frames are length-prefixed JSON on fd 3, a socket pair with the gateway, read with blocking reads. During a run
 * a call blocks until its reply; frames that arrive meanwhile wait for the run to end.
 */
export function scriptHostMain(formatDate: typeof formatJavaDate): void {
  const fs = process.getBuiltinModule('node:fs');
  const vm = process.getBuiltinModule('node:vm');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const fd = 3;
  const hashes = new Set(['md5', 'sha1', 'sha256', 'sha512']);
  const readBuffer = Buffer.allocUnsafe(1 << 16);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let chunks: Buffer[] = [];
  let buffered = 0;
  const deferred: ToHostFrame[] = [];

  // A rejected promise nobody handled inside the sandbox is the script's business, not a reason to exit.
  process.on('unhandledRejection', () => {});

  // Chunks are joined only once a whole frame is there, so a large frame costs one copy, not one per read.
  let needed = 4;
  const takeFrame = (): ToHostFrame | undefined => {
    if (buffered < needed) return undefined;
    let all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
    chunks = [all];
    const size = all.readUInt32LE(0);
    needed = 4 + size;
    if (buffered < needed) return undefined;
    const text = all.toString('utf8', 4, 4 + size);
    all = all.subarray(4 + size);
    chunks = all.length > 0 ? [all] : [];
    buffered = all.length;
    needed = 4;
    return JSON.parse(text) as ToHostFrame;
  };
  const append = (n: number): void => {
    chunks.push(Buffer.from(readBuffer.subarray(0, n)));
    buffered += n;
  };
  const readFrameSync = (): ToHostFrame => {
    for (;;) {
      const frame = takeFrame();
      if (frame) return frame;
      let n = 0;
      try {
        n = fs.readSync(fd, readBuffer, 0, readBuffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') process.exit(0);
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (n === 0) process.exit(0);
      append(n);
    }
  };
  const writeFrame = (frame: FromHostFrame): void => {
    const body = Buffer.from(JSON.stringify(frame), 'utf8');
    const out = Buffer.allocUnsafe(4 + body.length);
    out.writeUInt32LE(body.length, 0);
    body.copy(out, 4);
    for (let offset = 0; offset < out.length;) offset += fs.writeSync(fd, out, offset);
  };

  let hostId = 0;
  let calloutSeq = 0;
  let callSeq = 0;
  let current: { x: number; deadline: number } | undefined;

  const bridge: SandboxBridge = (op, a, b, c) => {
    try {
      switch (op) {
        case 'call': {
          if (!current || typeof a !== 'string' || typeof b !== 'string' || typeof c !== 'string') return '';
          if (performance.now() >= current.deadline) return '';
          const q = ++callSeq;
          writeFrame({ t: 'call', x: current.x, q, op: a as ScriptCallOp, a: b, o: c });
          for (;;) {
            const frame = readFrameSync();
            if (frame.t !== 'reply') deferred.push(frame);
            else if (frame.q === q) return frame.r;
          }
        }
        case 'send': {
          if (!current || typeof a !== 'string') return undefined;
          const id = `${hostId}.${++calloutSeq}`;
          writeFrame({ t: 'send', x: current.x, c: id, req: a });
          return id;
        }
        case 'remaining':
          return current ? Math.max(0, current.deadline - performance.now()) : 0;
        case 'hash':
          if (typeof a !== 'string' || !hashes.has(a) || typeof b !== 'string' || (c !== 'hex' && c !== 'base64')) return undefined;
          return createHash(a).update(b, 'utf8').digest(c);
        case 'date':
          if (typeof a !== 'string' || typeof b !== 'string' || typeof c !== 'number') return undefined;
          return formatDate(a, b, c);
      }
    } catch {
      // Nothing thrown here may reach the sandbox: it would carry this realm's constructors.
    }
    return undefined;
  };

  interface Sandbox {
    readonly runtime: ObjectModelRuntime;
    install(frame: ToHostFrame & { t: 'load' }): void;
    drain(): void;
    cleanup(): boolean;
  }

  const createSandbox = (sources: SandboxSources): Sandbox => {
    const context = vm.createContext(Object.create(null) as object, {
      name: 'baton-javascript',
      codeGeneration: { strings: true, wasm: false },
      // Promise jobs run inside the run, not after it.
      microtaskMode: 'afterEvaluate',
    });
    let runtime: ObjectModelRuntime | undefined;
    let importAttempted = false;
    // Without this hook import() rejects with an error of the host realm, whose constructor escapes the sandbox.
    // The rejection still arrives after the run (Node settles it asynchronously), when another script may be
    // running: a realm that saw import() is therefore replaced, and the late rejection lands in the old one.
    const importModuleDynamically = (): never => {
      importAttempted = true;
      throw runtime ? runtime.makeError('import() is not available to scripts') : new Error('import() is not available');
    };
    const evaluate = (source: string, filename: string): unknown =>
      new vm.Script(source, { filename, importModuleDynamically: importModuleDynamically as never }).runInContext(context);
    const sandboxFunction = (source: string, name: string): unknown => evaluate(`'use strict'; (${source})`, `baton:${name}`);
    const install = sandboxFunction(sources.objectModel, 'object-model') as (...args: unknown[]) => ObjectModelRuntime;
    runtime = install(
      bridge,
      sources.sessionVariable,
      sources.exchangeMarker,
      sandboxFunction(sources.messageObjects, 'message-objects'),
      sandboxFunction(sources.httpClient, 'http-client'),
      sandboxFunction(sources.crypto, 'crypto'),
      sandboxFunction(sources.runVariables, 'run-variables'),
    );
    const harden = sandboxFunction(sources.harden, 'harden') as (global: unknown, roots: unknown) => () => boolean;
    const cleanup = harden(evaluate('globalThis', 'baton:global'), runtime.shared);
    const drain = new vm.Script('0', { filename: 'baton:drain', importModuleDynamically: importModuleDynamically as never });
    const ready = runtime;
    return {
      runtime: ready,
      install(frame) {
        let fn: (...args: unknown[]) => unknown;
        try {
          fn = vm.compileFunction(frame.body, [...sources.parameters], {
            filename: frame.file,
            parsingContext: context,
            importModuleDynamically: importModuleDynamically as never,
          }) as (...args: unknown[]) => unknown;
        } catch {
          // Checked when the bundle was imported; a script that still fails to compile reports "not loaded" when run.
          return;
        }
        ready.install(frame.s, fn, frame.file, frame.properties);
      },
      drain: () => drain.runInContext(context),
      cleanup: () => cleanup() || importAttempted,
    };
  };

  const loads = new Map<number, ToHostFrame & { t: 'load' }>();
  let sources: SandboxSources | undefined;
  let sandbox: Sandbox | undefined;

  const handle = (frame: ToHostFrame): void => {
    switch (frame.t) {
      case 'init':
        hostId = frame.hostId;
        sources = frame.sandbox;
        sandbox = createSandbox(sources);
        writeFrame({ t: 'ready' });
        return;
      case 'load':
        loads.set(frame.s, frame);
        sandbox?.install(frame);
        return;
      case 'unload':
        loads.delete(frame.s);
        sandbox?.runtime.uninstall(frame.s);
        return;
      case 'run': {
        if (!sandbox || !sources) {
          writeFrame({ t: 'done', x: frame.x, r: JSON.stringify({ ops: [], prints: [], error: { name: 'Error', message: 'the script host has no sandbox' } }) });
          return;
        }
        current = { x: frame.x, deadline: performance.now() + frame.ms };
        let result: string;
        try {
          sandbox.runtime.run(frame.s, frame.d);
          sandbox.drain();
          result = sandbox.runtime.collect();
        } catch {
          result = JSON.stringify({ ops: [], prints: [], error: { name: 'Error', message: 'the script host failed to run the script' } });
        }
        current = undefined;
        if (typeof result !== 'string') result = JSON.stringify({ ops: [], prints: [], error: { name: 'Error', message: 'malformed result' } });
        // A run that left a global behind for good poisons the realm: the next run gets a fresh one.
        if (sandbox.cleanup()) {
          sandbox = createSandbox(sources);
          for (const load of loads.values()) sandbox.install(load);
        }
        writeFrame({ t: 'done', x: frame.x, r: result });
        return;
      }
      case 'reply':
        return;
    }
  };

  // If the gateway dies while a script loops, nothing would ever stop this process: a thread watches the parent.
  const parent = process.ppid;
  new Worker(
    `const { workerData } = require('node:worker_threads'); setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 1000);`,
    { eval: true, workerData: parent, env: {}, resourceLimits: { maxOldGenerationSizeMb: 8 } },
  ).unref();

  // One frame per turn of the event loop: reads block, but between frames Node still settles its own
  // bookkeeping (promise rejections the sandbox left unhandled would otherwise pile up).
  const serve = (): void => {
    handle(deferred.shift() ?? readFrameSync());
    setImmediate(serve);
  };
  serve();
}
