import * as tf from '@tensorflow/tfjs-core';
import { referenceBinary } from '../../reference/elementwise.js';
import { referenceMatMul } from '../../reference/matmul.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase, ConformanceContext } from '../conformance-case.js';
import { randomArray, shapes, tensorOf, tidyCheck } from '../inputs.js';

/**
 * Shapes of a and b before any transpose: plain, equal batch dims, and a rank-3 × rank-2 batch
 * broadcast. Broadcasting batch dims against each other (`[2,1,…] × [3,…]`) is left out: stock
 * tfjs 4.22 computes it wrongly on every backend (tensorflow/tfjs#4192, #7061).
 */
const MATMUL_SHAPES: readonly { a: number[]; b: number[] }[] = [
  { a: [3, 4], b: [4, 5] },
  { a: [2, 3, 4], b: [2, 4, 5] },
  { a: [2, 3, 4], b: [4, 5] },
];

const transpose = (shape: readonly number[]): number[] => [...shape.slice(0, -2), shape[shape.length - 1] ?? 1, shape[shape.length - 2] ?? 1];

/** matMul with every transpose combination, batch dims and batch broadcasting. */
export const matMulCase: ConformanceCase = {
  name: 'matMul: all transpose combinations, batch dims and batch broadcasting',
  run: (context) =>
    tidyCheck(() => {
      const problems: string[] = [];
      for (const { a: aShape, b: bShape } of MATMUL_SHAPES) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const a = randomArray(context, transposeA ? transpose(aShape) : aShape);
            const b = randomArray(context, transposeB ? transpose(bShape) : bShape);
            const label = `matMul(${shapes(a.shape, b.shape)}, transposeA=${transposeA}, transposeB=${transposeB})`;
            const actual = tf.matMul(tensorOf(a), tensorOf(b), transposeA, transposeB);
            problems.push(...compareTensor(label, actual, referenceMatMul(a, b, transposeA, transposeB), 'float32', context.tolerance));
          }
        }
      }
      return problems;
    }),
};

function fusedProblems(context: ConformanceContext, aShape: readonly number[], bShape: readonly number[]): string[] {
  const problems: string[] = [];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const a = randomArray(context, transposeA ? transpose(aShape) : aShape);
      const b = randomArray(context, transposeB ? transpose(bShape) : bShape);
      const bias = randomArray(context, [bShape[bShape.length - 1] ?? 1]);
      const label = `fused.matMul(${shapes(a.shape, b.shape)}, bias, relu, transposeA=${transposeA}, transposeB=${transposeB})`;
      const actual = tf.fused.matMul({ a: tensorOf(a), b: tensorOf(b), transposeA, transposeB, bias: tensorOf(bias), activation: 'relu' });
      const expected = referenceBinary(referenceMatMul(a, b, transposeA, transposeB), bias, (x, y) => Math.max(x + y, 0));
      problems.push(...compareTensor(label, actual, expected, 'float32', context.tolerance));
    }
  }
  return problems;
}

/** fused matMul with bias and relu on matrices, as dense layers run it. */
export const fusedMatMulCase: ConformanceCase = {
  name: 'fused matMul with bias and relu',
  run: (context) => tidyCheck(() => fusedProblems(context, [3, 4], [4, 5])),
};

/** fused matMul with bias and relu on batches of matrices. */
export const batchedFusedMatMulCase: ConformanceCase = {
  name: 'fused matMul with batch dims, bias and relu',
  run: (context) => tidyCheck(() => fusedProblems(context, [2, 3, 4], [2, 4, 5])),
};
