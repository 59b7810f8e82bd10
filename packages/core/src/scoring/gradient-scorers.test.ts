import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../backends/register-gradients.js';
import type { Batch } from '../contracts/batch.js';
import type { NamedParameter } from '../contracts/parameter.js';
import { isSparseError } from '../errors.js';
import { graspScorer } from './grasp.js';
import { snipScorer } from './snip.js';
import { taylorScorer } from './taylor.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await registerGradients();
});

const read = (t: tf.Tensor | undefined): number[] => [...t!.dataSync()];

/** The 2x2 linear model of the hand computations: z = x W, L = ½ Σ (z − t)². */
function linearModel() {
  const w = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]));
  const parameters: NamedParameter[] = [{ name: 'w', role: 'dense-kernel', variable: w }];
  const loss = ({ x, y }: Batch): tf.Scalar => tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.matMul(x, w), y))));
  const first: Batch = { x: tf.tensor2d([[1, 2]]), y: tf.tensor2d([[0, 1]]) };
  const second: Batch = { x: tf.tensor2d([[0, 1]]), y: tf.tensor2d([[0, 0]]) };
  const dispose = () => tf.dispose([w, first.x, first.y, second.x, second.y]);
  return { w, parameters, loss, first, second, dispose };
}

describe('SNIP', () => {
  it('scores |w ⊙ ∂L/∂w| / Σ|·| on one batch (2x2 linear model by hand)', () => {
    // z = [7, -1], residual [7, -2], ∂L/∂W = [[7, -2], [14, -4]], g ⊙ W = [[7, 4], [42, -2]], Σ|·| = 55.
    const m = linearModel();
    const before = tf.memory().numTensors;
    const scores = snipScorer().score({ parameters: m.parameters, masks: new Map(), batch: m.first, loss: m.loss });
    expect(tf.memory().numTensors).toBe(before + 1);
    read(scores.get('w')).forEach((v, i) => expect(v).toBeCloseTo([7 / 55, 4 / 55, 42 / 55, 2 / 55][i]!, 6));
    tf.dispose([...scores.values()]);
    m.dispose();
  });

  it('names what is missing', () => {
    const m = linearModel();
    const snip = snipScorer();
    expect(() => snip.score({ parameters: m.parameters, masks: new Map(), loss: m.loss })).toThrowError(/snip needs batch/);
    let error: unknown;
    try {
      snip.score({ parameters: m.parameters, masks: new Map(), batch: m.first });
    } catch (e) {
      error = e;
    }
    expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/snip needs loss/);
    m.dispose();
  });
});

describe('Taylor first-order', () => {
  it('averages (g·w)² or |g·w| over batches (by hand)', () => {
    // batch 1: g ⊙ W = [[7, 4], [42, -2]]; batch 2: z = [3, 0.5], ∂L/∂W = [[0, 0], [3, 0.5]], g ⊙ W = [[0, 0], [9, 0.25]].
    const m = linearModel();
    const input = { parameters: m.parameters, masks: new Map(), batches: [m.first, m.second], loss: m.loss };
    const before = tf.memory().numTensors;
    const squared = taylorScorer().score(input);
    const abs = taylorScorer({ criterion: 'abs' }).score(input);
    expect(tf.memory().numTensors).toBe(before + 2);
    read(squared.get('w')).forEach((v, i) => expect(v).toBeCloseTo([24.5, 8, 922.5, 2.03125][i]!, 4));
    read(abs.get('w')).forEach((v, i) => expect(v).toBeCloseTo([3.5, 2, 25.5, 1.125][i]!, 5));
    tf.dispose([...squared.values(), ...abs.values()]);
    m.dispose();
  });

  it('rejects an unknown criterion with E_CONFIG', () => {
    expect(() => taylorScorer({ criterion: 'cubed' as never })).toThrowError(/criterion must be 'squared' or 'abs'/);
  });
});

