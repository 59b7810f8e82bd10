import type { JsonObject, RunUnit } from '@sparse/experiments';
import { SparseError } from '@sparse/core';
import { denseHook } from '../../hooks/activation-hook.js';
import { measureHook } from '../measure.js';
import { loadTrainedWeights } from '../weights.js';
import { initSeed, modelKey, type UnitEnv } from './unit-env.js';

/** The naive ReLU swap: the trained weights with ReLU in place of SiLU in the gates, no fine-tuning, measured dense on the test set. @internal */
export function reluSwapUnit(id: string, env: UnitEnv): RunUnit<JsonObject> {
  const { plan } = env;
  return {
    id,
    label: `${plan.id}: ReLU swap`,
    async run(ctx) {
      const swap = plan.builder.reluSwap;
      if (swap === undefined) throw new SparseError('E_CONFIG', `models[${plan.index}].reluSwap: the ${plan.builder.name} model has no gates to swap.`, { field: `models[${plan.index}].reluSwap` });
      const model = swap(initSeed(env));
      try {
        await loadTrainedWeights(env.run, modelKey(env), model);
        const measured = measureHook(model, denseHook, env.data.test, false);
        const result = { accuracy: measured.accuracy, sparsity: measured.sites.map((site) => site.sparsity), skippableFraction: measured.skippableFraction };
        await ctx.metric(result);
        return result;
      } finally {
        model.dispose();
      }
    },
  };
}
