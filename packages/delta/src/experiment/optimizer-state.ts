import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { recordToTensor, tensorToRecord, type JsonObject, type JsonValue, type TensorRecord } from '@sparse/experiments';

/** tfjs-core's `NamedTensor`, which its index does not re-export. */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

/** Whether it is tfjs's own Adam (`instanceof` cannot tell: tfjs optimizers answer it by duck typing). */
function isTfAdam(optimizer: tf.Optimizer): boolean {
  return optimizer.getClassName() === tf.AdamOptimizer.className;
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/**
 * An optimizer's state on the host, for a checkpoint: the iteration count and every slot variable
 * (as `getWeights` names them) plus, for tfjs's Adam, the running powers `β1^t`, `β2^t` it holds
 * (its `setWeights` recomputes them with `pow`, which can differ in the last bit from the product
 * it accumulated, so a resumed run would not be bit-identical without them).
 *
 * @example
 * ```ts
 * import type { OptimizerSnapshot } from '@sparse/delta';
 *
 * declare const snapshot: OptimizerSnapshot;
 * console.log(snapshot.state['iterations']);
 * ```
 */
export interface OptimizerSnapshot {
  readonly state: JsonObject;
  readonly tensors: Readonly<Record<string, TensorRecord>>;
}

/**
 * Reads an optimizer's complete state (see {@link OptimizerSnapshot}); `prefix` names its tensors.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { captureOptimizer } from '@sparse/delta';
 *
 * const snapshot = await captureOptimizer(tf.train.adam(1e-3), 'optimizer/');
 * ```
 */
export async function captureOptimizer(optimizer: tf.Optimizer, prefix: string): Promise<OptimizerSnapshot> {
  const [iterations, ...slots] = await optimizer.getWeights();
  try {
    const tensors: Record<string, TensorRecord> = {};
    const names: string[] = [];
    for (const [index, slot] of slots.entries()) {
      tensors[`${prefix}${index}`] = await tensorToRecord(slot.tensor);
      names.push(slot.name);
    }
    const state: Record<string, JsonValue> = { iterations: iterations === undefined ? 0 : ((await iterations.tensor.data())[0] as number), slots: names };
    if (isTfAdam(optimizer)) {
      const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
      if (accBeta1 === undefined || accBeta2 === undefined) throw new SparseError('E_INTERNAL', 'tf.train.adam no longer holds accBeta1/accBeta2; update captureOptimizer for this tfjs version.');
      state['accBeta1'] = (await accBeta1.data())[0] as number;
      state['accBeta2'] = (await accBeta2.data())[0] as number;
    }
    return { state, tensors };
  } finally {
    // getWeights makes a fresh scalar for the iteration count; the slots are the optimizer's own.
    iterations?.tensor.dispose();
  }
}

/**
 * Restores a state read by {@link captureOptimizer} into a fresh optimizer of the same kind, with
 * the same hyper-parameters and the same variable names, exactly.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { captureOptimizer, restoreOptimizer } from '@sparse/delta';
 *
 * const snapshot = await captureOptimizer(tf.train.adam(1e-3), 'o/');
 * await restoreOptimizer(tf.train.adam(1e-3), 'o/', snapshot.state, new Map(Object.entries(snapshot.tensors)));
 * ```
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, prefix: string, state: JsonValue, tensors: ReadonlyMap<string, TensorRecord>): Promise<void> {
  const saved = state as { iterations?: unknown; slots?: unknown; accBeta1?: unknown; accBeta2?: unknown };
  if (typeof saved !== 'object' || saved === null || typeof saved.iterations !== 'number' || !Array.isArray(saved.slots)) {
    throw new SparseError('E_FORMAT', 'The checkpoint holds no optimizer state.', { field: 'optimizer' });
  }
  const weights: NamedTensor[] = [{ name: 'iter', tensor: tf.scalar(saved.iterations, 'int32') }];
  try {
    (saved.slots as string[]).forEach((name, index) => {
      const record = tensors.get(`${prefix}${index}`);
      if (record === undefined) throw new SparseError('E_FORMAT', `The checkpoint lacks the optimizer slot ${name}.`, { field: 'optimizer', received: name });
      weights.push({ name, tensor: recordToTensor(record) });
    });
    await optimizer.setWeights(weights);
    if (isTfAdam(optimizer)) {
      const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
      if (typeof saved.accBeta1 !== 'number' || typeof saved.accBeta2 !== 'number' || accBeta1 === undefined || accBeta2 === undefined) {
        throw new SparseError('E_FORMAT', "The checkpoint lacks Adam's running powers of beta.", { field: 'optimizer' });
      }
      const [beta1, beta2] = [saved.accBeta1, saved.accBeta2];
      tf.tidy(() => {
        accBeta1.assign(tf.scalar(beta1));
        accBeta2.assign(tf.scalar(beta2));
      });
    }
  } finally {
    tf.dispose(weights.map((weight) => weight.tensor));
  }
}
