import { describe, expect, it } from 'vitest';
import { planMethods, planUnits } from './plan.js';

describe('planMethods', () => {
  it('labels a method by its regularizer and non-uniform weighting, numbering repeats', () => {
    const methods = [
      { name: 'gsef', lambda: 3, targetGroupSparsity: 0.75 },
      { name: 'gsef', lambda: 6, targetGroupSparsity: 0.75, weighting: 'uniform' },
      { name: 'gsef', lambda: 0.01, targetGroupSparsity: 0.75, weighting: 'sqrt-size' },
      { name: 'gsef', lambda: 0.02, targetGroupSparsity: 0.75, weighting: 'sqrt-size' },
      'group-lasso',
    ];
    expect(planMethods({ dense: true, methods }).map((method) => method.label)).toEqual(['dense', 'gsef', 'gsef-2', 'gsef-sqrt-size', 'gsef-sqrt-size-2', 'group-lasso']);
    expect(planUnits({ dense: false, methods: methods.slice(2, 3), seeds: [1, 2], epochs: 6, fineTuneEpochs: 2 }).map((unit) => [unit.id, unit.epochs])).toEqual([
      ['seed-1/gsef-sqrt-size', 8],
      ['seed-2/gsef-sqrt-size', 8],
    ]);
  });
});
