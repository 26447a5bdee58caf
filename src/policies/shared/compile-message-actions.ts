// Compiles message actions once at deploy into closures that apply them per request, in document order (AssignMessage, RaiseFault).
import type { FlowContext } from '../../engine/flow-context.js';
import type { Message } from '../../engine/message.js';
import type { ParamMap } from '../../engine/param-map.js';
import { compilePolicyTemplate, toUnresolvedVariableFault, type PolicyTemplate, type TemplateOwner } from './compile-policy-template.js';
import { isContentVariable } from './is-content-variable.js';
import type { AddAction, AssignVariableAction, CopyAction, MessageAction, ParamSelection, ParamValue, RemoveAction, SetAction } from './message-action.js';
import { isHttpToken, parseStatusCode } from './policy-xml.js';
import { toStepFault } from './to-step-fault.js';

export interface CompiledMessageActions {
  /** Applies every action to `target`, the message the policy assigns to. */
  apply(ctx: FlowContext, target: Message): void;
  /** True when an action reads a body or form parameters (the runner buffers bodies first). */
  readonly readsContent: boolean;
}

type ApplyAction = (ctx: FlowContext, target: Message) => void;

interface NamedTemplate {
  readonly name: string;
  readonly template: PolicyTemplate;
}

class ActionCompiler {
  readsContent = false;
  constructor(readonly owner: TemplateOwner) {}

  template(text: string, delimiters?: { prefix: string; suffix: string }): PolicyTemplate {
    const template = compilePolicyTemplate(text, this.owner, delimiters);
    if (template.variables.some(isContentVariable)) this.readsContent = true;
    return template;
  }

  templates(values: readonly ParamValue[]): NamedTemplate[] {
    return values.map(({ name, value }) => ({ name, template: this.template(value) }));
  }

  optional(text: string | undefined): PolicyTemplate | undefined {
    return text === undefined ? undefined : this.template(text);
  }
}

export function compileMessageActions(actions: readonly MessageAction[], owner: TemplateOwner): CompiledMessageActions {
  const compiler = new ActionCompiler(owner);
  const steps = actions.map((action): ApplyAction => {
    switch (action.kind) {
      case 'Copy': return compileCopy(action, compiler);
      case 'Remove': return compileRemove(action, compiler);
      case 'Add': return compileAdd(action, compiler);
      case 'Set': return compileSet(action, compiler);
      case 'AssignVariable': return compileAssignVariable(action, compiler);
    }
  });
  return {
    readsContent: compiler.readsContent,
    apply(ctx, target) {
      for (const step of steps) step(ctx, target);
    },
  };
}

function compileCopy(action: CopyAction, compiler: ActionCompiler): ApplyAction {
  if (action.payload || action.formParams) compiler.readsContent = true;
  const { owner } = compiler;
  return (ctx, target) => {
    const from = resolveSource(ctx, action.source, owner);
    if (!from || from === target) return;
    if (action.headers) copyParams(from.headers, target.headers, action.headers);
    if (action.queryParams) copyParams(from.queryParams, target.queryParams, action.queryParams);
    if (action.formParams) {
      const params = target.formParams.clone();
      if (copyParams(from.formParams, params, action.formParams)) target.commitFormParams(params);
    }
    if (action.payload) {
      target.setContent(from.contentBuffer);
      const contentType = from.headers.get('content-type');
      if (contentType !== undefined) target.headers.set('Content-Type', contentType);
    }
    if (target.kind === 'request' && from.kind === 'request') {
      if (action.verb) target.verb = from.verb;
      if (action.path) target.path = from.path;
    }
    if (target.kind === 'response' && from.kind === 'response') {
      if (action.statusCode) target.statusCode = from.statusCode;
      if (action.reasonPhrase) target.reasonPhrase = from.reasonPhrase;
    }
    if (action.version) target.version = from.version;
  };
}

function compileRemove(action: RemoveAction, compiler: ActionCompiler): ApplyAction {
  const { headers, queryParams, formParams, payload } = action;
  if (formParams) compiler.readsContent = true;
  return (_ctx, target) => {
    if (headers) removeParams(target.headers, headers);
    if (queryParams) removeParams(target.queryParams, queryParams);
    if (formParams && target.formParams.size > 0) {
      const params = target.formParams.clone();
      removeParams(params, formParams);
      target.commitFormParams(params);
    }
    if (payload) target.clearContent();
  };
}

function compileAdd(action: AddAction, compiler: ActionCompiler): ApplyAction {
  const headers = compiler.templates(action.headers);
  const queryParams = compiler.templates(action.queryParams);
  const formParams = compiler.templates(action.formParams);
  if (formParams.length > 0) compiler.readsContent = true;
  return (ctx, target) => {
    for (const { name, template } of headers) target.headers.add(name, template.render(ctx));
    for (const { name, template } of queryParams) target.queryParams.add(name, template.render(ctx));
    if (formParams.length > 0) {
      const params = target.formParams.clone();
      for (const { name, template } of formParams) params.add(name, template.render(ctx));
      target.commitFormParams(params);
    }
  };
}

