import { describe, expect, it } from 'vitest';
import { MIN_ROWS_TRANSPOSE_B, MIN_WORK, prefersExplicitTranspose } from './explicit-transpose-policy.js';
import type { MatMulGeometry } from './mat-mul-geometry.js';

const geometry = (g: Partial<MatMulGeometry>): MatMulGeometry => ({
  batchA: 1, batchB: 1, m: 60, k: 300, n: 784, kB: 300, transposeA: false, transposeB: true, ...g,
});

describe('prefersExplicitTranspose', () => {
  it('takes the explicit route for every LeNet-300-100 gradient product at batch 60 and 512', () => {
    for (const batch of [60, 512]) {
      for (const [inputs, units] of [[784, 300], [300, 100], [100, 10]] as const) {
        expect(prefersExplicitTranspose(geometry({ m: inputs, k: batch, n: units, transposeA: true, transposeB: false }))).toBe(true);
        expect(prefersExplicitTranspose(geometry({ m: batch, k: units, n: inputs, transposeA: false, transposeB: true }))).toBe(true);
      }
    }
  });

  it('leaves untransposed, batched, single-column and tiny products to the stock kernel', () => {
    expect(prefersExplicitTranspose(geometry({ transposeA: false, transposeB: false }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ batchA: 2 }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ batchB: 3, transposeA: true }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ n: 1, transposeA: true, transposeB: false }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ m: 8, k: 8, n: MIN_WORK / 64 - 1, transposeA: true, transposeB: false }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ m: 8, k: 8, n: MIN_WORK / 64, transposeA: true, transposeB: false }))).toBe(true);
  });

  it('needs enough result rows when b is transposed', () => {
    expect(prefersExplicitTranspose(geometry({ m: MIN_ROWS_TRANSPOSE_B - 1 }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ m: MIN_ROWS_TRANSPOSE_B }))).toBe(true);
    expect(prefersExplicitTranspose(geometry({ m: MIN_ROWS_TRANSPOSE_B - 1, transposeA: true }))).toBe(false);
    expect(prefersExplicitTranspose(geometry({ m: 1, transposeA: true, transposeB: false }))).toBe(true);
  });
});
