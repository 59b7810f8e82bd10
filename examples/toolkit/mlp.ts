/**
 * The MLP 784-300-100-10 (LeNet-300-100) of the toolkit experiments: core's `DenseMlp` (plain
 * variables for the core training loop) and @sparse/layers' dense `Sequential` for `model.fit`.
 * Both start from the same seeded Glorot-uniform kernels (core's `glorotUniform`, drawn from
 * `deriveSeed(seed, 'init', name)`) and zero biases, so the two integrations train the very same
 * initial network.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { createDenseMlp, glorotUniform, initialDenseMlpWeights, type DenseMlp, type NamedParameter } from '@sparse/core';
import { createDenseSequential } from '@sparse/layers';

/** Layers fc1, fc2, fc3 (core's default names). */
const ARCHITECTURE = { layerSizes: [784, 300, 100, 10] } as const;

/** Named weights on the host: `fc1/kernel`, `fc1/bias`, … */
export type Weights = ReadonlyMap<string, Float32Array>;

/** Glorot-uniform kernels (limit `√(6 / (in + out))`) from `deriveSeed(seed, 'init', name)`, zero biases. */
export function initialWeights(seed: number): Weights {
  return initialDenseMlpWeights(ARCHITECTURE, { initializer: glorotUniform, seed });
}

/** The MLP as plain variables: what core's `train()`, the scorers and the pruners see. */
export interface Mlp extends DenseMlp {
  /** The prunable kernels. */
  readonly kernels: readonly NamedParameter[];
}

let instances = 0;

/** The network as plain variables (`mlp<n>/fc1/kernel`, …), matMul, add and ReLU as separate ops. */
export function createMlp(weights: Weights): Mlp {
  instances += 1;
  const model = createDenseMlp({ ...ARCHITECTURE, weights, ops: 'separate', variableScope: `mlp${instances}` });
  return { ...model, kernels: model.denseLayers.map((layer) => layer.kernel) };
}

/** The same network as a tfjs-layers `Sequential` (named layers fc1–fc3, softmax output), with `weights` loaded. */
export function createLayersMlp(weights: Weights): tfl.Sequential {
  return createDenseSequential({ ...ARCHITECTURE, weights, outputActivation: 'softmax' });
}
