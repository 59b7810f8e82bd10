import * as tf from '@tensorflow/tfjs-core';
import { referenceBinary, referenceWhere } from '../../reference/elementwise.js';
import { referenceGather, referenceTopK } from '../../reference/selection.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase } from '../conformance-case.js';
import { randomArray, randomIntegers, tensorOf, tidyCheck } from '../inputs.js';

/**
 * topk with many ties: values in descending order and, among equal values, the lower index
 * first (TensorFlow's documented rule, which exact-count pruning by index relies on).
 */
export const topKCase: ConformanceCase = {
  name: 'topk values and indices, ties broken by the lower index',
  run: (context) =>
    tidyCheck(() => {
      const problems: string[] = [];
      const inputs = [randomIntegers(context, [3, 12], 0, 4), randomArray(context, [2, 9]), { shape: [10], values: new Array<number>(10).fill(0.5) }];
      for (const input of inputs) {
        const last = input.shape[input.shape.length - 1] ?? 1;
        for (const k of [1, Math.ceil(last / 2), last]) {
          const label = `topk([${input.shape.join(',')}], k=${k})`;
          const expected = referenceTopK(input, k);
          const { values, indices } = tf.topk(tensorOf(input), k, true);
          problems.push(...compareTensor(`${label} values`, values, expected.values, 'float32', context.tolerance));
          problems.push(...compareTensor(`${label} indices`, indices, expected.indices, 'int32', context.tolerance));
        }
      }
      return problems;
    }),
};

/** gather along axis 0 and 1, with repeated indices and 2-D indices. */
export const gatherCase: ConformanceCase = {
  name: 'gather along axes, repeated and 2-D indices',
  run: (context) =>
    tidyCheck(() => {
      const input = randomArray(context, [4, 3, 2]);
      const problems: string[] = [];
      const cases: [number, number[], number][] = [
        [0, [5], 4],
        [1, [4], 3],
        [1, [2, 3], 3],
        [2, [3], 2],
      ];
      for (const [axis, indexShape, size] of cases) {
        const indices = randomIntegers(context, indexShape, 0, size);
        const actual = tf.gather(tensorOf(input), tensorOf(indices, 'int32'), axis);
        problems.push(...compareTensor(`gather([4,3,2], indices [${indexShape.join(',')}], axis=${axis})`, actual, referenceGather(input, indices, axis), 'float32', context.tolerance));
      }
      return problems;
    }),
};

/** greater and lessEqual (bool results, with equal elements) and where with broadcasting. */
export const comparisonCase: ConformanceCase = {
  name: 'greater/lessEqual/where, with equal elements and broadcasting',
  run: (context) =>
    tidyCheck(() => {
      const a = randomIntegers(context, [3, 4], -2, 3);
      const b = randomIntegers(context, [3, 4], -2, 3);
      const row = randomIntegers(context, [4], -2, 3);
      const problems: string[] = [];
      const greater = referenceBinary(a, b, (x, y) => (x > y ? 1 : 0));
      problems.push(...compareTensor('greater([3,4], [3,4])', tf.greater(tensorOf(a), tensorOf(b)), greater, 'bool', context.tolerance));
      problems.push(...compareTensor('greater([3,4], [4])', tf.greater(tensorOf(a), tensorOf(row)), referenceBinary(a, row, (x, y) => (x > y ? 1 : 0)), 'bool', context.tolerance));
      problems.push(...compareTensor('lessEqual([3,4], [3,4])', tf.lessEqual(tensorOf(a), tensorOf(b)), referenceBinary(a, b, (x, y) => (x <= y ? 1 : 0)), 'bool', context.tolerance));
      const x = randomArray(context, [3, 4]);
      const y = randomArray(context, [3, 4]);
      const condition = tf.greater(tensorOf(a), tensorOf(b));
      problems.push(...compareTensor('where([3,4] bool, [3,4], [3,4])', tf.where(condition, tensorOf(x), tensorOf(y)), referenceWhere(greater, x, y), 'float32', context.tolerance));
      const columnCondition = randomIntegers(context, [3, 1], 0, 2);
      const broadcast = tf.where(tensorOf(columnCondition, 'bool'), tensorOf(x), tensorOf(y));
      problems.push(...compareTensor('where([3,1] bool, [3,4], [3,4])', broadcast, referenceWhere(columnCondition, x, y), 'float32', context.tolerance));
      return problems;
    }),
};
