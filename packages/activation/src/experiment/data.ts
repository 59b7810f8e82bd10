import { Random, deriveSeed } from '@sparse/core';
import { loadFashionMnist, selectExamples, type ImageSet } from '@sparse/datasets';
import type { ActivationExperimentConfig } from './config.js';

/** The images of one run: training and test sets (or their seeded subsets), and from the training set the calibration and probe images. @internal */
export interface ActivationData {
  readonly train: ImageSet<Uint8Array>;
  readonly test: ImageSet<Uint8Array>;
  /** Random training images the thresholds are calibrated on. */
  readonly calibration: ImageSet<Uint8Array>;
  /** The next random training images, for the nonzero counts of `trackNonzero` (may be empty). */
  readonly probe: ImageSet<Uint8Array>;
}

function subset(set: ImageSet<Uint8Array>, count: number | undefined, seed: number, purpose: string): ImageSet<Uint8Array> {
  if (count === undefined || count >= set.count) return set;
  const order = new Random(deriveSeed(seed, purpose)).shuffle(Int32Array.from({ length: set.count }, (_, i) => i));
  return selectExamples(set, order.subarray(0, count).sort());
}

/**
 * Loads Fashion-MNIST (the bundled subset when `dir` is undefined) and cuts it as the config says;
 * every draw derives from the config's seed, so every thread and every resumed run gets the same
 * images. @internal
 */
export async function loadActivationData(config: ActivationExperimentConfig, dir: string | undefined): Promise<ActivationData> {
  const full = await loadFashionMnist({ ...(dir === undefined ? {} : { source: { dir } }), pixels: 'uint8' });
  const train = subset(full.train, config.trainExamples, config.seed, 'train-subset');
  const test = subset(full.test, config.testExamples, config.seed, 'test-subset');
  const order = new Random(deriveSeed(config.seed, 'calibration-subset')).shuffle(Int32Array.from({ length: train.count }, (_, i) => i));
  const calibrationCount = Math.min(config.calibration.examples, train.count);
  const probeCount = Math.min(config.probeExamples, train.count - calibrationCount);
  return {
    train,
    test,
    calibration: selectExamples(train, order.subarray(0, calibrationCount)),
    probe: selectExamples(train, order.subarray(calibrationCount, calibrationCount + probeCount)),
  };
}
