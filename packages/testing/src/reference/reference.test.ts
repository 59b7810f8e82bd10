import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../random/seeded-random.js';
import { referenceAdam } from './adam.js';
import { referenceConv2d } from './conv2d.js';
import { referenceBinary, referenceWhere } from './elementwise.js';
import { referenceMatMul } from './matmul.js';
import { finiteDifferences, referenceMlpLoss } from './mlp.js';
import { fromFunction, type NdArray } from './nd-array.js';
import { referenceArgMax, referenceReduce } from './reduce.js';
import { referenceGather, referenceOneHot, referenceTopK } from './selection.js';
import { referenceLogSoftmax, referenceSoftmax } from './softmax.js';

const nd = (shape: number[], values: number[]): NdArray => ({ shape, values });
let counter = 0;
const arange = (shape: number[]): NdArray => ((counter = 0), fromFunction(shape, () => counter++));

describe('plain-JavaScript references (checked by hand)', () => {
  it('matMul, transposes and batch broadcasting', () => {
    const a = nd([2, 2], [1, 2, 3, 4]);
    const b = nd([2, 2], [5, 6, 7, 8]);
    expect(referenceMatMul(a, b).values).toEqual([19, 22, 43, 50]);
    expect(referenceMatMul(a, b, true, false).values).toEqual([26, 30, 38, 44]);
    expect(referenceMatMul(a, b, false, true).values).toEqual([17, 23, 39, 53]);
    const broadcast = referenceMatMul(nd([2, 1, 1, 1], [10, 20]), nd([3, 1, 1], [1, 2, 3]));
    expect(broadcast).toEqual({ shape: [2, 3, 1, 1], values: [10, 20, 30, 20, 40, 60] });
  });

  it("conv2d with TensorFlow's SAME padding (the extra row and column go after)", () => {
    const ones = nd([1, 3, 3, 1], new Array<number>(9).fill(1));
    expect(referenceConv2d(ones, nd([3, 3, 1, 1], new Array<number>(9).fill(1)), { strides: 1, padding: 'same' }).values).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
    const corner = nd([3, 3, 1, 1], [1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(referenceConv2d(arange([1, 4, 4, 1]), corner, { strides: 2, padding: 'same' }).values).toEqual([0, 2, 8, 10]);
    expect(referenceConv2d(arange([1, 5, 5, 1]), corner, { strides: 1, padding: 'valid', dilation: 2 }).values).toEqual([0]);
  });

  it('reductions and argMax (ties to the lowest index)', () => {
    const x = arange([2, 3, 2]);
    expect(referenceReduce(x, 'sum', [0, 2], true)).toEqual({ shape: [1, 3, 1], values: [14, 22, 30] });
    expect(referenceReduce(x, 'mean', -1).values).toEqual([0.5, 2.5, 4.5, 6.5, 8.5, 10.5]);
    expect(referenceReduce(x, 'max').values).toEqual([11]);
    expect(referenceArgMax(nd([2, 3], [1, 3, 3, 2, 2, 1]), 1).values).toEqual([1, 0]);
  });

  it('topk with ties, gather, oneHot and where', () => {
    const { values, indices } = referenceTopK(nd([6], [1, 3, 3, 2, 3, 1]), 4);
    expect(values.values).toEqual([3, 3, 3, 2]);
    expect(indices.values).toEqual([1, 2, 4, 3]);
    expect(referenceGather(arange([3, 2]), nd([2, 2], [2, 0, 1, 1]), 0)).toEqual({ shape: [2, 2, 2], values: [4, 5, 0, 1, 2, 3, 2, 3] });
    expect(referenceOneHot(nd([3], [1, -1, 3]), 3).values).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(referenceWhere(nd([2, 1], [1, 0]), nd([2, 2], [1, 2, 3, 4]), nd([2, 2], [5, 6, 7, 8])).values).toEqual([1, 2, 7, 8]);
    expect(referenceBinary(nd([2, 1], [1, 2]), nd([3], [10, 20, 30]), (p, q) => p * q).values).toEqual([10, 20, 30, 20, 40, 60]);
  });

  it('softmax stays finite for huge logits', () => {
    const logits = nd([1, 3], [1000, 1000, -1000]);
    const probabilities = referenceSoftmax(logits).values;
    [0.5, 0.5, 0].forEach((expected, i) => expect(probabilities[i]).toBeCloseTo(expected, 12));
    expect(referenceLogSoftmax(logits).values[0]).toBeCloseTo(-Math.LN2, 12);
  });

  it('MLP loss and its finite differences', () => {
    const sizes = { batch: 2, inputs: 2, hidden: 2, classes: 4 };
    const values = { x: [1, 2, 3, 4], y: [1, 0, 0, 0, 0, 0, 1, 0], w1: [0, 0, 0, 0], b1: [0, 0], w2: new Array<number>(8).fill(0), b2: [0, 0, 0, 0] };
    expect(referenceMlpLoss(values, sizes)).toBeCloseTo(Math.log(4), 12);
    const gradient = finiteDifferences(values, 'b2', (v) => referenceMlpLoss(v, sizes));
    expect(gradient.map((g) => Number(g.toFixed(6)))).toEqual([-0.25, 0.25, -0.25, 0.25]);
  });

  it('Adam: the first step moves each weight by the learning rate against the gradient', () => {
    const [first] = referenceAdam([1, -2], (w) => w.map((v) => 3 * v), 1, { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 0 });
    expect(first?.map((v) => Number(v.toFixed(12)))).toEqual([0.9, -1.9]);
  });

  it('seeded random numbers replay and are float32-exact', () => {
    const a = createSeededRandom(3).floats(5, -1, 1);
    expect(createSeededRandom(3).floats(5, -1, 1)).toEqual(a);
    expect(a.every((v) => Math.fround(v) === v && v >= -1 && v < 1)).toBe(true);
  });
});
