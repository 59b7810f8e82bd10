import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JsonObject, RunUnit } from '@sparse/experiments';
import { thresholdHook } from '../../hooks/threshold-hook.js';
import type { SparsityLevel } from '../../sparsifiers/sparsifier.js';
import { saveThresholds } from '../../thresholds/threshold-io.js';
import { measureHook, type Measurement } from '../measure.js';
import { levelId, levelLabel, type PlannedSparsifier } from '../plan.js';
import { loadTrainedWeights } from '../weights.js';
import { calibratedThresholds } from './calibrate.js';
import type { TrainOutput } from './train-unit.js';
import { initSeed, modelKey, type UnitEnv } from './unit-env.js';

/**
 * One sparsifier at one level on the trained model: calibration, the threshold file (saved to
 * `thresholds/seed-<seed>/<model>/<sparsifier>/<level>.json`), and the measurement on the test set (with
 * block errors) and on the calibration set. @internal
 */
export function sparsifyUnit(id: string, env: UnitEnv, planned: PlannedSparsifier, level: SparsityLevel): RunUnit<JsonObject> {
  const { data, plan, run } = env;
  const { sparsifier } = planned;
  return {
    id,
    label: `${plan.id}: ${sparsifier.label} at ${levelLabel(level)}`,
    async run(ctx) {
      const trained = ctx.output(`${modelKey(env)}/train`) as TrainOutput;
      const model = plan.builder.create(initSeed(env));
      try {
        await loadTrainedWeights(run, modelKey(env), model);
        const file = calibratedThresholds(env, model, sparsifier, level);
        ctx.progress(1, 3);
        const path = run.file('thresholds', `seed-${env.seed}`, plan.id, planned.slug, `${levelId(level)}.json`);
        await mkdir(dirname(path), { recursive: true });
        await saveThresholds(path, file);
        const hook = thresholdHook(file);
        let test: Measurement;
        let calibration: Measurement;
        try {
          test = measureHook(model, hook, data.test, true);
          ctx.progress(2, 3);
          calibration = measureHook(model, hook, data.calibration, false);
        } finally {
          hook.dispose();
        }
        const chosen = (sites: Measurement['sites']) => sites.filter((site) => Object.hasOwn(file.layers, site.site));
        const result = {
          method: sparsifier.label,
          sparsifier: sparsifier.name,
          level: level as unknown as JsonObject,
          levelLabel: levelLabel(level),
          target: file.target,
          accuracy: test.accuracy,
          drop: trained.denseAccuracy - test.accuracy,
          testSparsity: chosen(test.sites),
          calibrationSparsity: chosen(calibration.sites),
          blockErrors: test.blocks,
          skippableFraction: test.skippableFraction,
        };
        await ctx.metric({ method: result.method, level: result.levelLabel, accuracy: result.accuracy, skippableFraction: result.skippableFraction });
        return result;
      } finally {
        model.dispose();
      }
    },
  };
}
