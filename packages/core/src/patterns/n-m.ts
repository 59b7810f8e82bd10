import { echoValue } from '../runtime/options-issues.js';
import type { FixedPattern, PatternTensor } from '../contracts/pattern.js';
import { SparseError } from '../errors.js';
import { NEG_INF_KEY, POS_INF_KEY, bitsOf } from '../selection/score-keys.js';
import { kernelView } from './kernel-view.js';

/**
 * Options of {@link nmPattern}.
 *
 * @example
 * ```ts
 * import type { NMPatternOptions } from '@sparse/core';
 *
 * const twoFour: NMPatternOptions = { n: 2, m: 4 };
 * ```
 */
export interface NMPatternOptions {
  /** Weights kept in every group, `1 <= n <= m`. */
  readonly n: number;
  /** Consecutive input weights per group. */
  readonly m: number;
}

function checkInteger(value: unknown, field: string, low: number, high: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < low || value > high) {
    throw new SparseError(
      'E_CONFIG',
      `N:M pattern: ${field} must be an integer in [${low}, ${high === Infinity ? '∞' : high}], got ${echoValue(value)}.`,
      { field, received: value, allowed: `integers in [${low}, ${high}]` },
    );
  }
  return value;
}

/**
 * N:M structured sparsity: in every group of `m` consecutive weights along the **input**
 * dimension, the `n` with the highest scores are kept (tfmot's `generate_m_by_n_mask` layout,
 * here with N = kept). Dense `[in, out]`: groups of `m` consecutive input rows of each output
 * column. Conv `[kh, kw, cin, cout]`: groups along `cin` for each `(kh, kw, cout)`.
 *
 * - When `in % m ≠ 0` the last group of each column is shorter (as if padded with weights that
 *   are never kept): it keeps its `n` best, so it stays dense when it has `n` or fewer weights.
 * - Ties are broken like every selection: among equal scores the lower flat index is pruned first.
 * - Already-pruned weights stay pruned and are not counted: a group with `n` or fewer alive
 *   weights keeps them all.
 * - The pattern fixes the sparsity at `1 − n/m`; a pruner ignores the target's sparsity with it
 *   (except that a target of 0 leaves masks unchanged).
 *
 * @throws SparseError `E_CONFIG` unless `n` and `m` are integers with `1 <= n <= m`.
 *
 * @example
 * ```ts
 * import { createPruner, nmPattern } from '@sparse/core';
 *
 * const pruner = createPruner({ pattern: nmPattern({ n: 2, m: 4 }) });
 * ```
 */
export function nmPattern(options: NMPatternOptions): FixedPattern {
  const m = checkInteger(options.m, 'm', 1, Infinity);
  const n = checkInteger(options.n, 'n', 1, m);
  const name = `${n}:${m}`;
  return Object.freeze({
    kind: 'fixed',
    name,
    sparsity: 1 - n / m,
    select: (tensor: PatternTensor) => selectNM(tensor, n, m, name),
  });
}

function selectNM(tensor: PatternTensor, n: number, m: number, name: string): Uint8Array {
  const view = kernelView(tensor, `${name} (N:M)`);
  const { scores, alive } = tensor;
  const keep = alive.slice();
  if (n === m) return keep;
  const bits = bitsOf(scores);
  const { outer, in: inputs, out } = view;
  // A group never holds more than the input dimension: M beyond it makes one group per column.
  const keys = new Int32Array(Math.min(m, inputs));
  const indices = new Int32Array(Math.min(m, inputs));
  for (let p = 0; p < outer; p++) {
    for (let j = 0; j < out; j++) {
      for (let start = 0; start < inputs; start += m) {
        const end = Math.min(start + m, inputs);
        let count = 0;
        for (let i = start; i < end; i++) {
          const index = (p * inputs + i) * out + j;
          if (alive[index] === 0) continue;
          const b = bits[index] as number;
          let k = b ^ ((b >> 31) & 0x7fffffff);
          if (k === -1) k = 0;
          else if (k > POS_INF_KEY || k < NEG_INF_KEY) k = NEG_INF_KEY;
          // Insertion keeps (key, index) ascending; indices arrive ascending, so ties stay in order.
          let slot = count++;
          while (slot > 0 && (keys[slot - 1] as number) > k) {
            keys[slot] = keys[slot - 1] as number;
            indices[slot] = indices[slot - 1] as number;
            slot--;
          }
          keys[slot] = k;
          indices[slot] = index;
        }
        for (let r = 0; r < count - n; r++) keep[indices[r] as number] = 0;
      }
    }
  }
  return keep;
}
