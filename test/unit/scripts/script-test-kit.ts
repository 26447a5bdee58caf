// Test helpers for the script pool: an empty flow snapshot, a handler that answers nothing, and a run that returns the parsed result.
import type { ScriptCallHandler, ScriptPool, ScriptRunResult } from '../../../src/scripts/create-script-pool.js';
import type { ExecResult, ExecSnapshot, MessageSnapshot } from '../../../src/scripts/script-protocol.js';

const emptyMessage: MessageSnapshot = { verb: 'GET', status: 200, reason: '', headers: [], query: [], content: '' };

export function toSnapshotJson(overrides: Partial<ExecSnapshot> = {}): string {
  return JSON.stringify({ flow: 'PROXY_REQ_FLOW', vars: [], req: emptyMessage, res: emptyMessage, ...overrides } satisfies ExecSnapshot);
}

/** Answers `get` with null and anything else with nothing. */
export const quietHandler: ScriptCallHandler = {
  call: (op) => (op === 'get' ? '{"v":null}' : ''),
  send: () => {},
};

/** Loads `code`, runs it once, and releases it. */
export async function runOnce(pool: ScriptPool, code: string, options: { timeLimitMs?: number; snapshotJson?: string } = {}): Promise<ScriptRunResult> {
  const script = pool.load(code, {});
  try {
    return await script.run({ snapshotJson: options.snapshotJson ?? toSnapshotJson(), timeLimitMs: options.timeLimitMs ?? 5_000, handler: quietHandler });
  } finally {
    script.release();
  }
}

/** The result of a run that finished (failing the test otherwise). */
export function toExecResult(result: ScriptRunResult): ExecResult {
  if (result.kind !== 'done') throw new Error(`expected the run to finish, got ${JSON.stringify(result)}`);
  return JSON.parse(result.resultJson) as ExecResult;
}

/** The values the run wrote with context.setVariable, by name. */
export function toWrittenVariables(result: ScriptRunResult): Record<string, unknown> {
  const written: Record<string, unknown> = {};
  for (const op of toExecResult(result).ops) if (op[0] === 'set') written[op[1]] = op[2];
  return written;
}
