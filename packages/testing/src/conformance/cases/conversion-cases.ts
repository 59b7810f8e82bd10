import * as tf from '@tensorflow/tfjs-core';
import { referenceOneHot } from '../../reference/selection.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase } from '../conformance-case.js';
import { randomIntegers, tensorOf, tidyCheck } from '../inputs.js';

const FRACTIONS = [2.7, -2.7, 0.5, -0.5, 0, 3, -3, 1e6];

/** float32 → int32 truncates toward zero. */
export const castToIntCase: ConformanceCase = {
  name: 'cast float32 → int32 truncates toward zero',
  run: (context) =>
    tidyCheck(() =>
      compareTensor(
        `cast([${FRACTIONS.join(', ')}], 'int32')`,
        tf.cast(tf.tensor1d(FRACTIONS), 'int32'),
        { shape: [FRACTIONS.length], values: FRACTIONS.map((value) => Math.trunc(value)) },
        'int32',
        context.tolerance,
      ),
    ),
};

/** bool and int32 → float32, the way masks are built from comparisons. */
export const castToFloatCase: ConformanceCase = {
  name: 'cast bool and int32 → float32',
  run: (context) =>
    tidyCheck(() => {
      const integers = randomIntegers(context, [12], -5, 5);
      const flags = integers.values.map((value) => (value > 0 ? 1 : 0));
      return [
        ...compareTensor('cast(int32 [12], float32)', tf.cast(tensorOf(integers, 'int32'), 'float32'), integers, 'float32', context.tolerance),
        ...compareTensor(
          'cast(greater(int32 [12], 0), float32)',
          tf.cast(tf.greater(tensorOf(integers, 'int32'), 0), 'float32'),
          { shape: [12], values: flags },
          'float32',
          context.tolerance,
        ),
      ];
    }),
};

/** float32 → bool is true for every non-zero value (including fractions, negatives and NaN). */
export const castToBoolCase: ConformanceCase = {
  name: 'cast float32 → bool is true for every non-zero value',
  run: (context) =>
    tidyCheck(() => {
      const values = [...FRACTIONS, 0.1, -2, 256, Number.NaN];
      return compareTensor(
        `cast([${values.join(', ')}], 'bool')`,
        tf.cast(tf.tensor1d(values), 'bool'),
        { shape: [values.length], values: values.map((value) => (value !== 0 ? 1 : 0)) },
        'bool',
        context.tolerance,
      );
    }),
};

/** oneHot with its default int32 output; out-of-range indices give an all-zero row. */
export const oneHotCase: ConformanceCase = {
  name: 'oneHot, with out-of-range indices',
  run: (context) =>
    tidyCheck(() => {
      const indices = { shape: [7], values: [...randomIntegers(context, [4], 0, 4).values, -1, 4, 3] };
      const twoD = randomIntegers(context, [2, 3], 0, 4);
      return [
        ...compareTensor('oneHot(int32 [7], 4)', tf.oneHot(tensorOf(indices, 'int32'), 4), referenceOneHot(indices, 4), 'int32', context.tolerance),
        ...compareTensor('oneHot(int32 [2,3], 4, on=5, off=-1)', tf.oneHot(tensorOf(twoD, 'int32'), 4, 5, -1), referenceOneHot(twoD, 4, 5, -1), 'int32', context.tolerance),
      ];
    }),
};

/** oneHot straight to float32 with custom on/off values. */
export const floatOneHotCase: ConformanceCase = {
  name: 'oneHot to float32 with custom on/off values',
  run: (context) =>
    tidyCheck(() => {
      const indices = randomIntegers(context, [2, 3], 0, 4);
      const actual = tf.oneHot(tensorOf(indices, 'int32'), 4, 0.5, -1, 'float32');
      return compareTensor('oneHot(int32 [2,3], 4, on=0.5, off=-1, float32)', actual, referenceOneHot(indices, 4, 0.5, -1), 'float32', context.tolerance);
    }),
};
