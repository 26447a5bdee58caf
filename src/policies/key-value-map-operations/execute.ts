// KeyValueMapOperations per request: Get from memory (through the read cache), Put and Delete committed before the step ends (bounded in entries and time).
import type { FlowContext } from '../../engine/flow-context.js';
import { toTemplateText } from '../../engine/template/template-function.js';
import type { KvmScope } from '../../kvms/kvm-scope.js';
import type { KvmWriteError } from '../../kvms/kvm-service.js';
import { runtimeFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parseKeyValueMapOperations, type KeyValueMapOperationsConfig, type KvmOperation, type KvmParameter } from './parse.js';

// Apigee joins the Parameters of a composite key with a double underscore.
const KEY_SEPARATOR = '__';
/** Apigee: values of an encrypted map may only be assigned to variables with this prefix (never shown in trace or logs). */
const PRIVATE_PREFIX = 'private.';

function toScope(config: KeyValueMapOperationsConfig, ctx: PolicyCompileContext): KvmScope {
  const organization = ctx.organization;
  switch (config.scope) {
    case 'organization': return { kind: 'organization', organization };
    case 'environment': return { kind: 'environment', organization, environment: ctx.environment };
    case 'apiproxy': return { kind: 'apiproxy', organization, api: ctx.apiName };
    case 'policy': return { kind: 'revision', organization, api: ctx.apiName, revision: ctx.revision };
  }
}

/** A ref that resolves wins over the literal; undefined when neither gives a value. */
function resolve(parameter: KvmParameter, flow: FlowContext): string | undefined {
  return (parameter.ref !== undefined ? toTemplateText(flow.getVariable(parameter.ref)) : undefined) ?? parameter.text;
}

/** The key, or undefined when a Parameter does not resolve: the operation is then skipped (our choice). */
function resolveKey(parameters: readonly KvmParameter[], flow: FlowContext): string | undefined {
  const parts: string[] = [];
  for (const parameter of parameters) {
    const part = resolve(parameter, flow);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join(KEY_SEPARATOR);
}

export function compileKeyValueMapOperations(config: KeyValueMapOperationsConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const kvms = ctx.services.kvms;
  const scope = toScope(config, ctx);
  const map = config.mapIdentifier;
  const policyName = ctx.policy.name;
  const cacheTtlMs = config.expiryTimeInSecs * 1000;
  const initialEntries = config.initialEntries.map((entry) => ({ name: entry.key.join(KEY_SEPARATOR), values: entry.values }));
  // Apigee seeds the map at deploy; here the first request does it (and waits for the commit), so a deploy that
  // fails later leaves no map behind. A failed seeding is retried by the next request.
  let seeded: Promise<void> | undefined = initialEntries.length === 0 ? Promise.resolve() : undefined;
  const seed = (): Promise<void> => {
    seeded ??= kvms.ensureMap(scope, map, initialEntries).catch((err: unknown) => {
      seeded = undefined;
      throw err;
    });
    return seeded;
  };

  const get = (operation: Extract<KvmOperation, { kind: 'Get' }>, flow: FlowContext): void => {
    const key = resolveKey(operation.key, flow);
    if (key === undefined) return;
    const read = kvms.read(scope, map, key, cacheTtlMs);
    if (!read) return;
    if (read.encrypted && !operation.assignTo.startsWith(PRIVATE_PREFIX)) {
      // The value is never part of the message: faults reach logs and clients.
      throw toStepFault('KeyValueMapOperations', 'SetVariableFailed', `Failed to set variable ${operation.assignTo} value ***** from key value map ${map}: values of an encrypted map can only be assigned to private. variables`, policyName);
    }
    const value = operation.index !== undefined ? read.values[operation.index - 1] : read.values.join(',');
    if (value !== undefined) flow.setVariable(operation.assignTo, value);
  };

  const run = async (flow: FlowContext): Promise<void> => {
    try {
      await runOperations(flow);
    } catch (err) {
      throw toWriteFault(err);
    }
  };

  const runOperations = async (flow: FlowContext): Promise<void> => {
    await seed();
    for (const operation of config.operations) {
      if (operation.kind === 'Get') {
        get(operation, flow);
        continue;
      }
      const key = resolveKey(operation.key, flow);
      if (key === undefined) continue;
      if (operation.kind === 'Delete') {
        await kvms.remove(scope, map, key);
        continue;
      }
      const values = operation.values.flatMap((value) => resolve(value, flow) ?? []);
      if (values.length > 0) await kvms.put(scope, map, { name: key, values }, { override: operation.override });
    }
  };

  const refs = config.operations.flatMap((operation) => [...operation.key, ...(operation.kind === 'Put' ? operation.values : [])]);
  return { readsContent: refs.some((parameter) => parameter.ref !== undefined && isContentVariable(parameter.ref)), execute: run };
}

/** A bounded write (full map, slow commit) as its fault; any other error as it is. */
function toWriteFault(err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'KvmWriteError') return err;
  const { reason, map, limit } = err as KvmWriteError;
  return runtimeFault(reason === 'entry-limit' ? 'KeyValueMapEntryLimitExceeded' : 'KeyValueMapCommitTimeout', [map, limit], err);
}

export const keyValueMapOperationsPolicy: PolicyType<KeyValueMapOperationsConfig> = {
  type: 'KeyValueMapOperations',
  parse: parseKeyValueMapOperations,
  compile: compileKeyValueMapOperations,
};
