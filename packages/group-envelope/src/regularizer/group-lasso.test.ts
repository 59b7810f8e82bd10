import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRuntime, withMasks } from '@sparse/core';
import { modelParameters } from '@sparse/layers';
import { describeRegularizerContract } from '@sparse/testing';
import { describe, expect, it } from 'vitest';
import { disposeAll, mlpParameters } from '../../test/support/parameters.js';
import { seeded, uniform } from '../../test/support/seeded.js';
import { groupLasso } from './group-lasso.js';
import { gsef } from './gsef-regularizer.js';

await createRuntime({ backend: 'cpu' });

describeRegularizerContract('group-lasso (output units)', () => groupLasso({ lambda: 0.5 }), { learningRate: 0.3 });
describeRegularizerContract('group-lasso (sqrt-size, host)', () => groupLasso({ lambda: 0.5, weighting: 'sqrt-size', compute: 'host' }), { learningRate: 0.3 });

describe('groupLasso', () => {
  it('block-soft-thresholds each neuron: θ_G ← (1 − τ d_G/‖θ_G‖)₊ θ_G', () => {
    const parameters = mlpParameters([9, 5, 2], 21);
    try {
      const [kernel, bias] = parameters;
      const w = Array.from(kernel!.variable.dataSync());
      const b = Array.from(bias!.variable.dataSync());
      const norms = Array.from({ length: 5 }, (_, j) => Math.sqrt(b[j]! ** 2 + Array.from({ length: 9 }, (_, i) => w[i * 5 + j]! ** 2).reduce((s, v) => s + v, 0)));
      const tau = 0.4 * 2;
      const regularizer = groupLasso({ lambda: 2, weighting: 'sqrt-size' });
      const binding = regularizer.bind(parameters);
      expect(regularizer.value(parameters)).toBeCloseTo(norms.reduce((s, u) => s + Math.sqrt(10) * u, 0), 5);
      regularizer.proximalStep(binding.parameters, { step: 0, learningRate: 0.4 }, new Map());
      const after = kernel!.variable.dataSync();
      for (let e = 0; e < w.length; e++) {
        const u = norms[e % 5]!;
        expect(after[e]).toBeCloseTo(w[e]! * Math.max(0, 1 - (tau * Math.sqrt(10)) / u), 6);
      }
      const { sets, masks } = regularizer.selectTopGroups(parameters, { k: 2 });
      expect(sets[0]!.kept).toBe(2);
      tf.dispose([...masks.values()]);
    } finally {
      disposeAll(parameters);
    }
  });
});

describe('with model.fit (tfjs-layers) through withMasks', () => {
  it('runs the prox after every batch', async () => {
    const random = seeded(5);
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ name: 'gfit1', inputShape: [6], units: 12, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.dense({ name: 'gfit2', units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const parameters = modelParameters(model);
    const steps: number[] = [];
    const regularizer = gsef({ lambda: 20, targetGroupSparsity: 0.5, onStep: (e) => steps.push(e.sets[0]!.nonzero) });
    const optimizer = withMasks(tf.train.sgd(0.05), { parameters, regularizers: [regularizer.bind(parameters)] });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const xs = tf.tensor2d(uniform(random, 40 * 6, -1, 1), [40, 6]);
    const ys = tf.tensor2d(uniform(random, 40 * 3, -1, 1), [40, 3]);
    await model.fit(xs, ys, { epochs: 3, batchSize: 10, verbose: 0, shuffle: false });
    expect(steps).toHaveLength(12);
    expect(steps.at(-1)).toBeGreaterThanOrEqual(6);
    expect(steps.at(-1)).toBeLessThan(12);
    expect(regularizer.nonzeroGroups(parameters)[0]!.nonzero).toBe(steps.at(-1));
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
