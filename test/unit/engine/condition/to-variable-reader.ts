// Test helper: a VariableReader over a fixed set of variables.
import type { VariableReader } from '../../../../src/engine/variable-reader.js';

export function toVariableReader(variables: Record<string, unknown>): VariableReader {
  const map = new Map(Object.entries(variables));
  return { getVariable: (name) => map.get(name) };
}
