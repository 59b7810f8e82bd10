import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/support.js';
import { alive, keptOf, masked, referencePrune, runBodies } from '../../test/bodies.js';
import { pruneCount } from '../imp/prune-masks.js';

beforeAll(useCpu);

// fc1/kernel 8×12 = 96, fc2/kernel 12×6 = 72, fc3/kernel 6×3 = 18 (the output kernel)
const SIZES = new Map([
  ['fc1/kernel', 96],
  ['fc2/kernel', 72],
  ['fc3/kernel', 18],
]);

describe('the ticket body (what sparse run executes per level)', () => {
  it('layerwise: each tensor loses its own rate of its remaining weights per round — default, output, perTensor — the lowest |w| of the trained ticket', async () => {
    const rates = { default: 0.3, output: 0.15, perTensor: { 'fc2/kernel': 0.5 } };
    const imp = await runBodies({ rounds: 4, rates, scope: 'layerwise' });
    const rate = new Map([
      ['fc1/kernel', 0.3],
      ['fc2/kernel', 0.5],
      ['fc3/kernel', 0.15],
    ]);
    for (let level = 1; level <= 4; level += 1) {
      const before = imp.masks(level - 1);
      const after = imp.masks(level);
      for (const [name, size] of SIZES) {
        const was = alive(before, name, size);
        expect(alive(after, name, size), `${name} level ${level}`).toBe(was - pruneCount(rate.get(name) as number, was));
      }
      const pools = [...SIZES.keys()].map((name) => ({ names: [name], rate: rate.get(name) as number }));
      expect(keptOf(after)).toEqual(referencePrune(imp.ticket(level - 1).trained, before, pools));
    }
    expect(alive(imp.masks(1), 'fc1/kernel', 96)).toBe(96 - 28);
    expect(alive(imp.masks(1), 'fc2/kernel', 72)).toBe(36);
    expect(alive(imp.masks(1), 'fc3/kernel', 18)).toBe(18 - 2);
  });

  it('rates.output defaults to half of rates.default for the last prunable tensor', async () => {
    const imp = await runBodies({ rounds: 1, rates: { default: 0.4 } });
    expect(alive(imp.masks(1), 'fc1/kernel', 96)).toBe(96 - pruneCount(0.4, 96));
    expect(alive(imp.masks(1), 'fc3/kernel', 18)).toBe(18 - pruneCount(0.2, 18));
  });

  it('global: one ranking over the pooled remaining weights at rates.default, perTensor tensors in pools of their own, rates.output unused', async () => {
    const rates = { default: 0.3, output: 0.05, perTensor: { 'fc3/kernel': 0.1 } };
    const imp = await runBodies({ rounds: 3, rates, scope: 'global' });
    for (let level = 1; level <= 3; level += 1) {
      const before = imp.masks(level - 1);
      const after = imp.masks(level);
      const pooled = (m: typeof before) => alive(m, 'fc1/kernel', 96) + alive(m, 'fc2/kernel', 72);
      expect(pooled(after)).toBe(pooled(before) - pruneCount(0.3, pooled(before)));
      const fc3 = alive(before, 'fc3/kernel', 18);
      expect(alive(after, 'fc3/kernel', 18)).toBe(fc3 - pruneCount(0.1, fc3));
      const pools = [
        { names: ['fc1/kernel', 'fc2/kernel'], rate: 0.3 },
        { names: ['fc3/kernel'], rate: 0.1 },
      ];
      expect(keptOf(after)).toEqual(referencePrune(imp.ticket(level - 1).trained, before, pools));
    }
    // the pooled ranking does not keep each tensor's share
    const share = (name: string, size: number) => alive(imp.masks(3), name, size) / size;
    expect(share('fc1/kernel', 96)).not.toBeCloseTo(share('fc2/kernel', 72), 6);
  });

  it('masks only shrink across levels, and every ticket starts from m ⊙ θ0 with its remaining fraction', async () => {
    const imp = await runBodies({ rounds: 5, rates: { default: 0.25, output: 0.1 } });
    for (let level = 1; level <= 5; level += 1) {
      for (const [name, mask] of imp.masks(level)) {
        const before = imp.masks(level - 1).get(name)?.kept;
        mask.kept.forEach((k, i) => expect(k <= (before === undefined ? 1 : (before[i] as number))).toBe(true));
      }
      const run = imp.ticket(level);
      expect(keptOf(run.masks)).toEqual(keptOf(imp.masks(level)));
      expect(run.start).toEqual(masked(imp.theta0, run.masks));
      const kept = [...SIZES].reduce((sum, [name, size]) => sum + alive(run.masks, name, size), 0);
      expect(run.remaining).toBe(kept / 186);
    }
    expect(imp.ticket(0).start).toEqual(imp.theta0);
    expect(imp.ticket(0).remaining).toBe(1);
    expect(imp.store.masks.has(6)).toBe(false); // no prune after the last level
  });
});
