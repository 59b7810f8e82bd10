import type * as tf from '@tensorflow/tfjs-core';
import { SparseError, captureAdamState, restoreAdamState } from '@sparse/core';
import type { JsonObject, TensorRecord } from '@sparse/experiments';

/** An Adam optimizer's state as checkpoint parts: scalars and moment names in `state`, moments as tensors `adam/<i>`. @internal */
export async function captureAdam(optimizer: tf.Optimizer): Promise<{ state: JsonObject; tensors: Record<string, TensorRecord> }> {
  const adam = await captureAdamState(optimizer);
  const tensors: Record<string, TensorRecord> = {};
  adam.moments.forEach((moment, i) => {
    tensors[`adam/${i}`] = { dtype: 'float32', shape: moment.shape, data: moment.values };
  });
  return { state: { iterations: adam.iterations, accBeta1: adam.accBeta1, accBeta2: adam.accBeta2, moments: adam.moments.map((moment) => moment.name) }, tensors };
}

/** Puts back what {@link captureAdam} took, bit for bit. @internal */
export async function restoreAdam(optimizer: tf.Optimizer, state: JsonObject, tensors: ReadonlyMap<string, TensorRecord>): Promise<void> {
  const names = state['moments'] as readonly string[];
  const moments = names.map((name, i) => {
    const record = tensors.get(`adam/${i}`);
    if (record === undefined || !(record.data instanceof Float32Array)) throw new SparseError('E_FORMAT', `The checkpoint lacks the Adam moment adam/${i}.`, { field: `adam/${i}` });
    return { name, shape: record.shape, values: record.data };
  });
  await restoreAdamState(optimizer, { iterations: Number(state['iterations']), accBeta1: Number(state['accBeta1']), accBeta2: Number(state['accBeta2']), moments });
}
