import { deriveSeed } from '@sparse/core';
import type { JsonObject, RunUnit } from '@sparse/experiments';
import { thresholdHook } from '../../hooks/threshold-hook.js';
import type { SparsityLevel } from '../../sparsifiers/sparsifier.js';
import { evaluateModel } from '../../training/evaluate.js';
import { measureHook } from '../measure.js';
import { levelLabel, type ModelPlan } from '../plan.js';
import { trainEpochs } from '../train-epochs.js';
import { loadTrainedWeights } from '../weights.js';
import { calibratedThresholds } from './calibrate.js';
import { initSeed, modelKey, type UnitEnv } from './unit-env.js';

/**
 * Fine-tuning with thresholds in place (the CATS variant): from the dense model, the sparsifier's
 * thresholds at one level stay fixed while every parameter trains with Adam at a constant
 * learning rate (zeroed activations pass no gradient); test accuracy before and after. @internal
 */
export function fineTuneUnit(id: string, env: UnitEnv, fineTune: NonNullable<ModelPlan['fineTune']>, level: SparsityLevel, learningRate: number): RunUnit<JsonObject> {
  const { config, data, plan, run } = env;
  const { sparsifier } = fineTune;
  return {
    id,
    label: `${plan.id}: fine-tuning with ${sparsifier.label} at ${levelLabel(level)}, lr ${learningRate}`,
    async run(ctx) {
      const model = plan.builder.create(initSeed(env));
      try {
        await loadTrainedWeights(run, modelKey(env), model);
        const file = calibratedThresholds(env, model, sparsifier, level);
        const hook = thresholdHook(file);
        try {
          const before = evaluateModel(model, data.test, { hook }).accuracy;
          await trainEpochs({
            ctx,
            model,
            hook,
            train: data.train,
            batchSize: config.batchSize,
            batchSeed: deriveSeed(env.seed, 'batches', `fine-tune-${'k' in level ? `k${level.k}` : level.target}`),
            epochs: fineTune.epochs,
            learningRate: () => learningRate,
          });
          const after = measureHook(model, hook, data.test, false);
          const result = {
            method: sparsifier.label,
            level: level as unknown as JsonObject,
            levelLabel: levelLabel(level),
            learningRate,
            epochs: fineTune.epochs,
            before,
            after: after.accuracy,
            sparsity: after.sites.filter((site) => Object.hasOwn(file.layers, site.site)),
          };
          await ctx.metric({ method: result.method, level: result.levelLabel, learningRate, before, after: result.after });
          return result;
        } finally {
          hook.dispose();
        }
      } finally {
        model.dispose();
      }
    },
  };
}
