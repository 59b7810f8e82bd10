import { Random, deriveSeed } from '@sparse/core';
import { loadFashionMnist, selectExamples, splitValidation, type ImageSet, type ResolvedFashionMnist } from '@sparse/datasets';
import type { DeltaExperimentConfig } from './config.js';
import { onlyClasses } from './mlp.js';

/**
 * The data of a `delta` experiment: the pretraining set (its classes only), the fine-tuning set,
 * the labelled validation set, unlabelled calibration inputs, and the test sets of both tasks.
 *
 * @example
 * ```ts
 * import { type DeltaTaskData } from './task-data.js';
 *
 * declare const data: DeltaTaskData;
 * console.log(data.pretrain.count, data.finetune.count, data.test.count);
 * ```
 */
export interface DeltaTaskData {
  /** Training images of the pretraining classes (validation held out). */
  readonly pretrain: ImageSet<Float32Array>;
  /** Training images of the fine-tuning classes (validation held out). */
  readonly finetune: ImageSet<Float32Array>;
  /** Held-out training images of the fine-tuning classes, with labels. */
  readonly validation: ImageSet<Float32Array>;
  /** Training images drawn (seeded) from the training split, used without their labels. */
  readonly calibration: ImageSet<Float32Array>;
  /** Test images of the fine-tuning classes. */
  readonly test: ImageSet<Float32Array>;
  /** Test images of the pretraining classes. */
  readonly pretrainTest: ImageSet<Float32Array>;
  /** Every training image left after the validation split (merge tasks pick their classes from it). */
  readonly trainAll: ImageSet<Float32Array>;
  /** Every test image. */
  readonly testAll: ImageSet<Float32Array>;
}

/**
 * Loads Fashion-MNIST and cuts it as the config says: `validationSize` images held out with
 * `splitValidation(seed)`, `calibrationSize` training images drawn with
 * `Random(deriveSeed(seed, 'calibration'))`, and the class subsets of both tasks.
 *
 * @example
 * ```ts
 * import { type DeltaExperimentConfig } from '@sparse/delta';
 * import { loadDeltaTaskData } from './task-data.js';
 *
 * declare const config: DeltaExperimentConfig;
 * const data = await loadDeltaTaskData(config, { trainCount: 6000, testCount: 1000 });
 * ```
 */
export async function loadDeltaTaskData(config: DeltaExperimentConfig, dataset: ResolvedFashionMnist): Promise<DeltaTaskData> {
  const { train: all, test } = await loadFashionMnist({ source: dataset.dir === undefined ? 'bundled' : { dir: dataset.dir } });
  const { train, validation } = splitValidation(all, { validationSize: config.validationSize, seed: config.seed });
  const order = new Random(deriveSeed(config.seed, 'calibration')).shuffle(Int32Array.from({ length: train.count }, (_, i) => i));
  return {
    pretrain: onlyClasses(train, config.pretrain.classes),
    finetune: onlyClasses(train, config.finetune.classes),
    validation: onlyClasses(validation, config.finetune.classes),
    calibration: selectExamples(train, order.subarray(0, config.calibrationSize)),
    test: onlyClasses(test, config.finetune.classes),
    pretrainTest: onlyClasses(test, config.pretrain.classes),
    trainAll: train,
    testAll: test,
  };
}
