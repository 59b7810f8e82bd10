import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { echoValue, SparseError, deriveSeed, denseMlpLayers, initialDenseMlpWeights, type DenseMlpArchitecture, type DenseMlpInitializer, type DenseMlpStartingWeights } from '@sparse/core';

/**
 * Options of {@link createDenseSequential} besides where the initial weights come from.
 *
 * @example
 * ```ts
 * import type { DenseSequentialModelOptions } from '@sparse/layers';
 *
 * const options: DenseSequentialModelOptions = { layerSizes: [784, 300, 100, 10], outputActivation: 'softmax' };
 * ```
 */
export interface DenseSequentialModelOptions extends DenseMlpArchitecture {
  /** The model's name. Default: tfjs-layers' automatic one. */
  readonly name?: string;
  /** The last layer's activation: `linear` (logits; default) or `softmax` (probabilities, for `categoricalCrossentropy`). */
  readonly outputActivation?: 'linear' | 'softmax';
}

/**
 * Options of {@link createDenseSequential}: the layers, and the initial weights by name, a seeded
 * draw from core's stream ({@link initialDenseMlpWeights}: the very values `createDenseMlp` of
 * `@sparse/core` starts from), or tfjs-layers' own seeded Glorot-uniform draw.
 *
 * `initializer: 'tfjs-glorot-uniform'` gives each kernel tfjs-layers'
 * `glorotUniform({ seed: deriveSeed(seed, purpose, '<layer>/kernel') })`: the same distribution as
 * core's `glorotUniform`, but tfjs's random stream, so other values. Kept for runs that started
 * from it (group-envelope's).
 *
 * @example
 * ```ts
 * import { glorotUniform } from '@sparse/core';
 * import type { DenseSequentialOptions } from '@sparse/layers';
 *
 * const core: DenseSequentialOptions = { layerSizes: [784, 300, 100, 10], initializer: glorotUniform, seed: 0 };
 * const tfjs: DenseSequentialOptions = { layerSizes: [784, 512, 256, 10], initializer: 'tfjs-glorot-uniform', seed: 1 };
 * ```
 */
export type DenseSequentialOptions = DenseSequentialModelOptions &
  (
    | DenseMlpStartingWeights
    | {
        readonly initializer: 'tfjs-glorot-uniform';
        readonly seed: number;
        /** The `purpose` of `deriveSeed`. Default `init`. */
        readonly purpose?: string;
        readonly weights?: never;
      }
  );

/**
 * A dense ReLU network as a tfjs-layers `Sequential` (what `@sparse/layers`' `compactModel`,
 * `pruningCallback` and `model.fit` work on): `Dense` layers named `layerNames` (default `fc1` …
 * `fcN`) with ReLU after every layer but the last, and zero biases unless `weights` says
 * otherwise. With `weights` or a core initializer it holds exactly the values `createDenseMlp` of
 * `@sparse/core` builds from the same options, so the two integrations can start from one network.
 *
 * @throws SparseError `E_ARGUMENT` for an invalid architecture, neither or both of `weights` and
 * `initializer`, or a missing or mis-sized weight.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { glorotUniform } from '@sparse/core';
 * import { createDenseSequential, modelParameters } from '@sparse/layers';
 *
 * const model = createDenseSequential({ layerSizes: [784, 300, 100, 10], initializer: glorotUniform, seed: 0, outputActivation: 'softmax' });
 * console.log(modelParameters(model).map((p) => p.name)); // fc1/kernel, fc1/bias, fc2/kernel, …
 * model.compile({ optimizer: tf.train.adam(1.2e-3), loss: 'categoricalCrossentropy' });
 * ```
 */
export function createDenseSequential(options: DenseSequentialOptions): tfl.Sequential {
  const layers = denseMlpLayers(options);
  const outputActivation = options.outputActivation ?? 'linear';
  if (outputActivation !== 'linear' && outputActivation !== 'softmax') {
    throw new SparseError('E_ARGUMENT', `outputActivation must be 'linear' or 'softmax', got ${echoValue(outputActivation)}.`, {
      field: 'outputActivation',
      received: outputActivation,
      allowed: ['linear', 'softmax'],
    });
  }
  const hasWeights = options.weights !== undefined;
  if (hasWeights === (options.initializer !== undefined)) {
    throw new SparseError('E_ARGUMENT', 'createDenseSequential needs either weights or an initializer with a seed, not both and not neither.', {
      field: hasWeights ? 'initializer' : 'weights',
      received: hasWeights ? 'both' : 'neither',
    });
  }
  const tfjsStream = options.initializer === 'tfjs-glorot-uniform';
  const purpose = options.purpose ?? 'init';
  // Check everything (and draw core's values) before tfjs-layers makes any variable.
  const values = tfjsStream
    ? undefined
    : (options.weights ??
      initialDenseMlpWeights(options, {
        initializer: options.initializer as DenseMlpInitializer['initializer'],
        seed: options.seed as number,
        purpose,
      }));
  if (values !== undefined) {
    for (const { name, inputs, outputs } of layers) {
      for (const [key, size] of [[`${name}/kernel`, inputs * outputs], [`${name}/bias`, outputs]] as const) {
        const found = values.get(key);
        if (found === undefined || found.length !== size) {
          throw new SparseError('E_ARGUMENT', found === undefined ? `The weights lack ${key}.` : `The weights' ${key} has ${found.length} values; the layer needs ${size}.`, {
            field: `weights.${key}`,
            received: found === undefined ? 'missing' : found.length,
            allowed: `${size} float32 values`,
          });
        }
      }
    }
  }
  const seed = options.seed as number;
  const model = tfl.sequential({
    ...(options.name === undefined ? {} : { name: options.name }),
    layers: layers.map(({ name, inputs, outputs }, i) =>
      tfl.layers.dense({
        name,
        units: outputs,
        ...(i === 0 ? { inputShape: [inputs] } : {}),
        ...(i < layers.length - 1 ? { activation: 'relu' as const } : outputActivation === 'softmax' ? { activation: 'softmax' as const } : {}),
        kernelInitializer: tfjsStream ? tfl.initializers.glorotUniform({ seed: deriveSeed(seed, purpose, `${name}/kernel`) }) : 'zeros',
      }),
    ),
  });
  if (values !== undefined) {
    const tensors = layers.flatMap(({ name, inputs, outputs }) => [
      tf.tensor2d(values.get(`${name}/kernel`) as Float32Array, [inputs, outputs]),
      tf.tensor1d(values.get(`${name}/bias`) as Float32Array),
    ]);
    try {
      model.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
  return model;
}
