import { deriveSeed } from '@sparse/core';
import type { JsonObject, RunUnit } from '@sparse/experiments';
import { denseHook } from '../../hooks/activation-hook.js';
import { evaluateModel } from '../../training/evaluate.js';
import { measureHook, nonzeroFraction } from '../measure.js';
import { trainEpochs } from '../train-epochs.js';
import { saveTrainedWeights } from '../weights.js';
import { DistributionRecorder, type SiteDistribution } from '../distribution.js';
import { initSeed, modelKey, type UnitEnv } from './unit-env.js';

/** What the training unit of a model returns. @internal */
export interface TrainOutput extends JsonObject {
  history: JsonObject[];
  denseAccuracy: number;
  naturalSparsity: { site: string; sparsity: number }[];
  flopsPerExample: number;
  sites: { name: string; kind: string; block: string; width: number }[];
  /** The pre-threshold activation of every site of the trained dense model on the calibration images. */
  distributions: SiteDistribution[];
  /** Which images this replicate used (counts and index fingerprints). */
  images: JsonObject;
}

/**
 * Dense training of a model (Adam, cosine learning rate down to 5 % of the peak, test accuracy
 * after every epoch; with `trackNonzero` also the nonzero fractions at initialisation and after
 * every epoch), then its dense measurement and the distribution of every site's activation on the
 * calibration images; the trained weights go to `models/seed-<seed>/<id>`. @internal
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
          batchSeed: deriveSeed(env.seed, 'batches', plan.id),
          epochs,
          learningRate: (step) => peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps))),
          ...(trackNonzero ? { atStart: measure } : {}),
          afterEpoch: measure,
        });
        const dense = measureHook(model, denseHook, data.test, false);
        const recorder = new DistributionRecorder(deriveSeed(env.seed, 'distribution'));
        evaluateModel(model, data.calibration, { hook: recorder, batchSize: config.calibration.batchSize });
        await saveTrainedWeights(env.run, modelKey(env), model);
        return {
          history,
          denseAccuracy: dense.accuracy,
          naturalSparsity: dense.sites,
          flopsPerExample: model.flopsPerExample,
          sites: model.sites.map((site) => ({ name: site.name, kind: site.kind, block: site.block, width: site.width })),
          distributions: recorder.report(),
          images: { ...data.split },
        };
      } finally {
        model.dispose();
      }
    },
  };
}
