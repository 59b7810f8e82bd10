import type { PatternTensor } from '../contracts/pattern.js';
import { SparseError } from '../errors.js';

/**
 * A kernel seen as `[outer, in, out]`: dense `[in, out]` has `outer = 1`; conv
 * `[kh, kw, cin, cout]` has `outer = kh·kw`, `in = cin`, `out = cout` (internal module).
 * Element `(p, i, j)` sits at flat index `(p·in + i)·out + j`.
 */
export interface KernelView {
  readonly outer: number;
  readonly in: number;
  readonly out: number;
}

/** The `[outer, in, out]` view of a tensor of rank ≥ 2, or `E_ARGUMENT` naming the pattern. */
export function kernelView(tensor: PatternTensor, pattern: string): KernelView {
  const { shape, name } = tensor;
  if (shape.length < 2) {
    throw new SparseError(
      'E_ARGUMENT',
      `The ${pattern} pattern needs a kernel of rank >= 2 (dense [in, out] or conv [kh, kw, cin, cout]); '${name}' has shape [${shape.join(', ')}]. Leave biases and norms out of the pruned parameters, or use the unstructured pattern.`,
      { field: name, received: shape, allowed: 'rank >= 2' },
    );
  }
  const out = shape[shape.length - 1] as number;
  const inputs = shape[shape.length - 2] as number;
  const outer = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { outer, in: inputs, out };
}

/** Per-unit alive counts as a number when every alive unit has the same count. */
export function uniformOrArray(counts: Int32Array, alive: Uint8Array): number | Int32Array {
  let value = -1;
  for (let u = 0; u < counts.length; u++) {
    if (alive[u] === 0) continue;
    const c = counts[u] as number;
    if (value === -1) value = c;
    else if (value !== c) return counts;
  }
  return value === -1 ? 0 : value;
}

/**
 * The element mask of a unit pattern: an element is kept when it is alive and its unit is kept.
 * Internal helper of the block and group patterns.
 */
export function expandUnitsToElements(
  unitOf: (index: number) => number,
): (keepUnits: Uint8Array, elementAlive: Uint8Array) => Uint8Array {
  return (keepUnits, elementAlive) => {
    const keep = new Uint8Array(elementAlive.length);
    for (let index = 0; index < keep.length; index++) {
      keep[index] = (elementAlive[index] as number) & (keepUnits[unitOf(index)] as number);
    }
    return keep;
  };
}
