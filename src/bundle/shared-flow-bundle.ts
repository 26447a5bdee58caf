// The typed model of an imported shared flow bundle (`sharedflowbundle/`): what parseSharedFlowBundle produces.
import type { PolicyConfig, StepConfig } from './proxy-bundle.js';

/** One `sharedflows/*.xml` file: `<SharedFlow name="default">` holding Steps directly. */
export interface SharedFlowConfig {
  /** XML `name` attribute (falls back to the file name without `.xml`). */
  readonly name: string;
  /** Path inside `sharedflowbundle/`, for error messages. */
  readonly file: string;
  readonly steps: readonly StepConfig[];
}

export interface SharedFlowBundle {
  /** Root XML metadata (documentation only). */
  readonly displayName?: string;
  readonly description?: string;
  readonly sharedFlows: readonly SharedFlowConfig[];
  readonly policies: readonly PolicyConfig[];
  /** Resource files keyed `type://name` (e.g. `jsc://lib/util.js`). */
  readonly resources: ReadonlyMap<string, Uint8Array>;
  /** Every file under `sharedflowbundle/` as read, keyed by its path inside it. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** The flow a FlowCallout or flow hook runs: the one named `default`, else the only one (undefined when neither). */
export function toEntrySharedFlow(bundle: Pick<SharedFlowBundle, 'sharedFlows'>): SharedFlowConfig | undefined {
  return bundle.sharedFlows.find((f) => f.name === 'default') ?? (bundle.sharedFlows.length === 1 ? bundle.sharedFlows[0] : undefined);
}
