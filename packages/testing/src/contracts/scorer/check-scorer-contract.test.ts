import { createRuntime, type Scorer } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { failedChecks, magnitudeScorer, snipScorer } from '../../../test/support/reference-implementations.js';
import { checkScorerContract, describeScorerContract } from './check-scorer-contract.js';

await createRuntime({ backend: 'cpu' });

describeScorerContract('magnitude (reference)', magnitudeScorer);
describeScorerContract('snip (reference, requires data)', snipScorer);

const broken = (score: Scorer['score'], requiresData = false): (() => Scorer) => () => ({ name: 'broken', requiresData, score });
const SHAPE = 'returns one float32 score tensor per parameter, of its shape, without NaN';

describe('checkScorerContract', () => {
  beforeAll(async () => {
    await createRuntime({ backend: 'cpu' });
  });

  it('finds nothing wrong with correct scorers, and leaks nothing itself', async () => {
    const before = tf.memory().numTensors;
    expect(await checkScorerContract(magnitudeScorer)).toEqual([]);
    expect(await checkScorerContract(snipScorer, { seed: 11 })).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('catches a score of the wrong shape, dtype, a missing or unknown parameter, and NaN', async () => {
    const cases: [Scorer['score'], RegExp][] = [
      [({ parameters }) => new Map(parameters.map((p) => [p.name, tf.sum(tf.abs(p.variable))])), /has shape \[\], expected/],
      [({ parameters }) => new Map(parameters.map((p) => [p.name, tf.cast(tf.abs(p.variable), 'int32')])), /is int32, expected float32/],
      [({ parameters }) => new Map(parameters.slice(1).map((p) => [p.name, tf.abs(p.variable)])), /no score tensor for 'conv\/kernel'/],
      [({ parameters }) => new Map([...parameters.map((p) => [p.name, tf.abs(p.variable)] as const), ['ghost', tf.zeros([1])]]), /unknown parameter "ghost"/],
      [({ parameters }) => new Map(parameters.map((p) => [p.name, tf.div(tf.abs(p.variable), tf.abs(p.variable))])), /NaN value/],
    ];
    for (const [score, message] of cases) {
      const violations = await checkScorerContract(broken(score));
      expect(violations.filter((v) => v.check === SHAPE).map((v) => v.message).join('\n')).toMatch(message);
    }
  });

  it('catches a scorer that is not deterministic for a fixed seed', async () => {
    let calls = 0;
    const drifting = broken(({ parameters }) => new Map(parameters.map((p) => [p.name, tf.tidy(() => tf.add(tf.abs(p.variable), calls++))])));
    expect(failedChecks(await checkScorerContract(drifting))).toEqual(['is deterministic for a fixed seed']);
  });

  it('catches a leak, and a scorer that returns its input tensors', async () => {
    const leaky = broken(({ parameters }) => new Map(parameters.map((p) => [p.name, tf.abs(tf.mul(p.variable, 1))])));
    expect(failedChecks(await checkScorerContract(leaky))).toEqual(['leaks no tensors and returns new tensors']);
    const identity = broken(({ parameters }) => new Map(parameters.map((p) => [p.name, p.variable as tf.Tensor])));
    const violations = await checkScorerContract(identity);
    expect(violations.map((v) => v.message).join('\n')).toMatch(/the score for 'conv\/kernel' is the input tensor variable 'conv\/kernel'/);
  });

  it('catches a scorer that modifies the variables or disposes a mask', async () => {
    const modifying = broken(({ parameters }) => {
      for (const p of parameters) tf.tidy(() => p.variable.assign(tf.mul(p.variable, 2)));
      return new Map(parameters.map((p) => [p.name, tf.abs(p.variable)]));
    });
    expect((await checkScorerContract(modifying)).map((v) => v.message)).toContain("variable 'conv/kernel' was modified");
    const disposing = broken(({ parameters, masks }) => {
      for (const mask of masks.values()) mask.dispose();
      return new Map(parameters.map((p) => [p.name, tf.abs(p.variable)]));
    });
    expect((await checkScorerContract(disposing)).map((v) => v.message)).toContain("mask 'conv/kernel' was disposed");
  });

  it('catches a scorer that claims not to need data but does', async () => {
    const needy = broken(({ parameters, batch }) => {
      if (batch === undefined) throw new Error('no batch');
      return new Map(parameters.map((p) => [p.name, tf.abs(p.variable)]));
    });
    expect((await checkScorerContract(needy))[0]?.message).toBe('threw: no batch');
  });

  it('rejects invalid options before running anything', async () => {
    await expect(checkScorerContract(magnitudeScorer, { seed: -1 })).rejects.toMatchObject({ code: 'E_ARGUMENT', message: expect.stringMatching(/seed/) as unknown });
    await expect(checkScorerContract(42 as never)).rejects.toMatchObject({ code: 'E_ARGUMENT' });
  });
});
