import { describe, expect, it } from 'vitest';
import { deriveSeed } from '@sparse/core';
import { sparsifyDeltas } from '../tensors/prune-deltas.js';
import { mergeModels } from './merge-models.js';

const map = (values: number[]) => new Map([['w', Float32Array.from(values)]]);

describe('mergeModels', () => {
  const base = map([1, 1, 1, 1, 1]);
  const a = map([2, 0, 1, 1.5, 3]); // δ = [1, -1, 0, 0.5, 2]
  const b = map([0.5, 0.5, 3, 1.5, 0]); // δ = [-0.5, -0.5, 2, 0.5, -1]

  it('task arithmetic: θ = base + λ Σ w_t δ_t (normalized by Σ w_t on request)', async () => {
    const plain = await mergeModels({ base, models: [{ finetuned: a }, { finetuned: b, weight: 2 }], method: 'task-arithmetic', scale: 0.5 });
    expect(Array.from(plain.tensors.get('w')!)).toEqual([1, 0, 3, 1.75, 1]);
    const normalized = await mergeModels({ base, models: [{ finetuned: a }, { finetuned: b, weight: 2 }], method: 'task-arithmetic', normalize: true });
    // entry 1: (−1 − 2·0.5)/3; entry 2: (0 + 2·2)/3; entry 4: (2 − 2)/3
    const expected = [1 + 0 / 3, 1 - 2 / 3, 1 + 4 / 3, 1 + 1.5 / 3, 1];
    Array.from(normalized.tensors.get('w')!).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('TIES: elects the sign of the summed deltas and averages the agreeing ones (zeros never count)', async () => {
    const { tensors } = await mergeModels({ base, models: [{ finetuned: a }, { finetuned: b }], method: 'ties' });
    // entry 0: sum 0.5 > 0 → only a (1); entry 1: both −; entry 2: only b (a's 0 has no sign);
    // entry 3: both +; entry 4: sum 1 > 0 → only a.
    expect(Array.from(tensors.get('w')!)).toEqual([2, 0.25, 3, 1.5, 3]);
    const count = await mergeModels({ base, models: [{ finetuned: a }, { finetuned: b }, { finetuned: b }], method: 'ties', consensus: 'count' });
    expect(Array.from(count.tensors.get('w')!)[0]).toBe(0.5);
  });

  it('DARE-TIES prunes each model with its own seed, replayable', async () => {
    const options = { base, models: [{ finetuned: a }, { finetuned: b }], method: 'ties' as const, sparsify: { rate: 0.5, exclude: [] }, seed: 3 };
    const first = await mergeModels(options);
    const second = await mergeModels(options);
    expect(second.tensors.get('w')).toEqual(first.tensors.get('w'));
    expect(first.reports.length).toBe(2);
    const deltaA = map([1, -1, 0, 0.5, 2]);
    const prunedA = await sparsifyDeltas(deltaA, { rate: 0.5, exclude: [], seed: deriveSeed(3, 'merge', '0') });
    expect(first.reports[0]!.droppedElements).toBe(prunedA.report.droppedElements);
  });

  it('rejects models that lack a tensor of the base, and bad options', async () => {
    await expect(mergeModels({ base, models: [{ finetuned: new Map() }], method: 'ties' })).rejects.toThrow(/lacks tensor 'w'/);
    await expect(mergeModels({ base, models: [], method: 'ties' })).rejects.toThrow(/non-empty/);
    await expect(mergeModels({ base, models: [{ finetuned: a }], method: 'ties', sparsify: { rate: 2 } })).rejects.toThrow(/rate/);
  });
});
