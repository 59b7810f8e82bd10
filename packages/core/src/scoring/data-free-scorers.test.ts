import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../backends/register-gradients.js';
import type { NamedParameter } from '../contracts/parameter.js';
import { createPruner } from '../pruning/score-pruner.js';
import { iterativeSynFlow } from '../pruning/iterative-synflow.js';
import { magnitudeScorer } from './magnitude.js';
import { randomScorer } from './random-scorer.js';
import { synflowScorer } from './synflow.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await registerGradients();
});

const read = (t: tf.Tensor | undefined): number[] => [...t!.dataSync()];

describe('magnitude', () => {
  it('scores |w| and creates nothing else', () => {
    const w = tf.variable(tf.tensor2d([[0.5, -2], [-0.1, 1]]));
    const before = tf.memory().numTensors;
    const scores = magnitudeScorer().score({ parameters: [{ name: 'w', role: 'dense-kernel', variable: w }], masks: new Map() });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(read(scores.get('w'))).toEqual([0.5, 2, Math.fround(0.1), 1]);
    tf.dispose([w, ...scores.values()]);
  });
});

describe('random', () => {
  const params = (): NamedParameter[] => [
    { name: 'a', role: 'dense-kernel', variable: tf.variable(tf.zeros([3, 4])) },
    { name: 'b', role: 'dense-kernel', variable: tf.variable(tf.zeros([5])) },
  ];

  it('draws per tensor from deriveSeed(seed, "random-scores", name): order-independent and reproducible', () => {
    const p = params();
    const forward = randomScorer().score({ parameters: p, masks: new Map(), seed: 11 });
    const reversed = randomScorer({ seed: 11 }).score({ parameters: [...p].reverse(), masks: new Map() });
    const other = randomScorer().score({ parameters: p, masks: new Map(), seed: 12 });
    expect(read(forward.get('a'))).toEqual(read(reversed.get('a')));
    expect(read(forward.get('b'))).toEqual(read(reversed.get('b')));
    expect(read(forward.get('a'))).not.toEqual(read(other.get('a')));
    for (const v of read(forward.get('a'))) expect(v >= 0 && v < 1).toBe(true);
    tf.dispose([...forward.values(), ...reversed.values(), ...other.values(), ...p.map((x) => x.variable)]);
  });

  it('gives exact-density random masks with the exact pruner', () => {
    const variable = tf.variable(tf.zeros([10, 10]));
    const parameters: NamedParameter[] = [{ name: 'w', role: 'dense-kernel', variable }];
    const scores = randomScorer({ seed: 3, distribution: 'normal' }).score({ parameters, masks: new Map() });
    const masks = createPruner().prune({ parameters, scores, masks: new Map(), target: { sparsity: 0.37, scope: 'layerwise' } });
    expect(read(masks.get('w')).filter((v) => v === 0)).toHaveLength(37);
    tf.dispose([variable, ...scores.values(), ...masks.values()]);
  });

  it('needs a seed', () => {
    const p = params();
    expect(() => randomScorer().score({ parameters: p, masks: new Map() })).toThrowError(/random scorer needs a seed/);
    expect(() => randomScorer({ seed: -3 })).toThrowError(/seed must be an integer/);
    expect(() => randomScorer({ distribution: 'cauchy' as never })).toThrowError(/distribution must be 'uniform' or 'normal'/);
    tf.dispose(p.map((x) => x.variable));
  });
});

describe('SynFlow', () => {
  /** x (·, 2) -> relu(x W1 + b1) (·, 2) -> · W2 (·, 1). */
  function setup() {
    const w1 = tf.variable(tf.tensor2d([[1, -2], [-3, 0.5]]));
    const b1 = tf.variable(tf.tensor1d([-0.25, -1]));
    const w2 = tf.variable(tf.tensor2d([[-2], [4]]));
    const parameters: NamedParameter[] = [
      { name: 'w1', role: 'dense-kernel', variable: w1 },
      { name: 'w2', role: 'dense-kernel', variable: w2 },
    ];
    const model = {
      forward: (x: tf.Tensor) => tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2),
      variables: [w1, b1, w2],
      inputShape: [2],
    };
    return { w1, b1, w2, parameters, model, dispose: () => tf.dispose([w1, b1, w2]) };
  }

  it('scores |∂R/∂θ ⊙ θ| of the linearised network (by hand) and restores every variable exactly', () => {
    // |W1| = [[1, 2], [3, 0.5]], |b1| = [0.25, 1], |W2| = [2, 4]; ones input: h = [1 + 3 + 0.25, 2 + 0.5 + 1] = [4.25, 3.5].
    // ∂R/∂W1_ij = |W2_j| -> scores |W1_ij|·|W2_j|; ∂R/∂W2_j = h_j -> scores h_j·|W2_j|.
    const s = setup();
    const original = [read(s.w1), read(s.b1), read(s.w2)];
    const before = tf.memory().numTensors;
    const scores = synflowScorer().score({ parameters: s.parameters, masks: new Map(), model: s.model });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(read(scores.get('w1'))).toEqual([2, 8, 6, 2]);
    expect(read(scores.get('w2'))).toEqual([8.5, 14]);
    expect([read(s.w1), read(s.b1), read(s.w2)]).toEqual(original);
    tf.dispose([...scores.values()]);
    s.dispose();
  });

  it('applies the current masks while scoring', () => {
    const s = setup();
    const mask = tf.tensor2d([[1, 0], [1, 1]]);
    const scores = synflowScorer().score({ parameters: s.parameters, masks: new Map([['w1', mask]]), model: s.model });
    // masked |W1| = [[1, 0], [3, 0.5]]: h = [4.25, 1.5]
    expect(read(scores.get('w1'))).toEqual([2, 0, 6, 2]);
    expect(read(scores.get('w2'))).toEqual([8.5, 6]);
    tf.dispose([mask, ...scores.values()]);
    s.dispose();
  });

  it('needs a model and an input shape', () => {
    const s = setup();
    expect(() => synflowScorer().score({ parameters: s.parameters, masks: new Map() })).toThrowError(/synflow needs model/);
    expect(() =>
      synflowScorer().score({ parameters: s.parameters, masks: new Map(), model: { forward: s.model.forward } }),
    ).toThrowError(/set model.inputShape/);
    s.dispose();
  });

  it('iterative SynFlow reaches the final sparsity exactly with nested masks, leaving no tensors behind', () => {
    const w1 = tf.variable(tf.randomNormal([20, 16], 0, 1, 'float32', 1));
    const w2 = tf.variable(tf.randomNormal([16, 8], 0, 1, 'float32', 2));
    const parameters: NamedParameter[] = [
      { name: 'w1', role: 'dense-kernel', variable: w1 },
      { name: 'w2', role: 'dense-kernel', variable: w2 },
    ];
    const model = { forward: (x: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2), inputShape: [20] };
    const rounds: number[] = [];
    const before = tf.memory().numTensors;
    const { masks, report } = iterativeSynFlow({ parameters, model, sparsity: 0.9, rounds: 5, onRound: (_, s) => rounds.push(s), onWarning: () => {} });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(rounds).toHaveLength(5);
    rounds.slice(1).forEach((s, i) => expect(s).toBeGreaterThan(rounds[i]!));
    expect(rounds[4]).toBe(0.9);
    expect(rounds[0]).toBeCloseTo(1 - 0.1 ** 0.2, 12);
    const zeros = report.reduce((sum, line) => sum + line.zerosAfter, 0);
    expect(zeros).toBe(Math.floor(0.9 * (320 + 128)));
    tf.dispose([...masks.values(), w1, w2]);
  });
});
