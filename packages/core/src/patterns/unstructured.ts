import type { PatternTensor, UnitPattern } from '../contracts/pattern.js';

/**
 * The unstructured pattern: every weight is its own unit.
 *
 * @example
 * ```ts
 * import { createPruner, unstructured } from '@sparse/core';
 *
 * const pruner = createPruner({ pattern: unstructured() });
 * ```
 */
export function unstructured(): UnitPattern {
  return Object.freeze({
    kind: 'units',
    name: 'unstructured',
    units: ({ scores, alive }: PatternTensor) => ({ scores, alive, unitWeights: 1, expand: (keepUnits: Uint8Array) => keepUnits }),
  });
}
