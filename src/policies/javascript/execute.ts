// Javascript at deploy and per request: the code is compiled once in every script host; a run ships a snapshot of the flow and applies the script's writes.
import type { FlowContext } from '../../engine/flow-context.js';
import type { ExecResult } from '../../scripts/script-protocol.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { analyzeScript } from './analyze-script.js';
import { applyScriptOps } from './apply-script-ops.js';
import { createFlowCallHandler } from './create-flow-call-handler.js';
import { parseJavascript, readScriptFiles, type JavascriptConfig } from './parse.js';
import type { PendingCallout } from './pending-callout.js';
import { toExecSnapshot } from './to-exec-snapshot.js';
import { toScriptBody, toScriptLocation, type ScriptBody } from './to-script-body.js';

/** (unconfirmed: our choice) Whole-exchange limit of an httpClient callout; a script waits at most its timeLimit. */
const CALLOUT_TIMEOUT_MS = 30_000;

export function compileJavascript(config: JavascriptConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const { files, problems } = readScriptFiles(config, ctx.resources);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const script = toScriptBody(files);
  const analysis = analyzeScript(script.body);
  const loaded = ctx.services.scripts.load(script.body, Object.fromEntries(config.properties));
  const logger = ctx.services.logger.child({ api: ctx.apiName, revision: ctx.revision, policy: policyName });
  const fault = (detail: string, cause?: unknown) =>
    toStepFault('Javascript', 'ScriptExecutionFailed', `Execution of ${policyName} failed with error: ${detail}`, policyName, { cause });
  const timeoutDetail = `Javascript runtime exceeded limit of ${config.timeLimitMs}ms`;

  const finish = (flow: FlowContext, resultJson: string, callouts: ReadonlyMap<string, PendingCallout>, failure: Error | undefined): void => {
    const result = JSON.parse(resultJson) as ExecResult;
    // Writes made before a failure stay made, as in Apigee (each setVariable takes effect when called).
    try {
      applyScriptOps(flow, result.ops, callouts);
    } catch (err) {
      failure ??= err as Error;
    }
    for (const line of Array.isArray(result.prints) ? result.prints : []) logger.debug({ print: String(line) }, 'javascript print');
    if (failure) throw fault(`Javascript runtime error: "${failure.message}"`, failure);
    if (result.timedOut) throw fault(timeoutDetail);
    if (result.error) throw fault(`Javascript runtime error: "${describeError(result.error, script)}"`);
  };

  return {
    readsContent: analysis.readsContent,
    async execute(flow) {
      const callouts = new Map<string, PendingCallout>();
      const handler = createFlowCallHandler(flow, callouts, { client: ctx.services.callouts, calloutTimeoutMs: CALLOUT_TIMEOUT_MS });
      const outcome = await loaded.run({ snapshotJson: toExecSnapshot(flow, analysis, callouts), timeLimitMs: config.timeLimitMs, handler });
      try {
        switch (outcome.kind) {
          case 'done':
            finish(flow, outcome.resultJson, callouts, handler.failure);
            return;
          case 'timeout':
            throw fault(timeoutDetail);
          case 'memory':
            throw fault('Javascript runtime exceeded its memory limit');
          case 'failed':
            logger.error({ reason: outcome.message }, 'javascript run failed');
            throw fault('Javascript runtime error: "the script could not be run"');
        }
      } catch (err) {
        flow.setVariable(`javascript.${policyName}.failed`, true);
        throw err;
      }
    },
    close: () => loaded.release(),
  };
}

/** Apigee's form: `TypeError: Cannot read property "x" from undefined. (main.js:12)`. */
function describeError(error: NonNullable<ExecResult['error']>, script: ScriptBody): string {
  const text = error.name ? `${error.name}: ${error.message}` : error.message;
  const location = error.line === undefined ? undefined : toScriptLocation(script, error.line);
  return location ? `${text}. (${location.name}:${location.line})` : text;
}

export const javascriptPolicy: PolicyType<JavascriptConfig> = {
  type: 'Javascript',
  parse: parseJavascript,
  compile: compileJavascript,
};
