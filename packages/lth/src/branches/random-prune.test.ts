import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '@sparse/core';
import { lthConfig, useCpu } from '../../test/support.js';
import { alive, keptOf, masked, runBodies } from '../../test/bodies.js';
import { shuffleMasks, type ShuffleMode } from '../imp/shuffle-masks.js';
import { planExperiment, predictedRemaining } from '../experiment/plan.js';
import { nearestLevel, randomPruneLevels } from './random-prune.js';

beforeAll(useCpu);

const SIZES: readonly [string, number][] = [
  ['fc1/kernel', 96],
  ['fc2/kernel', 72],
  ['fc3/kernel', 18],
];

describe('the random-pruning body', () => {
  for (const shuffle of ['layerwise', 'global', 'even'] as const satisfies readonly ShuffleMode[]) {
    it(`runs at the listed levels only, with the ticket's mask shuffled ${shuffle} from deriveSeed(seed, 'random-prune', 'level-LL'), from m ⊙ θk`, async () => {
      const imp = await runBodies({ rounds: 3, rates: { default: 0.3, output: 0.15 }, randomPruneLevels: [2, 3], shuffle, rewindStep: 3, seed: 9 });
      const random = imp.runs.filter((r) => r.branch === 'random-prune');
      expect(random.map((r) => r.level)).toEqual([2, 3]);
      for (const run of random) {
        const ticket = imp.masks(run.level);
        const expected = shuffleMasks(ticket, shuffle, deriveSeed(9, 'random-prune', `level-0${run.level}`));
        expect(keptOf(run.masks)).toEqual(keptOf(expected));
        expect(keptOf(run.masks)).not.toEqual(keptOf(ticket));
        expect(run.start).toEqual(masked(imp.ticket(0).handedBack as Map<string, Float32Array>, run.masks));
        expect(run.startStep).toBe(3);
        const total = (m: typeof ticket) => SIZES.reduce((sum, [name, size]) => sum + alive(m, name, size), 0);
        if (shuffle === 'layerwise') for (const [name, size] of SIZES) expect(alive(run.masks, name, size)).toBe(alive(ticket, name, size));
        if (shuffle === 'global') expect(total(run.masks)).toBe(total(ticket));
        if (shuffle === 'even') {
          const density = total(ticket) / 186;
          for (const [name, size] of SIZES) expect(alive(run.masks, name, size)).toBe(Math.round(density * size));
        }
      }
      // the ticket's own masks are untouched by the draw
      expect(imp.masks(3)).toBe(imp.store.masks.get(3));
    });
  }

  it('gives other draws for other seeds and levels', async () => {
    const a = await runBodies({ rounds: 2, rates: { default: 0.3 }, randomPruneLevels: [1, 2], seed: 1 });
    const b = await runBodies({ rounds: 2, rates: { default: 0.3 }, randomPruneLevels: [1, 2], seed: 2 });
    const kept = (imp: typeof a, level: number) => keptOf(imp.find(level, 'random-prune')?.masks ?? new Map()).get('fc1/kernel');
    expect(kept(a, 1)).not.toEqual(kept(b, 1));
    expect(kept(a, 1)).not.toEqual(shuffleMasks(a.masks(1), 'layerwise', deriveSeed(1, 'random-prune', 'level-1')).get('fc1/kernel')?.kept);
  });
});

describe('random-pruning levels', () => {
  const pm = predictedRemaining([784, 300, 100, 10], { default: 0.2, output: 0.1 }, 'layerwise', 8);

  it('maps percent-remaining targets to the level with the nearest predicted remaining fraction (log scale)', () => {
    expect(randomPruneLevels({ remaining: [51, 21] }, pm)).toEqual([3, 7]);
    for (const target of [51, 21, 64, 5]) {
      const level = nearestLevel(pm, target / 100);
      for (let l = 1; l < pm.length; l += 1) expect(Math.abs(Math.log((pm[level] as number) / (target / 100)))).toBeLessThanOrEqual(Math.abs(Math.log((pm[l] as number) / (target / 100))));
    }
    expect(randomPruneLevels({ remaining: [21, 51, 20] }, pm)).toEqual([3, 7]);
  });

  it('takes listed levels as given (sorted, once each) and every level when neither is given', () => {
    expect(randomPruneLevels({ levels: [4, 2, 4] }, pm)).toEqual([2, 4]);
    expect(randomPruneLevels({}, pm)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('is what planExperiment schedules for the quick LeNet config', async () => {
    const config = await lthConfig({
      name: 'q',
      seeds: [0],
      rounds: 8,
      epochsPerRound: 4,
      validationSize: 500,
      branches: { ticket: true, reinit: true, randomPrune: { remaining: [51, 21], shuffle: 'layerwise' } },
    });
    const plan = planExperiment(config, 5500);
    expect(plan.randomPruneLevels).toEqual([3, 7]);
    expect(plan.units.filter((u) => u.branch === 'random-prune').map((u) => u.id)).toEqual(['level-03/random-prune', 'level-07/random-prune']);
  });
});
