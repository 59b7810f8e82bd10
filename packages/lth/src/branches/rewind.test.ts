import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/support.js';
import { masked, runBodies } from '../../test/bodies.js';

beforeAll(useCpu);

describe('rewinding (the start point of every run after the dense level 0)', () => {
  it('level 0 hands back θk at the rewind step; every later run starts from m ⊙ θk at iteration k', async () => {
    const imp = await runBodies({ rounds: 2, rates: { default: 0.3 }, rewindStep: 7, reinit: true, randomPruneLevels: [2], oneShotLevels: [1] });
    const dense = imp.ticket(0);
    expect(dense.startStep).toBe(0);
    expect(dense.rewindStep).toBe(7);
    expect(dense.start).toEqual(imp.theta0);
    const thetaK = dense.handedBack as Map<string, Float32Array>;
    expect(imp.store.rewindPoint).toBe(thetaK);
    const later = imp.runs.filter((r) => r !== dense);
    expect(later.map((r) => `${r.branch}@${r.level}`)).toEqual(['one-shot@1', 'ticket@1', 'reinit@1', 'ticket@2', 'reinit@2', 'random-prune@2']);
    for (const run of later) {
      expect(run.startStep).toBe(7);
      expect(run.rewindStep).toBeUndefined();
      if (run.branch !== 'reinit') expect(run.start).toEqual(masked(thetaK, run.masks));
    }
  });

  it('without rewinding every run starts from m ⊙ θ0 at iteration 0 and level 0 hands nothing back', async () => {
    const imp = await runBodies({ rounds: 2, rates: { default: 0.3 }, randomPruneLevels: [1, 2] });
    for (const run of imp.runs) {
      expect(run.startStep).toBe(0);
      expect(run.rewindStep).toBeUndefined();
      expect(run.start).toEqual(masked(imp.theta0, run.masks));
    }
    expect(imp.store.rewindPoint).toBeUndefined();
  });
});
