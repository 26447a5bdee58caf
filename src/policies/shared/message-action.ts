// The typed configuration of AssignMessage's message actions (Copy, Remove, Add, Set, AssignVariable), shared with RaiseFault.

/** Parameters an action touches: every one (an empty `<Headers/>`) or the named ones. */
export interface ParamSelection {
  readonly all: boolean;
  readonly names: readonly string[];
}

/** A parameter whose value is template text. */
export interface ParamValue {
  readonly name: string;
  readonly value: string;
}

export interface PayloadConfig {
  /** Template text; XML written as child elements is serialized back to text. */
  readonly text: string;
  readonly contentType?: string;
  readonly variablePrefix?: string;
  readonly variableSuffix?: string;
}

export interface CopyAction {
  readonly kind: 'Copy';
  /** Message variable copied from (`request`, `response`, a created message); undefined means the flow's `message`. */
  readonly source?: string;
  readonly headers?: ParamSelection;
  readonly queryParams?: ParamSelection;
  readonly formParams?: ParamSelection;
  readonly payload: boolean;
  readonly verb: boolean;
  readonly path: boolean;
  readonly statusCode: boolean;
  readonly reasonPhrase: boolean;
  readonly version: boolean;
}

export interface RemoveAction {
  readonly kind: 'Remove';
  readonly headers?: ParamSelection;
  readonly queryParams?: ParamSelection;
  readonly formParams?: ParamSelection;
  readonly payload: boolean;
}

export interface AddAction {
  readonly kind: 'Add';
  readonly headers: readonly ParamValue[];
  readonly queryParams: readonly ParamValue[];
  readonly formParams: readonly ParamValue[];
}

/** Every text field except `payload.contentType` is template text. */
export interface SetAction {
  readonly kind: 'Set';
  readonly headers: readonly ParamValue[];
  readonly queryParams: readonly ParamValue[];
  readonly formParams: readonly ParamValue[];
  readonly payload?: PayloadConfig;
  readonly verb?: string;
  readonly path?: string;
  readonly statusCode?: string;
  readonly reasonPhrase?: string;
  readonly version?: string;
}

/** `Template` wins; else `Ref`; `Value` is the literal, and the fallback when the others do not resolve. */
export interface AssignVariableAction {
  readonly kind: 'AssignVariable';
  readonly name: string;
  readonly value?: string;
  readonly ref?: string;
  readonly template?: string;
}

export type MessageAction = CopyAction | RemoveAction | AddAction | SetAction | AssignVariableAction;

export const MESSAGE_ACTION_ELEMENTS: ReadonlySet<string> = new Set(['Copy', 'Remove', 'Add', 'Set', 'AssignVariable']);
