// The read side of flow variables: all that conditions and templates need.

/**
 * Reads a flow variable by name. Returns `undefined` (or `null`) when the variable is not set.
 * Values are strings, numbers, booleans, or other objects (a message, an array of values).
 */
export interface VariableReader {
  getVariable(name: string): unknown;
}
