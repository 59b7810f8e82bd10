import * as tf from '@tensorflow/tfjs-core';
import { referenceBinary, referenceUnary, sigmoid, sign } from '../../reference/elementwise.js';
import type { NdArray } from '../../reference/nd-array.js';
import { compareTensor } from '../compare.js';
import type { ConformanceCase, ConformanceContext } from '../conformance-case.js';
import { randomArray, shapes, tensorOf, tidyCheck } from '../inputs.js';

const BROADCAST_PAIRS: readonly [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [3, 1]],
  [[2, 3, 4], [4]],
  [[2, 1, 4], [1, 3, 1]],
  [[3, 4], []],
];

const BINARY: readonly [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, (x: number, y: number) => number][] = [
  ['add', tf.add, (x, y) => x + y],
  ['sub', tf.sub, (x, y) => x - y],
  ['mul', tf.mul, (x, y) => x * y],
  ['div', tf.div, (x, y) => x / y],
];

/** A divisor-safe array: magnitudes in [0.5, 2), random signs. */
function awayFromZero(context: ConformanceContext, shape: readonly number[]): NdArray {
  const magnitudes = randomArray(context, shape, 0.5, 2);
  return { shape: magnitudes.shape, values: magnitudes.values.map((value) => (context.random.int(0, 2) === 0 ? -value : value)) };
}

/** add, sub, mul and div of float32 tensors with NumPy broadcasting, both argument orders. */
export const binaryBroadcastCase: ConformanceCase = {
  name: 'add/sub/mul/div with broadcasting',
  run: (context) =>
    tidyCheck(() => {
      const problems: string[] = [];
      for (const [name, op, reference] of BINARY) {
        for (const [first, second] of BROADCAST_PAIRS) {
          for (const [aShape, bShape] of [
            [first, second],
            [second, first],
          ] as const) {
            const a = randomArray(context, aShape, -2, 2);
            const b = name === 'div' ? awayFromZero(context, bShape) : randomArray(context, bShape, -2, 2);
            const actual = op(tensorOf(a), tensorOf(b));
            problems.push(...compareTensor(`${name}(${shapes(aShape, bShape)})`, actual, referenceBinary(a, b, reference), 'float32', context.tolerance));
          }
        }
      }
      return problems;
    }),
};

const UNARY: readonly [string, (x: tf.Tensor) => tf.Tensor, (x: number) => number][] = [
  ['abs', tf.abs, Math.abs],
  ['sign', tf.sign, sign],
  ['relu', tf.relu, (x) => Math.max(x, 0)],
  ['sigmoid', tf.sigmoid, sigmoid],
];

/** abs, sign, relu and sigmoid, including exact zeros and saturating inputs. */
export const unaryCase: ConformanceCase = {
  name: 'abs/sign/relu/sigmoid, with zeros and large inputs',
  run: (context) =>
    tidyCheck(() => {
      const random = randomArray(context, [4, 5], -3, 3);
      const input: NdArray = { shape: [5, 5], values: [...random.values, 0, -0, 30, -30, 0.25] };
      const problems: string[] = [];
      for (const [name, op, reference] of UNARY) {
        problems.push(...compareTensor(`${name}([5,5])`, op(tensorOf(input)), referenceUnary(input, reference), 'float32', context.tolerance));
      }
      return problems;
    }),
};

/** sign of non-zero values too small for a tolerance-based test: still ±1. */
export const tinySignCase: ConformanceCase = {
  name: 'sign of tiny non-zero values is ±1',
  run: (context) =>
    tidyCheck(() => {
      const input: NdArray = { shape: [6], values: [1e-30, -1e-30, 1e-10, -1e-10, 1e-8, -1e-8].map(Math.fround) };
      return compareTensor(`sign([${input.values.join(', ')}])`, tf.sign(tensorOf(input)), referenceUnary(input, sign), 'float32', context.tolerance);
    }),
};
