import { describe, expect, it } from 'vitest';
import { createDefaultPolicyRegistry } from '../../../src/policies/default-policy-registry.js';

describe('createDefaultPolicyRegistry', () => {
  it('registers the shipped policy types by XML root element name', () => {
    const registry = createDefaultPolicyRegistry();
    expect(registry.supportedTypes).toEqual(expect.arrayContaining(['AssignMessage', 'ExtractVariables', 'RaiseFault']));
    expect(registry.get('AssignMessage')?.type).toBe('AssignMessage');
    expect(registry.get('RaiseFault')?.type).toBe('RaiseFault');
    expect(registry.get('ExtractVariables')?.type).toBe('ExtractVariables');
    expect(registry.get('assignmessage')).toBeUndefined();
  });
});
