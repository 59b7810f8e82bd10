/**
 * The MLP 784-300-100-10 (LeNet-300-100) of the toolkit experiments, as plain tfjs variables for
 * the core training loop, and the same network as a tfjs-layers `Sequential` for `model.fit`.
 * Both start from the same seeded Glorot-uniform kernels (tfjs-layers' default initialiser) and
 * zero biases, so the two integrations train the very same initial network.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Random, deriveSeed, type NamedParameter, type ScoringModel } from '@sparse/core';

export const LAYERS = [
  { name: 'fc1', inputs: 784, outputs: 300 },
  { name: 'fc2', inputs: 300, outputs: 100 },
  { name: 'fc3', inputs: 100, outputs: 10 },
] as const;

export const KERNELS = LAYERS.map((layer) => `${layer.name}/kernel`);

/** Named weights on the host: `fc1/kernel`, `fc1/bias`, … */
export type Weights = ReadonlyMap<string, Float32Array>;

/** Glorot-uniform kernels (limit `√(6 / (in + out))`) from `deriveSeed(seed, 'init', name)`, zero biases. */
export function initialWeights(seed: number): Weights {
  const weights = new Map<string, Float32Array>();
  for (const { name, inputs, outputs } of LAYERS) {
    const limit = Math.sqrt(6 / (inputs + outputs));
    const kernel = new Random(deriveSeed(seed, 'init', `${name}/kernel`)).fillUniform(new Float32Array(inputs * outputs), -limit, limit);
    weights.set(`${name}/kernel`, kernel);
    weights.set(`${name}/bias`, new Float32Array(outputs));
  }
  return weights;
}

/** The MLP as plain variables: what core's `train()`, the scorers and the pruners see. */
export interface Mlp {
  /** Every trainable parameter (kernels: `dense-kernel`, biases: `bias`). */
  readonly parameters: readonly NamedParameter[];
  /** The prunable kernels. */
  readonly kernels: readonly NamedParameter[];
  /** Logits `[b, 10]`. */
  forward(x: tf.Tensor): tf.Tensor2D;
  /** The model as GraSP and SynFlow run it (logits; every variable; one example is `[784]`). */
  readonly scoringModel: ScoringModel;
  dispose(): void;
}

let instances = 0;

export function createMlp(weights: Weights): Mlp {
  instances += 1;
  const parameters: NamedParameter[] = [];
  for (const { name, inputs, outputs } of LAYERS) {
    const kernel = required(weights, `${name}/kernel`);
    const bias = required(weights, `${name}/bias`);
    // Inside tidy: the initial-value tensors are freed (a variable keeps its own reference to the data).
    parameters.push({ name: `${name}/kernel`, role: 'dense-kernel', variable: tf.tidy(() => tf.variable(tf.tensor2d(kernel, [inputs, outputs]), true, `mlp${instances}/${name}/kernel`)) });
    parameters.push({ name: `${name}/bias`, role: 'bias', variable: tf.tidy(() => tf.variable(tf.tensor1d(bias), true, `mlp${instances}/${name}/bias`)) });
  }
  const v = (name: string): tf.Variable => {
    const found = parameters.find((p) => p.name === name);
    if (found === undefined) throw new Error(`no parameter ${name}`);
    return found.variable;
  };
  const [w1, b1, w2, b2, w3, b3] = ['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias', 'fc3/kernel', 'fc3/bias'].map(v) as [
    tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable,
  ];
  const forward = (x: tf.Tensor): tf.Tensor2D =>
    tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      return tf.add(tf.matMul(h2, w3), b3) as tf.Tensor2D;
    });
  return {
    parameters,
    kernels: parameters.filter((p) => p.role === 'dense-kernel'),
    forward,
    scoringModel: { forward, variables: parameters.map((p) => p.variable), inputShape: [784] },
    dispose() {
      for (const p of parameters) p.variable.dispose();
    },
  };
}

/** The same network as a tfjs-layers `Sequential` (named layers fc1–fc3, softmax output), with `weights` loaded. */
export function createLayersMlp(weights: Weights): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'fc1', inputShape: [784], units: 300, activation: 'relu' }),
      tfl.layers.dense({ name: 'fc2', units: 100, activation: 'relu' }),
      tfl.layers.dense({ name: 'fc3', units: 10, activation: 'softmax' }),
    ],
  });
  const values = LAYERS.flatMap(({ name, inputs, outputs }) => [
    tf.tensor2d(required(weights, `${name}/kernel`), [inputs, outputs]),
    tf.tensor1d(required(weights, `${name}/bias`)),
  ]);
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

function required(weights: Weights, name: string): Float32Array {
  const value = weights.get(name);
  if (value === undefined) throw new Error(`initial weights have no ${name}`);
  return value;
}
