import { echoValue, SparseError } from '@sparse/core';

function checkShape(values: ArrayLike<number>, inputs: number, outputs: number, n: number, m: number, what: string): void {
  for (const [field, value, low] of [['inputs', inputs, 1], ['outputs', outputs, 1], ['m', m, 1], ['n', n, 1]] as const) {
    if (!Number.isSafeInteger(value) || value < low) {
      throw new SparseError('E_ARGUMENT', `${what}: ${field} must be a positive integer, got ${echoValue(value)}.`, { field, received: value, allowed: 'positive integers' });
    }
  }
  if (n > m) throw new SparseError('E_ARGUMENT', `${what}: n (kept per group) must be at most m, got ${n}:${m}.`, { field: 'n', received: n, allowed: `1 … ${m}` });
  if (values.length !== inputs * outputs) {
    throw new SparseError('E_ARGUMENT', `${what}: a [${inputs}, ${outputs}] kernel has ${inputs * outputs} values, got ${values.length}.`, {
      field: 'values',
      received: values.length,
      allowed: `${inputs * outputs} values`,
    });
  }
}

/** Groups of at most this many rows are ranked by pairwise comparison (branch-free, faster for small m). */
const RANK_LIMIT = 4;

/**
 * Ranks the rows `start … start+size−1` of every output unit by pairwise comparison: row `i` is
 * beaten by an earlier row with a larger |w| or a later row with an equal or larger one, and kept
 * when fewer than `kept` rows beat it (the same order as the lists: (|w|, index)).
 */
function rankGroup(values: ArrayLike<number>, mask: Float32Array, start: number, size: number, outputs: number, kept: number, magnitudes: Float32Array, ranks: Int32Array): void {
  for (let r = 0; r < size; r++) {
    const base = (start + r) * outputs;
    const row = r * outputs;
    for (let j = 0; j < outputs; j++) {
      const v = values[base + j] as number;
      magnitudes[row + j] = v !== v ? -1 : Math.abs(v);
    }
  }
  for (let i = 0; i < size; i++) {
    ranks.fill(0);
    const own = i * outputs;
    for (let r = 0; r < size; r++) {
      if (r === i) continue;
      const other = r * outputs;
      // `+(a > b)`: a comparison turned into 0 or 1 without a branch.
      if (r < i) for (let j = 0; j < outputs; j++) ranks[j] = (ranks[j] as number) + +((magnitudes[other + j] as number) > (magnitudes[own + j] as number));
      else for (let j = 0; j < outputs; j++) ranks[j] = (ranks[j] as number) + +((magnitudes[other + j] as number) >= (magnitudes[own + j] as number));
    }
    const base = (start + i) * outputs;
    for (let j = 0; j < outputs; j++) mask[base + j] = +((ranks[j] as number) < kept);
  }
}

/**
 * The exact N:M magnitude mask of a dense kernel `[inputs, outputs]` (row-major, TF layout, spec
 * §F.1): in every group of `m` consecutive **input** weights of each output unit, the `n` with the
 * largest `|w|` are kept (`1`), the others pruned (`0`). A short last group (when `inputs % m ≠ 0`)
 * keeps `min(n, size)`. Ties follow the framework's exact-count rule (spec §0): candidates are
 * ordered by `(|w| ascending, flat index ascending)` and the first `size − kept` are pruned, so
 * among equal magnitudes the lower index goes first; NaN counts as the smallest magnitude. This is
 * exactly what core's `nmPattern({ n, m })` selects with magnitude scores and every weight alive
 * (tested), in one pass over the kernel (groups of up to 4 by pairwise ranks, larger ones by a short
 * sorted list of the `min(kept, pruned)` best or worst), about 3–7 ms for LeNet-300-100's kernels
 * on a loaded 2-core VM.
 *
 * @param values - the kernel, `inputs × outputs` values, row `i` = input `i`.
 * @param into - optional output array (`inputs × outputs`) to reuse.
 * @returns the `0`/`1` mask (`into` when given).
 * @throws SparseError `E_ARGUMENT` for sizes that are not positive integers, `n > m` or a wrong length.
 *
 * @example
 * ```ts
 * import { nmMask } from '@sparse/sparse-training';
 *
 * // 4 inputs, 1 output: 2:4 keeps the two largest magnitudes.
 * const mask = nmMask(Float32Array.from([0.1, -3, 2, 0.5]), 4, 1, 2, 4);
 * console.log(Array.from(mask)); // [0, 1, 1, 0]
 * ```
 */
