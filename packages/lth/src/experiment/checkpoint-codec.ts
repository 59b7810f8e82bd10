import type { AdamState } from '@sparse/core';
import type { Checkpoint, JsonValue, Snapshot, TensorRecord } from '@sparse/experiments';
import type { ParameterValues } from '../imp/parameter-values.js';
import type { EvalRecord } from '../training/early-stopping.js';
import type { RoundCheckpoint } from '../training/train-round.js';

interface RoundState {
  readonly iteration: number;
  readonly evals: readonly EvalRecord[];
  readonly parameters: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly adam: Omit<AdamState, 'moments'> & { readonly moments: readonly { readonly name: string; readonly shape: readonly number[] }[] };
}

/**
 * Encodes a training round's checkpoint as a run-directory snapshot: parameters and Adam moments
 * as float32 tensors, the iteration, evaluations and Adam scalars as JSON (exact: float32 and
 * float64 values survive a JSON round trip).
 *
 * @example
 * ```ts
 * import { encodeRoundCheckpoint, type RoundCheckpoint } from '@sparse/lth';
 *
 * declare const checkpoint: RoundCheckpoint;
 * const snapshot = encodeRoundCheckpoint(checkpoint, new Map([['fc1/kernel', [784, 300]]]));
 * ```
 */
export function encodeRoundCheckpoint(checkpoint: RoundCheckpoint, shapes: ReadonlyMap<string, readonly number[]>): Snapshot {
  const tensors: Record<string, TensorRecord> = {};
  const parameters = [...checkpoint.parameters].map(([name, values], i) => {
    const shape = shapes.get(name) ?? [values.length];
    tensors[`p${i}`] = { dtype: 'float32', shape, data: values };
    return { name, shape };
  });
  checkpoint.adam.moments.forEach((moment, i) => {
    tensors[`m${i}`] = { dtype: 'float32', shape: moment.shape, data: moment.values };
  });
  const state: RoundState = {
    iteration: checkpoint.iteration,
    evals: checkpoint.evals,
    parameters,
    adam: {
      iterations: checkpoint.adam.iterations,
      accBeta1: checkpoint.adam.accBeta1,
      accBeta2: checkpoint.adam.accBeta2,
      moments: checkpoint.adam.moments.map(({ name, shape }) => ({ name, shape })),
    },
  };
  return { state: state as unknown as JsonValue, tensors };
}

/**
 * Decodes a snapshot written by {@link encodeRoundCheckpoint}.
 *
 * @example
 * ```ts
 * import { decodeRoundCheckpoint } from '@sparse/lth';
 * import type { Checkpoint } from '@sparse/experiments';
 *
 * declare const saved: Checkpoint;
 * const checkpoint = decodeRoundCheckpoint(saved);
 * console.log(checkpoint.iteration);
 * ```
 */
export function decodeRoundCheckpoint(saved: Pick<Checkpoint, 'state' | 'tensors'>): RoundCheckpoint {
  const state = saved.state as unknown as RoundState;
  const data = (key: string): Float32Array => {
    const record = saved.tensors.get(key);
    if (record === undefined || !(record.data instanceof Float32Array)) throw new Error(`checkpoint tensor ${key} is missing`);
    return record.data;
  };
  const parameters: ParameterValues = new Map(state.parameters.map(({ name }, i) => [name, data(`p${i}`)] as const));
  return {
    iteration: state.iteration,
    evals: state.evals,
    parameters,
    adam: {
      iterations: state.adam.iterations,
      accBeta1: state.adam.accBeta1,
      accBeta2: state.adam.accBeta2,
      moments: state.adam.moments.map(({ name, shape }, i) => ({ name, shape, values: data(`m${i}`) })),
    },
  };
}

/**
 * Parameter values as a snapshot (θk, trained weights).
 *
 * @example
 * ```ts
 * import { valuesToSnapshot } from '@sparse/lth';
 *
 * const snapshot = valuesToSnapshot(new Map([['w', new Float32Array(4)]]), new Map([['w', [2, 2]]]));
 * ```
 */
export function valuesToSnapshot(values: ParameterValues, shapes: ReadonlyMap<string, readonly number[]>): Snapshot {
  const tensors: Record<string, TensorRecord> = {};
  const names = [...values.keys()];
  names.forEach((name, i) => {
    const data = values.get(name) as Float32Array;
    tensors[`p${i}`] = { dtype: 'float32', shape: shapes.get(name) ?? [data.length], data };
  });
  return { state: { names }, tensors };
}

/**
 * The inverse of {@link valuesToSnapshot}.
 *
 * @example
 * ```ts
 * import { snapshotToValues } from '@sparse/lth';
 * import type { Checkpoint } from '@sparse/experiments';
 *
 * declare const saved: Checkpoint;
 * const theta = snapshotToValues(saved);
 * ```
 */
export function snapshotToValues(saved: Pick<Checkpoint, 'state' | 'tensors'>): Map<string, Float32Array> {
  const { names } = saved.state as { names: string[] };
  return new Map(names.map((name, i) => [name, saved.tensors.get(`p${i}`)?.data as Float32Array] as const));
}
