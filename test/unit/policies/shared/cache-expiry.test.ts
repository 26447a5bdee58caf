import { describe, expect, it } from 'vitest';
import { compileExpiry } from '../../../../src/policies/shared/compile-expiry.js';
import type { VariableReader } from '../../../../src/engine/variable-reader.js';

const vars = (values: Record<string, unknown>): VariableReader => ({ getVariable: (name) => values[name] });
const now = Date.UTC(2030, 5, 15, 12, 0, 0);

describe('compileExpiry', () => {
  it('uses the cache default when nothing is set', () => {
    expect(compileExpiry({}, 300)(vars({}), now)).toBe(now + 300_000);
  });

  it('prefers a TimeoutInSec ref that resolves to whole seconds, then the literal, then the default', () => {
    const expiry = compileExpiry({ timeoutInSec: { ref: 'ttl', value: 60 } }, 300);
    expect(expiry(vars({ ttl: '15' }), now)).toBe(now + 15_000);
    expect(expiry(vars({ ttl: 'soon' }), now)).toBe(now + 60_000);
    expect(expiry(vars({}), now)).toBe(now + 60_000);
    expect(compileExpiry({ timeoutInSec: { ref: 'ttl' } }, 300)(vars({ ttl: '0' }), now)).toBe(now + 300_000);
  });

  it('expires at the start (UTC) of an ExpiryDate', () => {
    expect(compileExpiry({ expiryDate: { value: '06-20-2030' } }, 300)(vars({}), now)).toBe(Date.UTC(2030, 5, 20));
    expect(compileExpiry({ expiryDate: { ref: 'd', value: '06-20-2030' } }, 300)(vars({ d: '07-01-2030' }), now)).toBe(Date.UTC(2030, 6, 1));
  });

  it('expires at the next TimeOfDay (UTC), today or tomorrow', () => {
    expect(compileExpiry({ timeOfDay: { value: '13:30:00' } }, 300)(vars({}), now)).toBe(Date.UTC(2030, 5, 15, 13, 30));
    expect(compileExpiry({ timeOfDay: { value: '11:00:00' } }, 300)(vars({}), now)).toBe(Date.UTC(2030, 5, 16, 11, 0));
    expect(compileExpiry({ timeOfDay: { ref: 't' } }, 300)(vars({ t: '12:00:00' }), now)).toBe(Date.UTC(2030, 5, 16, 12, 0));
  });
});
