// Test helper: a deployed shared flow whose steps are plain functions, with its in-flight count visible.
import type { PolicyConfig } from '../../../src/bundle/proxy-bundle.js';
import type { CompiledRevision, CompiledStep } from '../../../src/engine/compiled-revision.js';
import type { FlowContext } from '../../../src/engine/flow-context.js';
import type { DeployedSharedFlow } from '../../../src/sharedflows/create-shared-flow-registry.js';

export function fakeStep(name: string, run: (ctx: FlowContext) => void, options: { continueOnError?: boolean } = {}): CompiledStep {
  const policy: PolicyConfig = { name, type: 'Fake', file: `policies/${name}.xml`, enabled: true, continueOnError: options.continueOnError ?? false, config: {} };
  return { name, policy, condition: undefined, needsContent: false, compiled: { readsContent: false, execute: run } };
}

export function fakeSharedFlow(name: string, revision: number, steps: CompiledStep[], calls: string[] = []): DeployedSharedFlow & { closed: boolean } {
  let inflight = 0;
  const flow = {
    name, revision, steps, calls, closed: false,
    compiled: { close: async () => { flow.closed = true; }, destroy: async () => { flow.closed = true; } } as unknown as CompiledRevision,
    acquire: () => { inflight++; },
    release: () => { inflight--; },
    get inflight() { return inflight; },
    whenIdle: () => Promise.resolve(),
  };
  return flow;
}
