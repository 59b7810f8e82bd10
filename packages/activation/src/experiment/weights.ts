import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import type { RunDirectory, TensorRecord } from '@sparse/experiments';
import type { ActivationModel } from '../models/activation-model.js';

/** A model's parameters as checkpoint tensors `param/<index>`. @internal */
export function parameterRecords(model: ActivationModel): Record<string, TensorRecord> {
  const records: Record<string, TensorRecord> = {};
  model.parameters.forEach((parameter, i) => {
    records[`param/${i}`] = { dtype: 'float32', shape: [...parameter.variable.shape], data: Float32Array.from(parameter.variable.dataSync()) };
  });
  return records;
}

/** Assigns `param/<index>` tensors to a model's parameters (same architecture). @internal */
export function assignParameters(model: ActivationModel, tensors: ReadonlyMap<string, TensorRecord>, what: string): void {
  model.parameters.forEach((parameter, i) => {
    const record = tensors.get(`param/${i}`);
    if (record === undefined || record.shape.join(',') !== parameter.variable.shape.join(',')) {
      throw new SparseError('E_FORMAT', `${what} does not hold parameter ${i} (${parameter.name}) of shape [${parameter.variable.shape.join(', ')}]; it was written for another model.`, { field: parameter.name });
    }
    const value = tf.tensor(record.data, [...record.shape], 'float32');
    parameter.variable.assign(value);
    value.dispose();
  });
}

/** The store of a model's trained weights in a run directory. @internal */
export const TRAINED_KEY = 'trained';

/** Saves the trained weights of model `id` (`models/<id>` in the run). @internal */
export async function saveTrainedWeights(run: RunDirectory, id: string, model: ActivationModel): Promise<void> {
  await run.store(`models/${id}`).save(TRAINED_KEY, { tensors: parameterRecords(model) });
}

/** Loads the trained weights of model `id` into `model`. @internal */
export async function loadTrainedWeights(run: RunDirectory, id: string, model: ActivationModel): Promise<void> {
  const checkpoint = await run.store(`models/${id}`).load(TRAINED_KEY);
  assignParameters(model, checkpoint.tensors, `The trained weights of ${id}`);
}
