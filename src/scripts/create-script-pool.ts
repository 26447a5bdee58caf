// The gateway-wide pool of script host processes: spawns them, hands runs out, enforces time limits by killing, replaces the dead.
import type { Logger } from 'pino';
import type { FromHostFrame, ScriptCallOp, ToHostFrame } from './script-protocol.js';
import { SlotList } from '../dataplane/slot-list.js';
import { startScriptHost, type ScriptHost, type ScriptHostDeath } from './start-script-host.js';

export interface ScriptPoolOptions {
  readonly logger: Logger;
  /** Host processes (each runs one script at a time). */
  readonly hosts: number;
  /** V8 heap limit of each host (`--max-old-space-size`); a host that exceeds it dies and is replaced. */
  readonly maxHeapMb: number;
  /** How long past its timeLimit a run may go before its host is killed. */
  readonly killGraceMs?: number;
  /** Largest message a host may send (a run's writes and prints); default 64 MiB. A larger one fails the run and kills the host. */
  readonly maxFrameBytes?: number;
}

/** Answers a run's questions against its flow. `call` must not throw; its reply is JSON (see ScriptCallOp). */
export interface ScriptCallHandler {
  call(op: ScriptCallOp, argumentJson: string, opsJson: string): string | Promise<string>;
  send(calloutId: string, requestJson: string): void;
}

export interface ScriptRunRequest {
  /** ExecSnapshot as JSON. */
  readonly snapshotJson: string;
  readonly timeLimitMs: number;
  readonly handler: ScriptCallHandler;
}

export type ScriptRunResult =
  | { readonly kind: 'done'; readonly resultJson: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'memory' }
  | { readonly kind: 'failed'; readonly message: string };

export interface LoadedScript {
  run(request: ScriptRunRequest): Promise<ScriptRunResult>;
  /** The script is compiled no more; hosts drop it. */
  release(): void;
}

export interface ScriptPool {
  /** Registers a script body (compiled in every host) with its `properties`. */
  load(body: string, properties: Readonly<Record<string, string>>): LoadedScript;
  close(): Promise<void>;
}

interface Script {
  readonly id: number;
  readonly frame: ToHostFrame & { t: 'load' };
}

interface Run {
  /** The run's SlotList handle, sent to the host and echoed in its frames. */
  id: number;
  readonly script: Script;
  readonly request: ScriptRunRequest;
  readonly resolve: (result: ScriptRunResult) => void;
  /** Calls the gateway has not answered yet: while one is open the host is waiting on us, not looping. */
  openCalls: number;
}

interface Host {
  readonly id: number;
  readonly process: ScriptHost;
  readonly loaded: Set<number>;
  /** Runs sent to the host, in order; the first is running. */
  readonly queue: Run[];
  headSince: number;
  timer: NodeJS.Timeout | undefined;
  /** The host has built its sandbox; until then no time limit runs. */
  ready: boolean;
  alive: boolean;
}

/** A host whose running script has been going this long is passed over when another host is free. */
const BUSY_AFTER_MS = 10;

