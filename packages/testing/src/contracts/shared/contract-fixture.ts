import type { Batch, LossFunction, NamedParameter, ParameterRole } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { createSeededRandom } from '../../random/seeded-random.js';

/**
 * A small model the contract suites run implementations on: named parameters (a conv kernel,
 * two dense kernels, a bias), a batch and the model's loss. Whoever creates it disposes it.
 *
 * @example
 * ```ts
 * import { createContractFixture } from '@sparse/testing';
 *
 * const fixture = createContractFixture(1);
 * console.log(fixture.parameters.map((p) => `${p.name} ${p.variable.shape.join('x')}`));
 * fixture.dispose();
 * ```
 */
export interface ContractFixture {
  /** The parameters, in a stable order. */
  readonly parameters: readonly NamedParameter[];
  /** One batch of inputs and one-hot float32 targets. */
  readonly batch: Batch;
  /** The model's loss on a batch, from the current values of `parameters`. */
  readonly loss: LossFunction;
  /** Disposes the variables and the batch. */
  dispose(): void;
}

const LAYOUT: readonly { name: string; role: ParameterRole; shape: number[]; scale: number }[] = [
  { name: 'conv/kernel', role: 'conv-kernel', shape: [3, 3, 2, 3], scale: 0.5 },
  { name: 'dense_1/kernel', role: 'dense-kernel', shape: [12, 6], scale: 0.5 },
  { name: 'dense_1/bias', role: 'bias', shape: [6], scale: 0.1 },
  { name: 'dense_2/kernel', role: 'dense-kernel', shape: [6, 5], scale: 0.5 },
];
const BATCH = 4;
const CLASSES = 5;

/**
 * Builds the default {@link ContractFixture} from a seed: `x [4,4,4,2]` → conv 3×3 (valid) →
 * relu → flatten → dense 12→6 + bias → relu → dense 6→5 → softmax cross-entropy. Every value
 * comes from the seed, so a failing check replays exactly.
 *
 * @param seed - the seed of the weights and the batch.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createContractFixture } from '@sparse/testing';
 *
 * const fixture = createContractFixture(42);
 * const loss = fixture.loss(fixture.batch);
 * console.log(loss.dataSync()[0]);
 * loss.dispose();
 * fixture.dispose();
 * ```
 */
export function createContractFixture(seed: number): ContractFixture {
  const random = createSeededRandom(seed);
  const parameters: NamedParameter[] = LAYOUT.map(({ name, role, shape, scale }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const variable = tf.tidy(() => tf.variable(tf.tensor(random.floats(size, -scale, scale), shape), true));
    return { name, role, variable };
  });
  const labels = random.ints(BATCH, 0, CLASSES);
  const batch: Batch = {
    x: tf.tensor4d(random.floats(BATCH * 4 * 4 * 2, -1, 1), [BATCH, 4, 4, 2]),
    y: tf.tensor2d(labels.flatMap((label) => Array.from({ length: CLASSES }, (_, c) => (c === label ? 1 : 0))), [BATCH, CLASSES]),
  };
  const [conv, dense1, bias1, dense2] = parameters.map((p) => p.variable) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const loss: LossFunction = ({ x, y }) =>
    tf.tidy(() => {
      const features = tf.reshape(tf.relu(tf.conv2d(x as tf.Tensor4D, conv as tf.Tensor4D, 1, 'valid')), [x.shape[0] ?? BATCH, 12]);
      const hidden = tf.relu(tf.add(tf.matMul(features, dense1), bias1));
      return tf.losses.softmaxCrossEntropy(y, tf.matMul(hidden, dense2)) as tf.Scalar;
    });
  return {
    parameters,
    batch,
    loss,
    dispose() {
      for (const parameter of parameters) parameter.variable.dispose();
      batch.x.dispose();
      batch.y.dispose();
    },
  };
}
