// The <Source>/<OutputVariable> handling JSONToXML and XMLToJSON share: the text to convert, and where its result goes.
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import { resolveSource, toMediaType } from './source-message.js';

export interface ConversionSpec {
  readonly source: string;
  readonly outputVariable: string | undefined;
  /** `JSONToXML[<policy>]`: how fault messages name the policy. */
  readonly label: string;
  /** The media types the policy converts; a message of another type is left alone. */
  isSourceType(mediaType: string): boolean;
  /** The Content-Type of an output message. */
  readonly outputContentType: string;
  /** The fault to throw, with the policy's failed flag set. */
  fail(flow: FlowContext, faultName: string, message: string): PolicyFault;
}

export interface Conversion {
  readonly text: string;
  /** Writes the converted text to the output message (with its Content-Type) or text variable. */
  write(content: string): void;
}

/** What to convert and where to write it; undefined when the policy is not enforced. Throws the source and output faults. */
export function resolveConversion(flow: FlowContext, spec: ConversionSpec): Conversion | undefined {
  const { label, fail } = spec;
  const source = resolveSource(flow, spec.source);
  if (source.kind === 'missing') throw fail(flow, 'SourceUnavailable', `${label}: Source ${spec.source} is not available`);
  if (source.kind === 'other') throw fail(flow, 'InvalidSourceType', `${label}: Invalid source type ${typeof source.value}. Valid source types are Message and String.`);
  // A message of another content type is left alone: the policy is not enforced (JSONToXML and XMLToJSON references).
  if (source.kind === 'message' && !spec.isSourceType(toMediaType(source.message))) return undefined;
  const outputName = spec.outputVariable ?? (source.kind === 'text' ? undefined : spec.source);
  if (outputName === undefined) throw fail(flow, 'OutputVariableIsNotAvailable', `${label}: Output variable is not available.`);
  const output = flow.getMessage(outputName);
  if (source.kind === 'text' && output) throw fail(flow, 'InCompatibleTypes', `${label}: String can not be assigned to message type.`);
  return {
    text: source.kind === 'message' ? source.message.contentText : source.text,
    write(content) {
      if (output) {
        output.setContent(content);
        output.headers.set('Content-Type', spec.outputContentType);
      } else {
        flow.setVariable(outputName, content);
      }
    },
  };
}
