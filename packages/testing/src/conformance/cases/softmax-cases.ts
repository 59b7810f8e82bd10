import * as tf from '@tensorflow/tfjs-core';
import type { NdArray } from '../../reference/nd-array.js';
import { referenceLogSoftmax, referenceSoftmax } from '../../reference/softmax.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase } from '../conformance-case.js';
import { randomArray, tensorOf, tidyCheck } from '../inputs.js';

/** softmax and logSoftmax along the last axis, including logits large enough to overflow exp. */
export const softmaxCase: ConformanceCase = {
  name: 'softmax/logSoftmax, stable for large logits',
  run: (context) =>
    tidyCheck(() => {
      const random = randomArray(context, [3, 7], -4, 4);
      const large: NdArray = { shape: [4, 7], values: [...random.values, 100, 90, -100, 0, 95, 100, -50] };
      const batched = randomArray(context, [2, 3, 5], -4, 4);
      const problems: string[] = [];
      for (const logits of [large, batched]) {
        const label = `[${logits.shape.join(',')}]`;
        problems.push(...compareTensor(`softmax(${label})`, tf.softmax(tensorOf(logits)), referenceSoftmax(logits), 'float32', context.tolerance));
        problems.push(...compareTensor(`logSoftmax(${label})`, tf.logSoftmax(tensorOf(logits)), referenceLogSoftmax(logits), 'float32', context.tolerance));
      }
      return problems;
    }),
};
