import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { explainMissingGradient } from './missing-gradient.js';

describe('explainMissingGradient', () => {
  it("turns tfjs's missing-gradient error into one that says what to load", () => {
    const tfjsError = new Error('Cannot compute gradient: gradient function not found for Sum.');
    const explained = explainMissingGradient(tfjsError);
    expect(isSparseError(explained, 'E_BACKEND_UNAVAILABLE')).toBe(true);
    expect((explained as Error).message).toMatch(/registerGradients\(\)/);
    expect((explained as Error).cause).toBe(tfjsError);
  });

  it('returns other errors unchanged', () => {
    const other = new Error('shapes do not match');
    expect(explainMissingGradient(other)).toBe(other);
    expect(explainMissingGradient('text')).toBe('text');
  });
});
