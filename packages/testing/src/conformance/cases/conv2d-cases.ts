import * as tf from '@tensorflow/tfjs-core';
import { referenceConv2d, type Conv2dOptions } from '../../reference/conv2d.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase } from '../conformance-case.js';
import { randomArray, tensorOf, tidyCheck } from '../inputs.js';

const SETTINGS: readonly Conv2dOptions[] = [
  { strides: 1, padding: 'same' },
  { strides: 1, padding: 'valid' },
  { strides: 2, padding: 'same' },
  { strides: 2, padding: 'valid' },
  { strides: 1, padding: 'valid', dilation: 2 },
];

/** conv2d (NHWC, HWIO) with strides 1 and 2, SAME (asymmetric) and VALID padding, and dilation. */
export const conv2dCase: ConformanceCase = {
  name: 'conv2d: strides, same/valid padding, dilation',
  run: (context) =>
    tidyCheck(() => {
      const x = randomArray(context, [2, 6, 5, 3]);
      const filter = randomArray(context, [3, 2, 3, 4]);
      const problems: string[] = [];
      for (const setting of SETTINGS) {
        const { strides, padding, dilation = 1 } = setting;
        const actual = tf.conv2d(tensorOf(x) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, strides, padding, 'NHWC', dilation);
        const label = `conv2d([2,6,5,3], [3,2,3,4], strides=${strides}, padding=${padding}, dilation=${dilation})`;
        problems.push(...compareTensor(label, actual, referenceConv2d(x, filter, setting), 'float32', context.tolerance));
      }
      return problems;
    }),
};