/** Hg for softmax regression z = xW/T by the closed form H·V = (1/B) Σ_b x_bᵀ (diag p − p pᵀ)(x_b V) / T². */
function softmaxRegressionHg(x: number[][], y: number[][], w: number[][], temperature: number): number[][] {
  const [nIn, nOut] = [w.length, w[0]!.length];
  const softmax = (row: number[]): number[] => {
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const probabilities = x.map((xb) => softmax([...Array(nOut).keys()].map((j) => xb.reduce((s, xi, i) => s + xi * w[i]![j]!, 0) / temperature)));
  // g0 = Σ_b ∇L_b with L the batch mean: ∇L = (1/B) Σ_b x_bᵀ (p_b − y_b) / T.
  const B = x.length;
  const g0 = [...Array(nIn).keys()].map((i) =>
    [...Array(nOut).keys()].map((j) => x.reduce((s, xb, b) => s + (xb[i]! * (probabilities[b]![j]! - y[b]![j]!)) / temperature, 0) / B),
  );
  return [...Array(nIn).keys()].map((i) =>
    [...Array(nOut).keys()].map((j) =>
      x.reduce((s, xb, b) => {
        const p = probabilities[b]!;
        const u = [...Array(nOut).keys()].map((k) => xb.reduce((t, xl, l) => t + xl * g0[l]![k]!, 0) / temperature);
        const pu = p.reduce((t, pk, k) => t + pk * u[k]!, 0);
        return s + (xb[i]! * p[j]! * (u[j]! - pu)) / temperature;
      }, 0) / B,
    ),
  );
}

describe('GraSP', () => {
  const x = [
    [1, -2, 0.5],
    [0.3, 1, -1],
    [2, 0.1, 0.4],
    [-1, 1.5, 1],
  ];
  const labels = [0, 2, 1, 2];
  const w0 = [
    [0.5, -1, 2],
    [1.5, 0.2, -0.7],
    [-0.3, 0.8, 1.1],
  ];

  function setup() {
    const w = tf.variable(tf.tensor2d(w0));
    const batch: Batch = { x: tf.tensor2d(x), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
    const parameters: NamedParameter[] = [{ name: 'w', role: 'dense-kernel', variable: w }];
    const model = { forward: (input: tf.Tensor) => tf.matMul(input, w) };
    return { w, batch, parameters, model, dispose: () => tf.dispose([w, batch.x, batch.y]) };
  }

  function expected(temperature: number): number[] {
    const y = labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const hg = softmaxRegressionHg(x, y, w0, temperature).flat();
    const raw = w0.flat().map((v, i) => v * hg[i]!);
    const norm = Math.abs(raw.reduce((a, b) => a + b, 0)) + 1e-10;
    return raw.map((v) => v / norm);
  }

  for (const hessian of ['exact', 'finite-difference'] as const) {
    it(`matches the closed-form θ ⊙ Hg on softmax regression (${hessian})`, () => {
      const s = setup();
      const before = tf.memory().numTensors;
      const scores = graspScorer({ hessian, temperature: 2 }).score({ parameters: s.parameters, masks: new Map(), batch: s.batch, model: s.model });
      expect(tf.memory().numTensors).toBe(before + 1);
      const got = read(scores.get('w'));
      const want = expected(2);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, hessian === 'exact' ? 4 : 2));
      expect(got.some((v) => v < 0)).toBe(true); // signed, not absolute
      tf.dispose([...scores.values()]);
      s.dispose();
    });
  }

  it('exact and finite-difference Hg agree on a two-layer ReLU network, and weights are restored bit for bit', () => {
    const w1 = tf.variable(tf.tensor2d([[0.4, -0.6, 0.9, 0.1], [-0.2, 0.7, 0.3, -0.8], [0.5, 0.5, -0.4, 0.6]]));
    const w2 = tf.variable(tf.tensor2d([[0.3, -0.5, 0.2], [0.8, 0.1, -0.6], [-0.7, 0.4, 0.5], [0.2, -0.3, 0.9]]));
    const batch: Batch = { x: tf.tensor2d(x), y: tf.tensor1d(labels, 'int32') };
    const parameters: NamedParameter[] = [
      { name: 'w1', role: 'dense-kernel', variable: w1 },
      { name: 'w2', role: 'dense-kernel', variable: w2 },
    ];
    const model = { forward: (input: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(input, w1)), w2) };
    const original = [read(w1), read(w2)];
    const input = { parameters, masks: new Map(), batch, model };
    const exact = graspScorer({ hessian: 'exact', temperature: 1 }).score(input);
    const fd = graspScorer({ hessian: 'finite-difference', temperature: 1 }).score(input);
    for (const name of ['w1', 'w2']) {
      read(exact.get(name)).forEach((v, i) => expect(v).toBeCloseTo(read(fd.get(name))[i]!, 2));
    }
    expect([read(w1), read(w2)]).toEqual(original);
    tf.dispose([...exact.values(), ...fd.values(), w1, w2, batch.x, batch.y]);
  });

  it('names a missing model or batch and rejects bad options', () => {
    const s = setup();
    expect(() => graspScorer().score({ parameters: s.parameters, masks: new Map(), batch: s.batch })).toThrowError(/grasp needs model/);
    expect(() => graspScorer().score({ parameters: s.parameters, masks: new Map(), model: s.model })).toThrowError(/grasp needs batch or batches/);
    expect(() => graspScorer({ hessian: 'newton' as never })).toThrowError(/hessian must be 'finite-difference' or 'exact'/);
    expect(() => graspScorer({ temperature: 0 })).toThrowError(/temperature must be a positive number/);
    s.dispose();
  });
});
