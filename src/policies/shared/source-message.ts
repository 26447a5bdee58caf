// Resolving a policy's <Source>/<OutputVariable>: a message (request, response, message, a created message) or a text variable.
import type { FlowContext } from '../../engine/flow-context.js';
import type { Message } from '../../engine/message.js';

export type ResolvedSource =
  | { readonly kind: 'message'; readonly message: Message }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'other'; readonly value: unknown }
  | { readonly kind: 'missing' };

/** What a variable name holds for a policy that converts or checks a payload. */
export function resolveSource(flow: FlowContext, name: string): ResolvedSource {
  const message = flow.getMessage(name);
  if (message) return { kind: 'message', message };
  const value = flow.getVariable(name);
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value === 'string') return { kind: 'text', text: value };
  return { kind: 'other', value };
}

/** The media type of a message without parameters, lower case ('' when absent). */
export function toMediaType(message: Message): string {
  const value = message.headers.get('content-type') ?? '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** application/json and any `+json` type. */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** text/xml, application/xml and any `+xml` type. */
export function isXmlMediaType(type: string): boolean {
  return type === 'text/xml' || type === 'application/xml' || type.endsWith('+xml');
}
