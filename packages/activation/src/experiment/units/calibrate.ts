import { ActivationRecorder } from '../../calibration/activation-recorder.js';
import type { ActivationModel } from '../../models/activation-model.js';
import type { Sparsifier, SparsityLevel } from '../../sparsifiers/sparsifier.js';
import type { ThresholdFile } from '../../thresholds/threshold-file.js';
import { evaluateModel } from '../../training/evaluate.js';
import type { UnitEnv } from './unit-env.js';

/**
 * A sparsifier's thresholds for a model at one level: a calibration pass over the calibration
 * images with a recorder (when the sparsifier calibrates), then the sparsifier. @internal
 */
export function calibratedThresholds(env: UnitEnv, model: ActivationModel, sparsifier: Sparsifier, level: SparsityLevel): ThresholdFile {
  const samples = env.data.calibration.count;
  if (sparsifier.calibration === undefined) return sparsifier.thresholds({ sites: model.sites, level, samples });
  const recorder = new ActivationRecorder({ seed: env.seed, histogram: sparsifier.calibration.histogram });
  try {
    evaluateModel(model, env.data.calibration, { hook: recorder, batchSize: env.config.calibration.batchSize });
    return sparsifier.thresholds({ sites: model.sites, level, recorder, samples });
  } finally {
    recorder.reset();
  }
}
