import type { MatMulGeometry } from './mat-mul-geometry.js';

/**
 * Decides, from the shapes alone, whether a transposed product should be computed as an explicit
 * transpose followed by a plain product.
 */
export type ExplicitTransposePolicy = (geometry: MatMulGeometry) => boolean;

/**
 * Below this many multiply-adds (`m·k·n`) the fixed cost of the explicit route (one more kernel
 * call, a fresh XNNPACK operator) outweighs the faster product; the gap is a few microseconds.
 */
export const MIN_WORK = 8192;

/**
 * With `transposeB`, below this many result rows the stock kernel stays: its loop then reads
 * both operands contiguously, and transposing and repacking `b` costs more than it saves.
 */
export const MIN_ROWS_TRANSPOSE_B = 8;

/**
 * The measured choice (tfjs 4.22 wasm in Node, `bench/calibrate.ts`). The stock kernel runs on
 * XNNPACK only for an untransposed product with batch 1; any transpose flag sends it to a scalar
 * triple loop, about 10x slower on dense-layer sizes. The explicit route is taken when:
 *
 * - a flag is set and both batch sizes are 1 (with a batch, both routes end in the same loop);
 * - `n > 1` (XNNPACK with one output column is slower than the stock loop);
 * - `m·k·n ≥` {@link MIN_WORK};
 * - and, with `transposeB`, `m ≥` {@link MIN_ROWS_TRANSPOSE_B}.
 */
export const prefersExplicitTranspose: ExplicitTransposePolicy = (g) => {
  if (!g.transposeA && !g.transposeB) return false;
  if (g.batchA !== 1 || g.batchB !== 1) return false;
  if (g.n <= 1 || g.m * g.k * g.n < MIN_WORK) return false;
  return !g.transposeB || g.m >= MIN_ROWS_TRANSPOSE_B;
};
