import { beforeAll, describe, expect, it } from 'vitest';
import { toyBatches, toySet, useCpu } from '../../test/support.js';
import { createMlp } from '../model/mlp.js';
import { createEvaluator } from '../training/evaluator.js';
import { trainRound } from '../training/train-round.js';
import { instability } from './instability.js';
import { readParameterValues } from './parameter-values.js';

beforeAll(useCpu);

describe('instability (linear mode connectivity)', () => {
  const set = toySet(90);
  const setup = () => {
    const model = createMlp({ layerSizes: [8, 10, 3], seed: 4 });
    const evaluator = createEvaluator(set, { numClasses: 3 });
    const start = readParameterValues(model.parameters);
    const train = (dataSeed: number) =>
      trainRound({
        model,
        masks: new Map(),
        batches: toyBatches(set, 15, dataSeed),
        learningRate: 0.05,
        startStep: 0,
        endStep: 30,
        evalEvery: 30,
        validate: () => ({ loss: 0, accuracy: 0 }),
        test: () => ({ loss: 0, accuracy: 0 }),
      });
    const error = () => 1 - evaluator.evaluate(model.forward).accuracy;
    return { model, evaluator, start, train, error };
  };

  it('is 0 for two copies trained with the same data order', async () => {
    const { model, evaluator, start, train, error } = setup();
    const result = await instability({
      parameters: model.parameters,
      start,
      trainCopy: async () => (await train(1), readParameterValues(model.parameters)),
      error,
    });
    expect(result.alphas).toHaveLength(30);
    expect(result.alphas[0]).toBe(0);
    expect(result.alphas[29]).toBe(1);
    expect(result.instability).toBe(0);
    evaluator.dispose();
    model.dispose();
  });

  it('is the error barrier max − mean of the endpoints for different data orders', async () => {
    const { model, evaluator, start, train, error } = setup();
    const result = await instability({
      parameters: model.parameters,
      start,
      trainCopy: async (copy) => (await train(copy === 0 ? 1 : 2), readParameterValues(model.parameters)),
      error,
      points: 11,
    });
    const endpoints = (result.errors[0]! + result.errors[10]!) / 2;
    expect(result.instability).toBeCloseTo(Math.max(...result.errors) - endpoints, 12);
    expect(result.instability).toBeGreaterThanOrEqual(0);
    evaluator.dispose();
    model.dispose();
  });
});
