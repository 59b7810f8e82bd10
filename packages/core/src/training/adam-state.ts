import * as tf from '@tensorflow/tfjs-core';
import type { AdamState } from '../contracts/adam-state.js';
import { SparseError } from '../errors.js';

export type { AdamState } from '../contracts/adam-state.js';

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function internals(optimizer: tf.Optimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
  if (!(accBeta1 instanceof tf.Variable) || !(accBeta2 instanceof tf.Variable)) {
    throw new SparseError('E_ARGUMENT', 'Expected a tfjs 4.22 Adam optimizer (tf.train.adam); its accBeta1/accBeta2 state was not found.', { field: 'optimizer' });
  }
  return { accBeta1, accBeta2 };
}

/**
 * Reads an Adam optimizer's complete state (see {@link AdamState}) to the host.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { captureAdamState } from '@sparse/core';
 *
 * const adam = tf.train.adam(1.2e-3);
 * const state = await captureAdamState(adam);
 * console.log(state.iterations); // 0
 * ```
 */
export async function captureAdamState(optimizer: tf.Optimizer): Promise<AdamState> {
  const { accBeta1, accBeta2 } = internals(optimizer);
  const weights = await optimizer.getWeights();
  const [iterations, ...moments] = weights;
  try {
    return {
      iterations: iterations === undefined ? 0 : ((await iterations.tensor.data())[0] as number),
      accBeta1: (await accBeta1.data())[0] as number,
      accBeta2: (await accBeta2.data())[0] as number,
      moments: await Promise.all(moments.map(async ({ name, tensor }) => ({ name, shape: [...tensor.shape], values: Float32Array.from(await tensor.data()) }))),
    };
  } finally {
    // getWeights makes a fresh scalar for the iteration count; the moments are the optimizer's own.
    iterations?.tensor.dispose();
  }
}

/**
 * Restores a state captured by {@link captureAdamState} into a fresh Adam optimizer with the same
 * hyper-parameters, exactly (including `β1^t`, `β2^t`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { captureAdamState, restoreAdamState } from '@sparse/core';
 *
 * const state = await captureAdamState(tf.train.adam(1e-3));
 * const resumed = tf.train.adam(1e-3);
 * await restoreAdamState(resumed, state);
 * ```
 */
export async function restoreAdamState(optimizer: tf.Optimizer, state: AdamState): Promise<void> {
  const { accBeta1, accBeta2 } = internals(optimizer);
  const tensors = [tf.scalar(state.iterations, 'int32'), ...state.moments.map(({ shape, values }) => tf.tensor(values, [...shape], 'float32'))];
  try {
    await optimizer.setWeights(tensors.map((tensor, i) => ({ name: i === 0 ? 'iter' : (state.moments[i - 1]?.name ?? ''), tensor })));
  } finally {
    tf.dispose(tensors);
  }
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(state.accBeta1));
    accBeta2.assign(tf.scalar(state.accBeta2));
  });
}
