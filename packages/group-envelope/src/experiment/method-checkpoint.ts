import type { Checkpoint, JsonValue, Snapshot, TensorRecord } from '@sparse/experiments';
import type { AdamState } from '@sparse/core';
import type { EpochAccuracy, NonzeroRecord, SelectionSummary } from './method-result.js';

/** Where a method's training stands at a checkpoint (the end of an epoch). */
export interface MethodProgress {
  /** `train` (before the hard selection) or `fine-tune` (after it, masks fixed). */
  readonly phase: 'train' | 'fine-tune';
  /** Epochs of this phase completed. */
  readonly epochsDone: number;
  readonly history: readonly NonzeroRecord[];
  readonly curve: readonly EpochAccuracy[];
  /** What the selection found (fine-tune phase). */
  readonly selection?: SelectionSummary;
}

/** A decoded checkpoint: the progress, the parameter values, the optimizer and the masks of the fine-tune. */
export interface MethodCheckpoint {
  readonly progress: MethodProgress;
  readonly parameters: ReadonlyMap<string, Float32Array>;
  readonly adam: AdamState;
  /** The masks of the hard selection (fine-tune phase). */
  readonly masks?: ReadonlyMap<string, { readonly shape: readonly number[]; readonly values: Float32Array }>;
}

interface Entry {
  readonly name: string;
  readonly shape: readonly number[];
}

interface StoredState {
  readonly progress: MethodProgress;
  readonly parameters: readonly Entry[];
  readonly adam: Omit<AdamState, 'moments'> & { readonly moments: readonly Entry[] };
  readonly masks?: readonly Entry[];
}

/**
 * A method's checkpoint as a run-directory snapshot: parameters (`p<i>`), Adam's moments (`m<i>`)
 * and the masks (`k<i>`) as float32 tensors, the rest as JSON (float32 and float64 values survive
 * a JSON round trip exactly).
 */
export function encodeMethodCheckpoint(checkpoint: MethodCheckpoint, shapes: ReadonlyMap<string, readonly number[]>): Snapshot {
  const tensors: Record<string, TensorRecord> = {};
  const parameters = [...checkpoint.parameters].map(([name, values], i): Entry => {
    const shape = shapes.get(name) ?? [values.length];
    tensors[`p${i}`] = { dtype: 'float32', shape, data: values };
    return { name, shape };
  });
  const moments = checkpoint.adam.moments.map(({ name, shape, values }, i): Entry => {
    tensors[`m${i}`] = { dtype: 'float32', shape, data: values };
    return { name, shape };
  });
  const masks =
    checkpoint.masks === undefined
      ? undefined
      : [...checkpoint.masks].map(([name, { shape, values }], i): Entry => {
          tensors[`k${i}`] = { dtype: 'float32', shape, data: values };
          return { name, shape };
        });
  const { iterations, accBeta1, accBeta2 } = checkpoint.adam;
  const state: StoredState = { progress: checkpoint.progress, parameters, adam: { iterations, accBeta1, accBeta2, moments }, ...(masks === undefined ? {} : { masks }) };
  return { state: state as unknown as JsonValue, tensors };
}

/** Decodes a snapshot written by {@link encodeMethodCheckpoint}. */
export function decodeMethodCheckpoint(saved: Pick<Checkpoint, 'state' | 'tensors'>): MethodCheckpoint {
  const state = saved.state as unknown as StoredState;
  const data = (key: string): Float32Array => {
    const record = saved.tensors.get(key);
    if (record === undefined || !(record.data instanceof Float32Array)) throw new Error(`checkpoint tensor ${key} is missing`);
    return record.data;
  };
  return {
    progress: state.progress,
    parameters: new Map(state.parameters.map(({ name }, i) => [name, data(`p${i}`)] as const)),
    adam: { ...state.adam, moments: state.adam.moments.map(({ name, shape }, i) => ({ name, shape, values: data(`m${i}`) })) },
    ...(state.masks === undefined ? {} : { masks: new Map(state.masks.map(({ name, shape }, i) => [name, { shape, values: data(`k${i}`) }] as const)) }),
  };
}
