import * as tf from '@tensorflow/tfjs-core';
import { referenceArgMax, referenceReduce, type ReductionKind } from '../../reference/reduce.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase } from '../conformance-case.js';
import { randomArray, randomIntegers, tensorOf, tidyCheck } from '../inputs.js';

const AXES: readonly (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, [0, 2], [1, 2]];
const REDUCTIONS: readonly [ReductionKind, (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor][] = [
  ['sum', tf.sum],
  ['mean', tf.mean],
  ['max', tf.max],
];

/** sum, mean and max over every axis combination, with and without keepDims; int32 sums stay int32. */
export const reductionCase: ConformanceCase = {
  name: 'sum/mean/max along axes, keepDims, int32 sum',
  run: (context) =>
    tidyCheck(() => {
      const input = randomArray(context, [3, 4, 5], -2, 2);
      const problems: string[] = [];
      for (const [kind, op] of REDUCTIONS) {
        for (const axis of AXES) {
          for (const keepDims of [false, true]) {
            const label = `${kind}([3,4,5], axis=${JSON.stringify(axis)}, keepDims=${keepDims})`;
            problems.push(...compareTensor(label, op(tensorOf(input), axis, keepDims), referenceReduce(input, kind, axis, keepDims), 'float32', context.tolerance));
          }
        }
      }
      const counts = randomIntegers(context, [4, 6], 0, 2);
      problems.push(...compareTensor('sum(int32 [4,6], axis=1)', tf.sum(tensorOf(counts, 'int32'), 1), referenceReduce(counts, 'sum', 1), 'int32', context.tolerance));
      return problems;
    }),
};

/** argMax along each axis, with ties going to the lowest index. */
export const argMaxCase: ConformanceCase = {
  name: 'argMax along axes, ties to the lowest index',
  run: (context) =>
    tidyCheck(() => {
      const input = randomIntegers(context, [4, 6, 3], 0, 3);
      const problems: string[] = [];
      for (const axis of [0, 1, 2, -1]) {
        problems.push(...compareTensor(`argMax([4,6,3] with ties, axis=${axis})`, tf.argMax(tensorOf(input), axis), referenceArgMax(input, axis), 'int32', context.tolerance));
      }
      return problems;
    }),
};
