import { deriveSeed } from '@sparse/core';
import type { JsonObject, RunUnit } from '@sparse/experiments';
import { denseHook } from '../../hooks/activation-hook.js';
import { evaluateModel } from '../../training/evaluate.js';
import { measureHook, nonzeroFraction } from '../measure.js';
import { trainEpochs } from '../train-epochs.js';
import { saveTrainedWeights } from '../weights.js';
import { initSeed, type UnitEnv } from './unit-env.js';

/** What the training unit of a model returns. @internal */
export interface TrainOutput extends JsonObject {
  history: JsonObject[];
  denseAccuracy: number;
  naturalSparsity: { site: string; sparsity: number }[];
  flopsPerExample: number;
  sites: { name: string; kind: string; block: string; width: number }[];
}

/**
 * Dense training of a model (Adam, cosine learning rate down to 5 % of the peak, test accuracy
 * after every epoch; with `trackNonzero` also the nonzero fractions at initialisation and after
 * every epoch), then its dense measurement; the trained weights go to `models/<id>`. @internal
 */
export function trainUnit(id: string, env: UnitEnv): RunUnit<TrainOutput> {
  const { config, data, plan } = env;
  return {
    id,
    label: `${plan.id}: dense training`,
    async run(ctx) {
      const model = plan.builder.create(initSeed(env));
      try {
        const { epochs, learningRate: peak, trackNonzero } = plan.config;
        const steps = epochs * Math.ceil(data.train.count / config.batchSize);
        const nonzero = (set: typeof data.test): number => nonzeroFraction(measureHook(model, denseHook, set, false));
        const measure = (): JsonObject => ({
          accuracy: evaluateModel(model, data.test).accuracy,
          ...(trackNonzero ? { testNonzero: nonzero(data.test), trainNonzero: data.probe.count > 0 ? nonzero(data.probe) : null } : {}),
        });
        const history = await trainEpochs({
          ctx,
          model,
          train: data.train,
          batchSize: config.batchSize,
          batchSeed: deriveSeed(config.seed, 'batches', plan.id),
          epochs,
          learningRate: (step) => peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps))),
          ...(trackNonzero ? { atStart: measure } : {}),
          afterEpoch: measure,
        });
        const dense = measureHook(model, denseHook, data.test, false);
        await saveTrainedWeights(env.run, plan.id, model);
        return {
          history,
          denseAccuracy: dense.accuracy,
          naturalSparsity: dense.sites,
          flopsPerExample: model.flopsPerExample,
          sites: model.sites.map((site) => ({ name: site.name, kind: site.kind, block: site.block, width: site.width })),
        };
      } finally {
        model.dispose();
      }
    },
  };
}
