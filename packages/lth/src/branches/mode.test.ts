import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/support.js';
import { alive, keptOf, masked, runBodies } from '../../test/bodies.js';
import { percentile } from '../imp/percentile-masks.js';
import { createMlp } from '../model/mlp.js';
import { mirlPrunable } from '../imp/prune-step.js';
import { modeRules } from './mode.js';

beforeAll(useCpu);

const NAMES = ['fc1/kernel', 'fc2/kernel', 'fc3/kernel'];

/** MIR-L's prune written out: threshold = np.percentile of the pooled alive |w| at 100·rate; prune what is strictly below. */
function referencePercentile(weights: ReadonlyMap<string, Float32Array>, masks: ReadonlyMap<string, { kept: Uint8Array }>, names: readonly string[], rate: number): Map<string, Uint8Array> {
  const pooled: number[] = [];
  for (const name of names) {
    const kept = masks.get(name)?.kept;
    (weights.get(name) as Float32Array).forEach((w, i) => {
      if (kept === undefined || kept[i] === 1) pooled.push(Math.abs(w));
    });
  }
  const threshold = percentile(Float64Array.from(pooled), 100 * rate);
  return new Map(
    names.map((name) => {
      const kept = masks.get(name)?.kept;
      return [name, Uint8Array.from(weights.get(name) as Float32Array, (w, i) => ((kept === undefined || kept[i] === 1) && !(Math.abs(w) < threshold) ? 1 : 0))] as const;
    }),
  );
}

describe('MIR-L mode', () => {
  it('fixes global scope, percentile selection, the MIR-L prunable set and θ0 whatever was asked', () => {
    const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
    expect(modeRules('mir-l', model.parameters, { scope: 'layerwise', rewindStep: 5 })).toEqual({ prunable: mirlPrunable(model.parameters), scope: 'global', selection: 'percentile', rewindStep: 0 });
    expect(modeRules('imp', model.parameters, { rewindStep: 5 })).toEqual({ prunable: ['fc1/kernel', 'fc2/kernel'], scope: 'layerwise', selection: 'exact', rewindStep: 5 });
    model.dispose();
  });

  it('prunes the pooled alive weights below the percentile threshold each round and resets every run to m ⊙ θ0 at iteration 0', async () => {
    const imp = await runBodies({ rounds: 3, rates: { default: 0.3, output: 0.05 }, mode: 'mir-l', scope: 'layerwise', rewindStep: 6, reinit: true, oneShotLevels: [2] });
    expect(imp.setup.scope).toBe('global');
    expect(imp.setup.selection).toBe('percentile');
    expect(imp.setup.rewindStep).toBe(0);
    for (let level = 1; level <= 3; level += 1) {
      expect(keptOf(imp.masks(level))).toEqual(referencePercentile(imp.ticket(level - 1).trained, imp.masks(level - 1), NAMES, 0.3));
      const pooled = (m: ReturnType<typeof imp.masks>) => NAMES.reduce((sum, name, i) => sum + alive(m, name, [96, 72, 18][i] as number), 0);
      // about 30% of the pooled alive weights (the output rate does not apply)
      const was = pooled(imp.masks(level - 1));
      expect(Math.abs(was - pooled(imp.masks(level)) - 0.3 * was)).toBeLessThanOrEqual(1);
    }
    expect(keptOf(imp.find(2, 'one-shot')?.masks ?? new Map())).toEqual(referencePercentile(imp.ticket(0).trained, new Map(), NAMES, 1 - 0.7 ** 2));
    for (const run of imp.runs) {
      expect(run.startStep).toBe(0);
      expect(run.rewindStep).toBeUndefined();
      if (run.branch !== 'reinit') expect(run.start).toEqual(masked(imp.theta0, run.masks));
    }
  });
});
