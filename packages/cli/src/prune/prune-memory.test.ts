import { describe, expect, it } from 'vitest';
import { SparseError } from '@sparse/core';
import { checkPruneMemory } from './prune-memory.js';
import type { TensorPlan } from './plan.js';

/** A pruned F32 tensor plan of `elements` weights. */
const plan = (name: string, elements: number): TensorPlan => ({
  info: { name, dtype: 'F32', shape: [elements, 1], dataOffsets: [0, 4 * elements], byteLength: 4 * elements, elementCount: elements },
  prune: true,
});

describe('checkPruneMemory', () => {
  const plans = [plan('a', 1000), plan('b', 3000)];

  it('refuses on the backend what does not fit at 13 bytes per weight, naming the weights and the way out', () => {
    expect(() => checkPruneMemory(plans, 'w.safetensors', 13 * 4000)).not.toThrow();
    const error = (() => {
      try {
        checkPruneMemory(plans, 'w.safetensors', 13 * 4000 - 1);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SparseError);
    expect((error as SparseError).code).toBe('E_ARGUMENT');
    expect((error as SparseError).message).toMatch(/4000 weights; pruning them at once needs .* \(13 bytes per weight\).*--include\/--exclude/);
  });

  it('needs one byte per weight plus the largest tensor (its bytes, magnitudes and mask) when streaming', () => {
    const needed = 4000 + 4 * 3000 + 5 * 3000;
    expect(() => checkPruneMemory(plans, 'w.safetensors', needed, 'streaming')).not.toThrow();
    expect(() => checkPruneMemory(plans, 'w.safetensors', needed - 1, 'streaming')).toThrow(/by streaming needs .* \(1 byte per weight, plus the largest tensor\)/);
    // What streaming fits, the backend path refuses.
    expect(() => checkPruneMemory(plans, 'w.safetensors', needed)).toThrow(SparseError);
  });
});
