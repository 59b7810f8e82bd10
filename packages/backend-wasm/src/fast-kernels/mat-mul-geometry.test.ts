import { describe, expect, it } from 'vitest';
import { matMulGeometry } from './mat-mul-geometry.js';

const info = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' as const });

describe('matMulGeometry', () => {
  it('reads m, k, n and the batch sizes under every flag', () => {
    expect(matMulGeometry(info([2, 3, 5, 7]), info([3, 7, 11]), false, false)).toMatchObject({ batchA: 6, batchB: 3, m: 5, k: 7, kB: 7, n: 11 });
    expect(matMulGeometry(info([7, 5]), info([7, 11]), true, false)).toMatchObject({ batchA: 1, m: 5, k: 7, kB: 7, n: 11 });
    expect(matMulGeometry(info([5, 7]), info([11, 7]), false, true)).toMatchObject({ m: 5, k: 7, kB: 7, n: 11 });
    expect(matMulGeometry(info([7, 5]), info([11, 8]), true, true)).toMatchObject({ m: 5, k: 7, kB: 8, n: 11 });
  });
});
