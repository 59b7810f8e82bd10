import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/support.js';
import { alive, keptOf, masked, referencePrune, runBodies } from '../../test/bodies.js';
import { pruneCount } from '../imp/prune-masks.js';

beforeAll(useCpu);

describe('the one-shot body', () => {
  it('runs right after the dense ticket, targets sorted once each, pruning the dense trained weights at the rates compounded over the target level', async () => {
    const imp = await runBodies({ rounds: 2, rates: { default: 0.3, output: 0.15 }, oneShotLevels: [3, 1, 3], rewindStep: 2 });
    expect(imp.units.slice(0, 3).map((u) => u.id)).toEqual(['level-00/ticket', 'level-01/one-shot', 'level-03/one-shot']);
    const dense = imp.ticket(0).trained;
    for (const level of [1, 3]) {
      const run = imp.find(level, 'one-shot');
      if (run === undefined) throw new Error(`no one-shot run at ${level}`);
      const rate = (r: number) => 1 - (1 - r) ** level;
      expect(alive(run.masks, 'fc1/kernel', 96)).toBe(96 - pruneCount(rate(0.3), 96));
      expect(alive(run.masks, 'fc3/kernel', 18)).toBe(18 - pruneCount(rate(0.15), 18));
      const pools = [
        { names: ['fc1/kernel'], rate: rate(0.3) },
        { names: ['fc2/kernel'], rate: rate(0.3) },
        { names: ['fc3/kernel'], rate: rate(0.15) },
      ];
      expect(keptOf(run.masks)).toEqual(referencePrune(dense, new Map(), pools));
      expect(keptOf(imp.store.oneShotMasks.get(level) ?? new Map())).toEqual(keptOf(run.masks));
      expect(run.startStep).toBe(2);
      expect(run.start).toEqual(masked(imp.ticket(0).handedBack as Map<string, Float32Array>, run.masks));
    }
    // one-shot to level 1 is exactly the ticket's first prune
    expect(keptOf(imp.find(1, 'one-shot')?.masks ?? new Map())).toEqual(keptOf(imp.masks(1)));
  });

  it('in global scope pools the tensors the same way as a round does', async () => {
    const imp = await runBodies({ rounds: 1, rates: { default: 0.2, perTensor: { 'fc3/kernel': 0.05 } }, scope: 'global', oneShotLevels: [4] });
    const rate = (r: number) => 1 - (1 - r) ** 4;
    const pools = [
      { names: ['fc1/kernel', 'fc2/kernel'], rate: rate(0.2) },
      { names: ['fc3/kernel'], rate: rate(0.05) },
    ];
    expect(keptOf(imp.find(4, 'one-shot')?.masks ?? new Map())).toEqual(referencePrune(imp.ticket(0).trained, new Map(), pools));
  });
});