function compileSet(action: SetAction, compiler: ActionCompiler): ApplyAction {
  const { owner } = compiler;
  const headers = compiler.templates(action.headers);
  const queryParams = compiler.templates(action.queryParams);
  const formParams = compiler.templates(action.formParams);
  if (formParams.length > 0) compiler.readsContent = true;
  const payload = action.payload;
  const payloadTemplate = payload && compiler.template(
    payload.text,
    payload.variablePrefix !== undefined && payload.variableSuffix !== undefined ? { prefix: payload.variablePrefix, suffix: payload.variableSuffix } : undefined,
  );
  const verb = compiler.optional(action.verb);
  const path = compiler.optional(action.path);
  const statusCode = compiler.optional(action.statusCode);
  const reasonPhrase = compiler.optional(action.reasonPhrase);
  const version = compiler.optional(action.version);
  const setVariableFailed = (what: string, value: string) =>
    toStepFault(owner.policyType, 'SetVariableFailed', `${owner.policyType}[${owner.policyName}]: cannot set ${what} to "${value}"`, owner.policyName);
  // Form parameters and the payload go first so that an explicit Content-Type header in the same <Set> wins.
  return (ctx, target) => {
    if (formParams.length > 0) {
      const params = target.formParams.clone();
      for (const { name, template } of formParams) params.set(name, template.render(ctx));
      target.commitFormParams(params);
    }
    if (payloadTemplate) {
      target.setContent(payloadTemplate.render(ctx));
      if (payload.contentType !== undefined) target.headers.set('Content-Type', payload.contentType);
    }
    for (const { name, template } of headers) target.headers.set(name, template.render(ctx));
    for (const { name, template } of queryParams) target.queryParams.set(name, template.render(ctx));
    // A request has no status or reason phrase and a response no verb or path: Apigee ignores those settings.
    if (target.kind === 'request') {
      if (verb) {
        const value = verb.render(ctx).trim();
        if (!isHttpToken(value)) throw setVariableFailed('the verb', value);
        target.verb = value.toUpperCase();
      }
      if (path) {
        const value = path.render(ctx).trim();
        target.path = value.startsWith('/') ? value : `/${value}`;
      }
    } else {
      if (statusCode) {
        const value = statusCode.render(ctx).trim();
        const status = parseStatusCode(value);
        if (status === undefined) throw setVariableFailed('the status code', value);
        target.statusCode = status;
      }
      if (reasonPhrase) target.reasonPhrase = reasonPhrase.render(ctx);
    }
    if (version) target.version = version.render(ctx).trim();
  };
}

function compileAssignVariable(action: AssignVariableAction, compiler: ActionCompiler): ApplyAction {
  const { owner } = compiler;
  const { name, ref, value } = action;
  if (name === '') return () => {};
  if (ref !== undefined && isContentVariable(ref)) compiler.readsContent = true;
  const template = compiler.optional(action.template);
  if (template) {
    if (value === undefined) return (ctx) => ctx.setVariable(name, template.render(ctx));
    return (ctx) => ctx.setVariable(name, template.renderOrUndefined(ctx) ?? value);
  }
  if (ref !== undefined) {
    return (ctx) => {
      const resolved = ctx.getVariable(ref);
      if (resolved !== undefined && resolved !== null) ctx.setVariable(name, resolved);
      else if (value !== undefined) ctx.setVariable(name, value);
      else if (owner.strict) throw toUnresolvedVariableFault(owner, ref);
    };
  }
  const literal = value ?? null;
  return (ctx) => ctx.setVariable(name, literal);
}

function resolveSource(ctx: FlowContext, name: string | undefined, owner: TemplateOwner): Message | undefined {
  if (name === undefined) return ctx.message;
  const message = ctx.getMessage(name);
  if (message) return message;
  const value = ctx.getVariable(name);
  if (value === undefined || value === null) {
    if (owner.strict) throw toUnresolvedVariableFault(owner, name);
    return undefined;
  }
  throw toStepFault(owner.policyType, 'VariableOfNonMsgType', `${owner.policyType}[${owner.policyName}]: value of variable ${name} is not of type Message`, owner.policyName);
}

/** Copies the selected parameters (every value of each); returns whether anything was copied. */
function copyParams(from: ParamMap, to: ParamMap, selection: ParamSelection): boolean {
  let copied = false;
  if (selection.all) {
    for (const [name, values] of from) {
      to.set(name, values);
      copied = true;
    }
  }
  for (const name of selection.names) {
    const values = from.getAll(name);
    if (values.length === 0) continue;
    to.set(name, values);
    copied = true;
  }
  return copied;
}

function removeParams(params: ParamMap, selection: ParamSelection): void {
  if (selection.all) params.clear();
  for (const name of selection.names) params.delete(name);
}