export function nmMask(values: ArrayLike<number>, inputs: number, outputs: number, n: number, m: number, into?: Float32Array): Float32Array {
  checkShape(values, inputs, outputs, n, m, 'nmMask');
  const mask = into ?? new Float32Array(inputs * outputs);
  if (mask.length !== inputs * outputs) {
    throw new SparseError('E_ARGUMENT', `nmMask: into must have ${inputs * outputs} values, got ${mask.length}.`, { field: 'into', received: mask.length });
  }
  // Rows of a group are visited in order and, inside a row, every output unit: the inner loop runs
  // over contiguous memory, each unit keeping its own short sorted list of the best (or worst) rows.
  const width = Math.max(1, Math.min(n, m - n, inputs));
  const scores = new Float32Array(outputs * width);
  const rows = new Int32Array(outputs * width);
  const magnitudes = new Float32Array(Math.min(RANK_LIMIT, m, inputs) * outputs);
  const ranks = new Int32Array(outputs);
  for (let start = 0; start < inputs; start += m) {
    const end = Math.min(start + m, inputs);
    const size = end - start;
    const kept = Math.min(n, size);
    const pruned = size - kept;
    if (pruned === 0) {
      mask.fill(1, start * outputs, end * outputs);
      continue;
    }
    if (size <= RANK_LIMIT) {
      rankGroup(values, mask, start, size, outputs, kept, magnitudes, ranks);
      continue;
    }
    // Keep the `kept` best by (|w|, index) when that list is the shorter one, else prune the `pruned` worst.
    const keepList = kept <= pruned;
    const length = keepList ? kept : pruned;
    for (let i = start; i < end; i++) {
      const seen = i - start;
      const base = i * outputs;
      for (let j = 0; j < outputs; j++) {
        let s = values[base + j] as number;
        if (s < 0) s = -s;
        else if (s !== s) s = -1; // NaN: the smallest magnitude
        mask[base + j] = keepList ? 0 : 1;
        const off = j * length;
        if (keepList) {
          // A later row with an equal |w| beats an earlier one.
          if (seen >= length && s < (scores[off + length - 1] as number)) continue;
          let slot = seen < length ? seen : length - 1;
          while (slot > 0 && s >= (scores[off + slot - 1] as number)) {
            scores[off + slot] = scores[off + slot - 1] as number;
            rows[off + slot] = rows[off + slot - 1] as number;
            slot--;
          }
          scores[off + slot] = s;
          rows[off + slot] = i;
        } else {
          // A later row with an equal |w| is better than an earlier one (pruned later).
          if (seen >= length && s >= (scores[off + length - 1] as number)) continue;
          let slot = seen < length ? seen : length - 1;
          while (slot > 0 && s < (scores[off + slot - 1] as number)) {
            scores[off + slot] = scores[off + slot - 1] as number;
            rows[off + slot] = rows[off + slot - 1] as number;
            slot--;
          }
          scores[off + slot] = s;
          rows[off + slot] = i;
        }
      }
    }
    const mark = keepList ? 1 : 0;
    for (let j = 0; j < outputs; j++) {
      for (let r = 0; r < length; r++) mask[(rows[j * length + r] as number) * outputs + j] = mark;
    }
  }
  return mask;
}

/**
 * Counts the groups of a kernel `[inputs, outputs]` that break the N:M pattern: groups of `m`
 * consecutive input weights of an output unit with more than `n` nonzeros (a short last group:
 * more than `min(n, size)`). `0` means the kernel is N:M-valid (groups with fewer nonzeros are
 * valid: a pruned weight may also be exactly zero).
 *
 * @throws SparseError `E_ARGUMENT` for sizes that are not positive integers, `n > m` or a wrong length.
 *
 * @example
 * ```ts
 * import { countNmViolations } from '@sparse/sparse-training';
 *
 * console.log(countNmViolations(Float32Array.from([0, 1, 2, 0]), 4, 1, 2, 4)); // 0
 * console.log(countNmViolations(Float32Array.from([3, 1, 2, 0]), 4, 1, 2, 4)); // 1
 * ```
 */
export function countNmViolations(values: ArrayLike<number>, inputs: number, outputs: number, n: number, m: number): number {
  checkShape(values, inputs, outputs, n, m, 'countNmViolations');
  let violations = 0;
  for (let start = 0; start < inputs; start += m) {
    const end = Math.min(start + m, inputs);
    for (let j = 0; j < outputs; j++) {
      let nonzeros = 0;
      for (let i = start; i < end; i++) if ((values[i * outputs + j] as number) !== 0) nonzeros++;
      if (nonzeros > n) violations++;
    }
  }
  return violations;
}
