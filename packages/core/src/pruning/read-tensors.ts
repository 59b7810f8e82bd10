import type { Tensor } from '@tensorflow/tfjs-core';
import type { MaskSet, ScoreSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { PatternTensor } from '../contracts/pattern.js';
import { SparseError } from '../errors.js';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Reads a mask onto the CPU as alive flags, checking its shape and that it is binary (internal).
 *
 * @throws SparseError `E_ARGUMENT` for a shape mismatch or a value other than 0 and 1.
 */
export function readAlive(parameter: NamedParameter, mask: Tensor | undefined, field = 'masks'): Uint8Array {
  const size = parameter.variable.size;
  if (mask === undefined) return new Uint8Array(size).fill(1);
  if (!sameShape(mask.shape, parameter.variable.shape)) {
    throw new SparseError(
      'E_ARGUMENT',
      `The mask of '${parameter.name}' has shape ${shapeText(mask.shape)}, but the parameter has shape ${shapeText(parameter.variable.shape)}.`,
      { field: `${field}.${parameter.name}`, received: mask.shape, allowed: [parameter.variable.shape] },
    );
  }
  const values = mask.dataSync();
  const alive = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const v = values[i] as number;
    if (v === 1) alive[i] = 1;
    else if (v !== 0) {
      throw new SparseError(
        'E_ARGUMENT',
        `The mask of '${parameter.name}' must hold only 0 and 1; element ${i} is ${v}.`,
        { field: `${field}.${parameter.name}`, received: v, allowed: [0, 1] },
      );
    }
  }
  return alive;
}

/**
 * Reads a parameter's scores onto the CPU as float32, checking that they exist and have its shape.
 *
 * @throws SparseError `E_ARGUMENT` when the scores are missing or the shapes differ.
 */
export function readScores(parameter: NamedParameter, scores: ScoreSet): Float32Array {
  const tensor = scores.get(parameter.name);
  if (tensor === undefined) {
    throw new SparseError(
      'E_ARGUMENT',
      `No scores for '${parameter.name}'; the scorer must score every pruned parameter (got scores for: ${[...scores.keys()].join(', ') || 'none'}).`,
      { field: `scores.${parameter.name}`, allowed: [...scores.keys()] },
    );
  }
  if (!sameShape(tensor.shape, parameter.variable.shape)) {
    throw new SparseError(
      'E_ARGUMENT',
      `The scores of '${parameter.name}' have shape ${shapeText(tensor.shape)}, but the parameter has shape ${shapeText(parameter.variable.shape)}.`,
      { field: `scores.${parameter.name}`, received: tensor.shape, allowed: [parameter.variable.shape] },
    );
  }
  const data = tensor.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/** Reads every parameter's scores and alive flags, checking names are unique. */
export function readPatternTensors(
  parameters: readonly NamedParameter[],
  scores: ScoreSet,
  masks: MaskSet,
): PatternTensor[] {
  const seen = new Set<string>();
  for (const p of parameters) {
    if (typeof p?.name !== 'string' || p.variable === undefined) {
      throw new SparseError('E_ARGUMENT', 'Every parameter must be { name, role, variable }.', { field: 'parameters', received: p });
    }
    if (seen.has(p.name)) {
      throw new SparseError('E_ARGUMENT', `Parameter name '${p.name}' appears twice; names must be unique.`, {
        field: 'parameters',
        received: p.name,
      });
    }
    seen.add(p.name);
  }
  return parameters.map((p) => ({
    name: p.name,
    role: p.role,
    shape: p.variable.shape,
    scores: readScores(p, scores),
    alive: readAlive(p, masks.get(p.name)),
  }));
}

/** Number of NaN scores among alive elements. */
export function countNaNAlive(scores: Float32Array, alive: Uint8Array): number {
  let nan = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s !== s) nan += alive[i] as number;
  }
  return nan;
}
