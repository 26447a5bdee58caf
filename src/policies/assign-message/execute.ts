// AssignMessage at deploy and per request: resolves the AssignTo message, then applies the actions in document order.
import type { FlowContext } from '../../engine/flow-context.js';
import { Message } from '../../engine/message.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { compileMessageActions } from '../shared/compile-message-actions.js';
import { parseAssignMessage, type AssignMessageConfig, type AssignToConfig } from './parse.js';

export function compileAssignMessage(config: AssignMessageConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const actions = compileMessageActions(config.actions, {
    policyType: 'AssignMessage',
    policyName: ctx.policy.name,
    strict: !config.ignoreUnresolvedVariables,
  });
  const resolveTarget = compileAssignTo(config.assignTo);
  return {
    readsContent: actions.readsContent,
    execute(flow) {
      actions.apply(flow, resolveTarget(flow));
    },
  };
}

export const assignMessagePolicy: PolicyType<AssignMessageConfig> = {
  type: 'AssignMessage',
  parse: parseAssignMessage,
  compile: compileAssignMessage,
};

/** The message the actions modify (Apigee AssignTo semantics; compat §8). */
function compileAssignTo({ variable, createNew, type }: AssignToConfig): (ctx: FlowContext) => Message {
  if (!createNew) {
    if (variable === undefined) return (ctx) => ctx.message;
    // A name that holds no message yet gets a new one, as with createNew.
    return (ctx) => ctx.getMessage(variable) ?? createMessage(ctx, variable, type ?? 'request');
  }
  if (variable === 'request') return (ctx) => resetRequest(ctx.request);
  if (variable === 'response') return replaceResponse;
  if (variable === undefined || variable === 'message') {
    return (ctx) => ((type ?? ctx.message.kind) === 'response' ? replaceResponse(ctx) : resetRequest(ctx.request));
  }
  return (ctx) => createMessage(ctx, variable, type ?? 'request');
}

function createMessage(ctx: FlowContext, variable: string, kind: Message['kind']): Message {
  const message = new Message(kind);
  ctx.setMessage(variable, message);
  return message;
}

function replaceResponse(ctx: FlowContext): Message {
  return createMessage(ctx, 'response', 'response');
}

/** The flow's request object cannot be swapped (the runner holds it), so a "new" request is the same object emptied. */
function resetRequest(request: Message): Message {
  request.headers.clear();
  request.queryParams.clear();
  request.clearContent();
  request.verb = 'GET';
  return request;
}
