import { createDenseMlp, createRuntime, glorotNormal, initialDenseMlpWeights, type SparseRuntime } from '@sparse/core';
import { createBatchLoader, seededRandom, type ImageSet } from '@sparse/datasets';
import type { MethodContext } from '../src/contracts/method.js';
import { createSetEvaluator } from '../src/experiment/evaluator.js';

/**
 * A small {@link MethodContext} for the N:M tests (not exported from the package): a tiny MLP on
 * synthetic data whose labels come from a seeded linear teacher (so accuracy is learnable), a cpu
 * runtime, a seeded batch loader and evaluation with tf ops. `dispose()` frees the loader's and
 * evaluators' tensors.
 *
 * @example
 * ```ts
 * const context = await createNmTestContext({ layerSizes: [32, 16, 4], epochs: 2 });
 * context.dispose();
 * ```
 */
export interface NmTestContext extends MethodContext {
  /** Steps of one epoch. */
  readonly stepsPerEpoch: number;
  /** Log lines received. */
  readonly lines: string[];
  dispose(): void;
}

/**
 * Options of {@link createNmTestContext}.
 *
 * @example
 * ```ts
 * const options: NmTestContextOptions = { layerSizes: [32, 16, 4], examples: 256, batchSize: 32, epochs: 2, seed: 1 };
 * ```
 */
export interface NmTestContextOptions {
  readonly layerSizes: readonly number[];
  readonly examples?: number;
  readonly batchSize?: number;
  readonly epochs?: number;
  readonly seed?: number;
  readonly learningRate?: number;
  readonly runtime?: SparseRuntime;
}

/** A synthetic classification set: x uniform in [0, 1), label = argmax of x·T for a seeded teacher T. */
function syntheticSet(features: number, classes: number, count: number, seed: number, purpose: string): ImageSet<Float32Array> {
  const teacherRandom = seededRandom(seed, 'teacher', 'nm-test');
  const teacher = Float32Array.from({ length: features * classes }, () => teacherRandom() * 2 - 1);
  const random = seededRandom(seed, purpose, 'nm-test');
  const images = Float32Array.from({ length: features * count }, () => random());
  const labels = new Uint8Array(count);
  for (let e = 0; e < count; e++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = 0;
      for (let f = 0; f < features; f++) score += (images[e * features + f] as number) * ((teacher[f * classes + c] as number) - 0.5 * (f % 2));
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    labels[e] = best;
  }
  return { images, labels, count, shape: [features] };
}

/**
 * Builds an {@link NmTestContext}.
 *
 * @example
 * ```ts
 * const context = await createNmTestContext({ layerSizes: [32, 16, 4] });
 * console.log(context.stepsPerEpoch);
 * context.dispose();
 * ```
 */
export async function createNmTestContext(options: NmTestContextOptions): Promise<NmTestContext> {
  const { layerSizes, examples = 192, batchSize = 32, epochs = 2, seed = 7, learningRate = 3e-3 } = options;
  const runtime = options.runtime ?? (await createRuntime({ backend: 'cpu' }));
  const features = layerSizes[0] as number;
  const classes = layerSizes[layerSizes.length - 1] as number;
  const train = syntheticSet(features, classes, examples, seed, 'train');
  const validation = syntheticSet(features, classes, 128, seed, 'validation');
  const test = syntheticSet(features, classes, 128, seed, 'test');
  const loader = createBatchLoader(train, { batchSize, seed, numClasses: classes });
  const evaluators = { validation: createSetEvaluator(validation, classes), test: createSetEvaluator(test, classes) };
  const initialWeights = initialDenseMlpWeights({ layerSizes }, { initializer: glorotNormal, seed });
  const lines: string[] = [];
  return {
    runtime,
    seed,
    sparsity: undefined,
    layerSizes,
    initialWeights,
    createModel: (weights) => createDenseMlp({ layerSizes, weights: weights ?? initialWeights }),
    loader,
    validation,
    epochs,
    learningRate,
    engine: undefined,
    evaluate: (model, set) => evaluators[set].evaluate(model.forward),
    progress: () => undefined,
    log: (line) => void lines.push(line),
    stepsPerEpoch: loader.stepsPerEpoch,
    lines,
    dispose() {
      loader.dispose();
      evaluators.validation.dispose();
      evaluators.test.dispose();
    },
  };
}