export function createScriptPool(options: ScriptPoolOptions): ScriptPool {
  const { logger } = options;
  const killGraceMs = options.killGraceMs ?? 100;
  const scripts = new Map<number, Script>();
  // Not a Map: one entry per script run would keep every run's request alive through young-generation GCs (slot-list.ts).
  const runs = new SlotList<Run>();
  let hosts: Host[] = [];
  let hostSeq = 0;
  let scriptSeq = 0;
  let closed = false;
  // Hosts that died before they were ready, in a row: past a few, starting more waits (a broken host would respawn in a loop).
  let failedStarts = 0;
  let startBlockedUntil = 0;

  const write = (host: Host, frame: ToHostFrame): void => {
    if (host.alive) host.process.write(frame);
  };

  const finish = (run: Run, result: ScriptRunResult): void => {
    if (runs.remove(run.id) === undefined) return;
    run.resolve(result);
  };

  const startHead = (host: Host): void => {
    const run = host.queue[0];
    if (!run || !host.ready) return;
    host.headSince = performance.now();
    const startedAt = host.headSince;
    const check = (): void => {
      if (host.queue[0] !== run) return;
      // The host is blocked on a reply we owe (a callout it waits for): it stops at its own deadline once answered.
      if (run.openCalls > 0 && performance.now() - startedAt < run.request.timeLimitMs + 10 * killGraceMs) {
        host.timer = setTimeout(check, killGraceMs);
        return;
      }
      retire(host, { kind: 'timeout' });
    };
    host.timer = setTimeout(check, run.request.timeLimitMs + killGraceMs);
  };

  const onFrame = (host: Host, frame: FromHostFrame): void => {
    if (frame.t === 'ready') {
      host.ready = true;
      failedStarts = 0;
      startHead(host);
      return;
    }
    const run = runs.get(frame.x);
    switch (frame.t) {
      case 'done': {
        const head = host.queue[0];
        if (!head || head.id !== frame.x) return;
        host.queue.shift();
        clearTimeout(host.timer);
        finish(head, { kind: 'done', resultJson: frame.r });
        startHead(host);
        return;
      }
      case 'call': {
        if (!run) return;
        const reply = (text: string): void => {
          run.openCalls--;
          write(host, { t: 'reply', q: frame.q, r: text });
        };
        run.openCalls++;
        let answer: string | Promise<string>;
        try {
          answer = run.request.handler.call(frame.op, frame.a, frame.o);
        } catch (err) {
          logger.error({ err }, 'script call failed');
          answer = '';
        }
        if (typeof answer === 'string') reply(answer);
        else answer.then(reply, (err: unknown) => {
          logger.error({ err }, 'script call failed');
          reply('');
        });
        return;
      }
      case 'send':
        run?.request.handler.send(frame.c, frame.req);
        return;
    }
  };

  /** Takes a host out of service: its running script gets `result`, the runs queued behind it go elsewhere. */
  const retire = (host: Host, result: ScriptRunResult): void => {
    if (!host.alive) return;
    host.alive = false;
    clearTimeout(host.timer);
    hosts = hosts.filter((h) => h !== host);
    host.process.kill();
    const [head, ...rest] = host.queue.splice(0);
    if (head) finish(head, result);
    // Queued runs have not started (the host runs one at a time), so running them elsewhere runs them once.
    for (const run of rest) dispatch(run);
  };

  const onDeath = (host: Host, death: ScriptHostDeath): void => {
    if (!host.alive) return;
    if (!host.ready && ++failedStarts >= 3) startBlockedUntil = performance.now() + Math.min(30_000, 1_000 * 2 ** (failedStarts - 3));
    logger.warn({ host: host.id, reason: death.reason, stderr: death.stderr.slice(-1024) }, death.outOfMemory ? 'script host ran out of memory' : 'script host exited');
    retire(host, death.outOfMemory ? { kind: 'memory' } : { kind: 'failed', message: `the script host exited (${death.reason})` });
  };

  const spawnHost = (): Host => {
    const id = ++hostSeq;
    let host: Host | undefined;
    const hostProcess = startScriptHost({
      id,
      maxHeapMb: options.maxHeapMb,
      maxFrameBytes: options.maxFrameBytes ?? 64 * 1024 * 1024,
      onFrame: (frame) => host && onFrame(host, frame),
      onDeath: (death) => host && onDeath(host, death),
    });
    host = { id, process: hostProcess, loaded: new Set(), queue: [], headSince: 0, timer: undefined, ready: false, alive: true };
    for (const script of scripts.values()) loadInto(host, script);
    return host;
  };

  const loadInto = (host: Host, script: Script): void => {
    if (host.loaded.has(script.id)) return;
    host.loaded.add(script.id);
    write(host, script.frame);
  };

  const startHosts = (): void => {
    if (performance.now() < startBlockedUntil) return;
    while (hosts.length < options.hosts) hosts.push(spawnHost());
  };

  const pickHost = (): Host | undefined => {
    startHosts();
    const now = performance.now();
    let best: Host | undefined;
    let bestScore = Infinity;
    for (const host of hosts) {
      // Shortest queue first; a host still starting is nearly as good as an idle one (it is ready in moments),
      // and one whose running script has been going for a while is the last choice (it may be looping).
      const busy = host.ready && host.queue.length > 0 && now - host.headSince > BUSY_AFTER_MS;
      const score = host.queue.length + (host.ready ? 0 : 0.5) + (busy ? 1000 : 0);
      if (score < bestScore) {
        best = host;
        bestScore = score;
      }
    }
    return best;
  };

  const dispatch = (run: Run): void => {
    if (closed) {
      finish(run, { kind: 'failed', message: 'the script pool is closed' });
      return;
    }
    const host = pickHost();
    if (!host) {
      finish(run, { kind: 'failed', message: 'no script host could be started' });
      return;
    }
    loadInto(host, run.script);
    run.openCalls = 0;
    host.queue.push(run);
    write(host, { t: 'run', x: run.id, s: run.script.id, ms: run.request.timeLimitMs, d: run.request.snapshotJson });
    if (host.queue.length === 1) startHead(host);
  };

  return {
    load(body, properties) {
      const id = ++scriptSeq;
      const script: Script = { id, frame: { t: 'load', s: id, body, file: `baton-script-${id}`, properties: JSON.stringify(properties) } };
      scripts.set(id, script);
      if (!closed) {
        startHosts();
        for (const host of hosts) loadInto(host, script);
      }
      return {
        run(request) {
          return new Promise<ScriptRunResult>((resolve) => {
            const run: Run = { id: 0, script, request, resolve, openCalls: 0 };
            run.id = runs.add(run);
            dispatch(run);
          });
        },
        release() {
          if (!scripts.delete(id)) return;
          for (const host of hosts) {
            if (host.loaded.delete(id)) write(host, { t: 'unload', s: id });
          }
        },
      };
    },
    async close() {
      closed = true;
      const all = hosts;
      for (const host of all) retire(host, { kind: 'failed', message: 'the script pool is closed' });
      await Promise.all(all.map((host) => host.process.exited));
    },
  };
}
