import { createHash } from 'node:crypto';
import { Random, deriveSeed } from '@sparse/core';
import { loadFashionMnist, selectExamples, splitValidation, type ImageSet } from '@sparse/datasets';
import type { ActivationExperimentConfig } from './config.js';

/**
 * The images of one replicate (one seed): the training images it trains on, the test set (or its
 * seeded subset), the held-out validation images it never trains on (the calibration images are
 * the first of them), and training images for the nonzero counts of `trackNonzero`. @internal
 */
export interface ActivationData {
  readonly train: ImageSet<Uint8Array>;
  readonly test: ImageSet<Uint8Array>;
  /** Held-out validation images the thresholds are calibrated on (never trained on). */
  readonly calibration: ImageSet<Uint8Array>;
  /** Random training images (seen in training), for the nonzero counts of `trackNonzero` (may be empty). */
  readonly probe: ImageSet<Uint8Array>;
  /** Ascending indices into the training file of the training images. */
  readonly trainIndices: Int32Array;
  /** Indices into the training file of the calibration images (all among the held-out validation images). */
  readonly calibrationIndices: Int32Array;
  /** Which images each part is, for the raw results: counts and sha256 (first 16 hex digits) of their ascending indices into the training file. */
  readonly split: DataSplit;
}

/** The counts and index fingerprints of a replicate's images. @internal */
export interface DataSplit {
  readonly [key: string]: number | string;
  readonly train: number;
  readonly validation: number;
  readonly calibration: number;
  readonly probe: number;
  readonly test: number;
  /** sha256 of the validation images' ascending indices into the training file (int32 little-endian), first 16 hex digits. */
  readonly validationSha256: string;
  /** The same for the calibration images (a subset of the validation images). */
  readonly calibrationSha256: string;
}

function fingerprint(indices: Int32Array): string {
  const sorted = Int32Array.from(indices).sort();
  return createHash('sha256').update(new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.byteLength)).digest('hex').slice(0, 16);
}

function seededOrder(count: number, seed: number, purpose: string): Int32Array {
  return new Random(deriveSeed(seed, purpose)).shuffle(Int32Array.from({ length: count }, (_, i) => i));
}

/**
 * Loads Fashion-MNIST (the bundled subset when `dir` is undefined) and cuts it for one replicate:
 * `validationExamples` training images held out by `splitValidation` (seed purpose
 * `validation-split`), never trained on; the calibration images are the first
 * `calibration.examples` of them in a seeded order (`calibration-subset`); training uses the rest
 * (a seeded `trainExamples` subset when set); the test set (a `testExamples` subset, the same for
 * every seed); the probe images are training images (`probe-subset`). Every thread and every
 * resumed run gets the same images. @internal
 */
export async function loadActivationData(config: ActivationExperimentConfig, dir: string | undefined, seed: number): Promise<ActivationData> {
  const full = await loadFashionMnist({ ...(dir === undefined ? {} : { source: { dir } }), pixels: 'uint8' });
  const split = splitValidation(full.train, { validationSize: config.validationExamples, seed: deriveSeed(seed, 'validation-split') });
  let trainIndices = split.trainIndices;
  if (config.trainExamples !== undefined && config.trainExamples < trainIndices.length) {
    const order = seededOrder(trainIndices.length, seed, 'train-subset');
    trainIndices = Int32Array.from(order.subarray(0, config.trainExamples), (i) => trainIndices[i] as number).sort();
  }
  const train = selectExamples(full.train, trainIndices);
  const testSeed = config.seeds[0] ?? 0;
  const test = config.testExamples === undefined || config.testExamples >= full.test.count ? full.test : selectExamples(full.test, seededOrder(full.test.count, testSeed, 'test-subset').subarray(0, config.testExamples).sort());
  const calibrationCount = Math.min(config.calibration.examples, split.validationIndices.length);
  const calibrationOrder = seededOrder(split.validationIndices.length, seed, 'calibration-subset').subarray(0, calibrationCount);
  const calibrationIndices = Int32Array.from(calibrationOrder, (i) => split.validationIndices[i] as number);
  const probeCount = Math.min(config.probeExamples, train.count);
  const probe = selectExamples(train, seededOrder(train.count, seed, 'probe-subset').subarray(0, probeCount));
  return {
    train,
    test,
    calibration: selectExamples(full.train, calibrationIndices),
    probe,
    trainIndices,
    calibrationIndices,
    split: {
      train: train.count,
      validation: split.validationIndices.length,
      calibration: calibrationCount,
      probe: probeCount,
      test: test.count,
      validationSha256: fingerprint(split.validationIndices),
      calibrationSha256: fingerprint(calibrationIndices),
    },
  };
}
