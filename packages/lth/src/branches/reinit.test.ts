import { beforeAll, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { useCpu } from '../../test/support.js';
import { keptOf, masked, runBodies } from '../../test/bodies.js';
import { createMlp } from '../model/mlp.js';
import { readParameterValues } from '../imp/parameter-values.js';
import { impSetup } from './setup.js';
import { memoryImpStore } from './store.js';
import { runReinit } from './reinit.js';

beforeAll(useCpu);

describe('the random re-initialisation body', () => {
  it("trains the ticket's mask of the level from the re-initialisation draw, masked, at the rewind step", async () => {
    const imp = await runBodies({ rounds: 3, rates: { default: 0.3, output: 0.15 }, reinit: [1, 3], rewindStep: 4 });
    expect(imp.runs.filter((r) => r.branch === 'reinit').map((r) => r.level)).toEqual([1, 3]);
    for (const level of [1, 3]) {
      const run = imp.find(level, 'reinit');
      if (run === undefined) throw new Error(`no reinit run at level ${level}`);
      expect(keptOf(run.masks)).toEqual(keptOf(imp.masks(level)));
      expect(run.remaining).toBe(imp.ticket(level).remaining);
      expect(run.startStep).toBe(4);
      expect(run.start).toEqual(masked(imp.reinitDraw, run.masks));
      // a new initialisation: every kept weight differs from θ0
      const kept = run.masks.get('fc1/kernel')?.kept as Uint8Array;
      const start = run.start.get('fc1/kernel') as Float32Array;
      const theta0 = imp.theta0.get('fc1/kernel') as Float32Array;
      kept.forEach((k, i) => {
        if (k === 1) expect(start[i]).not.toBe(theta0[i]);
      });
    }
  });

  it("draws model.initialValues(seed, 'reinit'): the same draw at every level, another one for another seed", async () => {
    const a = await runBodies({ rounds: 2, rates: { default: 0.3 }, reinit: true, seed: 5 });
    const b = await runBodies({ rounds: 2, rates: { default: 0.3 }, reinit: true, seed: 6 });
    const model = createMlp({ layerSizes: [8, 12, 6, 3], seed: 5 });
    expect(a.reinitDraw).toEqual(model.initialValues(5, 'reinit'));
    model.dispose();
    expect(a.find(2, 'reinit')?.start).toEqual(masked(a.reinitDraw, a.masks(2)));
    expect(b.reinitDraw.get('fc1/kernel')).not.toEqual(a.reinitDraw.get('fc1/kernel'));
  });

  it('refuses to run without reinitValues', async () => {
    const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
    const setup = impSetup({ parameters: model.parameters, seed: 0, rounds: 1, rates: { default: 0.2 } });
    const store = memoryImpStore(readParameterValues(model.parameters));
    const error = await runReinit({ setup, store, train: async () => 0 }, 1).catch((e: unknown) => e);
    model.dispose();
    expect(isSparseError(error) && error.code === 'E_CONFIG').toBe(true);
  });
});
