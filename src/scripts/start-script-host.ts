// One script host process: spawned with its heap limit and the sandbox sources, spoken to in frames, watched until it dies.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { createCryptoObject } from './create-crypto-object.js';
import { createHttpClient } from './create-http-client.js';
import { createMessageObjects } from './create-message-objects.js';
import { createRunVariables } from './create-run-variables.js';
import { formatJavaDate } from './format-java-date.js';
import { createFrameBatcher, createFrameReader } from './frame-codec.js';
import { hardenSandbox } from './harden-sandbox.js';
import { installObjectModel } from './install-object-model.js';
import { scriptHostMain } from './script-host-main.js';
import { EXCHANGE_MARKER, SCRIPT_PARAMETERS, SESSION_VARIABLE, type FromHostFrame, type SandboxSources, type ToHostFrame } from './script-protocol.js';

export interface ScriptHostOptions {
  readonly id: number;
  /** `--max-old-space-size` of the host. */
  readonly maxHeapMb: number;
  /** Largest frame read from the host (a script's writes and prints): a larger one kills the host. */
  readonly maxFrameBytes: number;
  onFrame(frame: FromHostFrame): void;
  /** Called once when the host is gone, unless it was killed with kill(). */
  onDeath(death: ScriptHostDeath): void;
}

export interface ScriptHostDeath {
  /** V8 reported the heap limit on its way out. */
  readonly outOfMemory: boolean;
  /** Exit code or signal, or the spawn error. */
  readonly reason: string;
  /** The end of what the host wrote to stderr. */
  readonly stderr: string;
}

export interface ScriptHost {
  /** Queues a frame; the frames of one event-loop turn go out in one write. */
  write(frame: ToHostFrame): void;
  /** SIGKILL; onDeath is not called for it. */
  kill(): void;
  /** Resolves once the process is gone and its pipes are closed. */
  readonly exited: Promise<void>;
}

let sandboxSources: SandboxSources | undefined;
let hostSource: string | undefined;

/** The texts are built once per process: the functions' own source, evaluated in the host and its sandbox. */
function toSources(): { sandbox: SandboxSources; host: string } {
  sandboxSources ??= {
    objectModel: installObjectModel.toString(),
    messageObjects: createMessageObjects.toString(),
    httpClient: createHttpClient.toString(),
    crypto: createCryptoObject.toString(),
    runVariables: createRunVariables.toString(),
    harden: hardenSandbox.toString(),
    parameters: SCRIPT_PARAMETERS,
    sessionVariable: SESSION_VARIABLE,
    exchangeMarker: EXCHANGE_MARKER,
  };
  hostSource ??= `'use strict';\n(${scriptHostMain.toString()})(${formatJavaDate.toString()});\n`;
  return { sandbox: sandboxSources, host: hostSource };
}

export function startScriptHost(options: ScriptHostOptions): ScriptHost {
  const sources = toSources();
  const child = spawn(process.execPath, [
    `--max-old-space-size=${options.maxHeapMb}`,
    // Honors the sandbox's import() hook (without it import() rejects with an error of the host realm).
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    '-e',
    sources.host,
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: {}, cwd: tmpdir(), windowsHide: true });
  const socket = child.stdio[3] as Socket | null;
  let stderr = '';
  let alive = true;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const die = (reason: string): void => {
    if (!alive) return;
    alive = false;
    options.onDeath({ outOfMemory: /heap out of memory|Reached heap limit/.test(stderr), reason, stderr });
  };
  const onOversized = (size: number): void => {
    child.kill('SIGKILL');
    die(`sent a frame of ${size} bytes (more than ${options.maxFrameBytes})`);
  };
  socket?.on('data', createFrameReader((frame) => options.onFrame(frame as FromHostFrame), options.maxFrameBytes, onOversized));
  socket?.on('error', () => {});
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4096);
  });
  child.on('error', (err) => die(`could not start: ${err.message}`));
  // 'close', not 'exit': V8's out-of-memory report on stderr has been read by then.
  child.once('close', (code, signal) => die(String(signal ?? code)));
  // Checked again when the batch goes out: frames for a host killed meanwhile are dropped (its runs went elsewhere).
  const queueFrame = createFrameBatcher((frames) => {
    if (alive) socket?.write(frames);
  });
  const host: ScriptHost = {
    write(frame) {
      if (alive) queueFrame(frame);
    },
    kill() {
      alive = false;
      child.kill('SIGKILL');
    },
    exited,
  };
  host.write({ t: 'init', hostId: options.id, sandbox: sources.sandbox });
  return host;
}
