import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../backends/register-gradients.js';
import type { NamedParameter } from '../contracts/parameter.js';
import { createRuntime } from '../create-runtime.js';
import { Scorers } from '../tokens.js';
import { MovementScores } from './movement.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await registerGradients();
});

const read = (t: tf.Tensor | undefined): number[] => [...t!.dataSync()];

function setup(options: ConstructorParameters<typeof MovementScores>[1] = {}) {
  const w = tf.variable(tf.tensor2d([[1, -2], [3, -4]]));
  const parameters: NamedParameter[] = [{ name: 'w', role: 'dense-kernel', variable: w }];
  const movement = new MovementScores(parameters, options);
  return { w, parameters, movement, dispose: () => (movement.dispose(), w.dispose()) };
}

describe('MovementScores', () => {
  it('top-k keeps ⌊keep·N⌋ highest scores, ties by index', () => {
    const s = setup({ keep: 0.5 });
    s.movement.scores.get('w')!.assign(tf.tensor2d([[0.3, 0.1], [0.3, 0.2]]));
    const mask = s.movement.mask('w');
    expect(read(mask)).toEqual([1, 0, 1, 0]);
    s.movement.setKeep(0.75);
    const wider = s.movement.mask('w');
    expect(read(wider)).toEqual([1, 0, 1, 1]);
    tf.dispose([mask, wider]);
    s.dispose();
  });

  it('the masked weight passes straight-through gradients: ∂/∂W = dy ⊙ M, ∂/∂S = dy ⊙ W', () => {
    const s = setup({ keep: 0.5 });
    const score = s.movement.scores.get('w')!;
    score.assign(tf.tensor2d([[0.9, 0.1], [0.8, 0.2]]));
    const dy = tf.tensor2d([[1, 2], [3, 4]]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(s.movement.maskedWeight('w'), dy)), [s.w, score]);
    expect(value.dataSync()[0]).toBe(1 * 1 + 3 * 3); // W ⊙ M = [[1, 0], [3, 0]]
    expect(read(grads[s.w.name])).toEqual([1, 0, 3, 0]);
    expect(read(grads[score.name])).toEqual([1, -4, 9, -16]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    dy.dispose();
    s.dispose();
  });

  it('accumulates −(∂L/∂W) ⊙ W, and the scorer reports S', async () => {
    const s = setup();
    const gradient = tf.tensor2d([[0.5, 0.5], [-1, 1]]);
    s.movement.accumulate(new Map([['w', gradient]]));
    s.movement.accumulate(new Map([['w', gradient]]), 0.5);
    const scores = s.movement.scorer().score({ parameters: s.parameters, masks: new Map() });
    expect(read(scores.get('w'))).toEqual([-0.75, 1.5, 4.5, 6]);
    const viaFactory = (await createRuntime({ backend: 'cpu' })).create(Scorers, 'movement', { source: s.movement }).score({ parameters: s.parameters, masks: new Map() }) as Map<string, tf.Tensor>;
    expect(read(viaFactory.get('w'))).toEqual([-0.75, 1.5, 4.5, 6]);
    tf.dispose([gradient, ...scores.values(), ...viaFactory.values()]);
    s.dispose();
  });

  it('threshold and sigmoid variants keep S > τ or σ(S) > τ, with a floor', () => {
    const s = setup({ variant: 'threshold', threshold: 0.5 });
    s.movement.scores.get('w')!.assign(tf.tensor2d([[0.6, 0.4], [1, 0.5]]));
    const mask = s.movement.mask('w');
    expect(read(mask)).toEqual([1, 0, 1, 0]);
    s.movement.scores.get('w')!.assign(tf.tensor2d([[0, 0.1], [0, 0]])); // none above: floor keeps ⌊0.005·4⌋ + 1 = 1
    const floor = s.movement.mask('w');
    expect(read(floor)).toEqual([0, 1, 0, 0]);
    tf.dispose([mask, floor]);
    s.dispose();
    const soft = setup({ variant: 'sigmoid' });
    soft.movement.scores.get('w')!.assign(tf.tensor2d([[1, -1], [2, -2]]));
    const softMask = soft.movement.mask('w');
    expect(read(softMask)).toEqual([1, 0, 1, 0]);
    const penalty = soft.movement.penalty(2);
    expect(penalty.dataSync()[0]).toBeCloseTo(2 * (1 / (1 + Math.exp(-1)) + 1 / (1 + Math.exp(1)) + 1 / (1 + Math.exp(-2)) + 1 / (1 + Math.exp(2))), 5);
    tf.dispose([softMask, penalty]);
    soft.dispose();
  });

  it('validates its options and names', async () => {
    const w = tf.variable(tf.zeros([2]));
    const parameters: NamedParameter[] = [{ name: 'w', role: 'bias', variable: w }];
    expect(() => new MovementScores(parameters, { variant: 'soft' as never })).toThrowError(/variant must be/);
    expect(() => new MovementScores(parameters, { keep: 2 })).toThrowError(/keep must be a number in \[0, 1\]/);
    const movement = new MovementScores(parameters);
    expect(() => movement.mask('v')).toThrowError(/no scores for 'v'/);
    const runtime = await createRuntime({ backend: 'cpu' });
    expect(() => runtime.create(Scorers, 'movement')).toThrowError(/scorer\.source: expected the MovementScores object/);
    movement.dispose();
    w.dispose();
  });
});
