import * as tf from '@tensorflow/tfjs-core';
import type { NamedParameter } from '@sparse/core';
import type { GroupMember, GroupSet } from './group-layout.js';

/**
 * Where group norms and group scaling are computed:
 *
 * - `host`: each grouped tensor is downloaded once per step, norms and scaling run in JavaScript
 *   on the typed array, and the result is uploaded;
 * - `backend`: the per-index squared norms are reduced on the backend (`sum(square(·))` over the
 *   other axes), only those few numbers are downloaded, and the scaling is a broadcast multiply on
 *   the backend.
 *
 * @example
 * ```ts
 * import type { GroupCompute } from '@sparse/group-envelope';
 *
 * const compute: GroupCompute = 'backend';
 * ```
 */
export type GroupCompute = 'host' | 'backend';

/**
 * Squared group norms and in-place group scaling for resolved sets, on the host or the backend.
 * One instance serves one proximal step: `squaredNorms` first, then `scale`, then `commit`.
 *
 * @internal
 */
export class GroupData {
  private readonly buffers = new Map<NamedParameter, Float32Array>();
  private readonly dirty = new Set<NamedParameter>();

  constructor(private readonly compute: GroupCompute) {}

  /** Adds each group's squared norm to `into` (length = the set's count). */
  squaredNorms(set: GroupSet, into: Float64Array): Float64Array {
    for (const member of set.members) {
      if (this.compute === 'host') this.hostSquares(member, into);
      else this.backendSquares(member, into);
    }
    return into;
  }

  /** Multiplies group `j` of the set by `scales[j]`. */
  scale(set: GroupSet, scales: Float64Array): void {
    for (const member of set.members) {
      if (this.compute === 'host') this.hostScale(member, scales);
      else this.backendScale(member, scales);
    }
  }

  /** Uploads what the host path changed. */
  commit(): void {
    for (const parameter of this.dirty) {
      const buffer = this.buffers.get(parameter);
      if (buffer === undefined) continue;
      const fresh = tf.tensor(buffer, parameter.variable.shape, 'float32');
      parameter.variable.assign(fresh);
      fresh.dispose();
    }
    this.dirty.clear();
    this.buffers.clear();
  }

  private buffer(parameter: NamedParameter): Float32Array {
    let buffer = this.buffers.get(parameter);
    if (buffer === undefined) {
      // A copy: the cpu backend hands out its own storage.
      buffer = Float32Array.from(parameter.variable.dataSync() as Float32Array);
      this.buffers.set(parameter, buffer);
    }
    return buffer;
  }

  private hostSquares(member: GroupMember, into: Float64Array): void {
    const data = this.buffer(member.parameter);
    const { outer, axis, inner, groupOf } = member;
    let e = 0;
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        for (let a = 0; a < axis; a++, e++) {
          const g = groupOf[a] as number;
          const v = data[e] as number;
          if (g >= 0) into[g] = (into[g] as number) + v * v;
        }
      }
      return;
    }
    for (let o = 0; o < outer; o++) {
      for (let a = 0; a < axis; a++) {
        const g = groupOf[a] as number;
        let sum = 0;
        for (let i = 0; i < inner; i++, e++) {
          const v = data[e] as number;
          sum += v * v;
        }
        if (g >= 0) into[g] = (into[g] as number) + sum;
      }
    }
  }

  private hostScale(member: GroupMember, scales: Float64Array): void {
    const data = this.buffer(member.parameter);
    const { outer, axis, inner, groupOf } = member;
    let e = 0;
    for (let o = 0; o < outer; o++) {
      for (let a = 0; a < axis; a++) {
        const g = groupOf[a] as number;
        if (g < 0) {
          e += inner;
          continue;
        }
        const s = scales[g] as number;
        if (s === 1) {
          e += inner;
          continue;
        }
        for (let i = 0; i < inner; i++, e++) data[e] = (data[e] as number) * s;
      }
    }
    this.dirty.add(member.parameter);
  }

  private backendSquares(member: GroupMember, into: Float64Array): void {
    const { outer, axis, inner, groupOf } = member;
    const perIndex = tf.tidy(() => {
      const view = tf.reshape(member.parameter.variable, [outer, axis, inner]);
      return tf.sum(tf.square(view), [0, 2]);
    });
    const values = perIndex.dataSync();
    perIndex.dispose();
    for (let a = 0; a < axis; a++) {
      const g = groupOf[a] as number;
      if (g >= 0) into[g] = (into[g] as number) + (values[a] as number);
    }
  }

  private backendScale(member: GroupMember, scales: Float64Array): void {
    const { outer, axis, inner, groupOf, parameter } = member;
    const perIndex = new Float32Array(axis);
    let changes = false;
    for (let a = 0; a < axis; a++) {
      const g = groupOf[a] as number;
      const s = g >= 0 ? (scales[g] as number) : 1;
      perIndex[a] = s;
      if (s !== 1) changes = true;
    }
    if (!changes) return;
    // The factors get a shape that broadcasts to the variable's own shape, so the product is
    // created with that shape: the wasm backend keeps the shape a buffer was made with, and a
    // reshaped product would reach fused kernels (a bias) with the wrong rank.
    const { shape, values } = broadcastFactors(parameter.variable.shape, outer, axis, inner, perIndex);
    const scaled = tf.tidy(() => tf.mul(parameter.variable, tf.tensor(values, shape, 'float32')));
    parameter.variable.assign(scaled);
    scaled.dispose();
  }
}

/**
 * Factors for the view `[outer, axis, inner]` of a tensor of `shape`, as a tensor that broadcasts
 * to `shape`: the grouped axes keep their sizes, the others are 1. When the grouped axis is not a
 * run of whole axes (a conv filter's rows in a Dense kernel after Flatten), the factors cover
 * `outer·axis` and only the trailing `inner` axes broadcast.
 */
function broadcastFactors(shape: readonly number[], outer: number, axis: number, inner: number, perIndex: Float32Array): { shape: number[]; values: Float32Array } {
  let start = 0;
  let product = 1;
  while (start < shape.length && product < outer) product *= shape[start++] as number;
  let end = start;
  let span = 1;
  while (end < shape.length && span < axis) span *= shape[end++] as number;
  if (product === outer && span === axis) {
    return { shape: shape.map((size, d) => (d >= start && d < end ? size : 1)), values: perIndex };
  }
  // Not aligned: one factor per (outer, axis) index over the leading axes that hold them.
  let split = shape.length;
  let tail = 1;
  while (split > 0 && tail < inner) tail *= shape[--split] as number;
  const values = new Float32Array(outer * axis);
  for (let i = 0; i < values.length; i++) values[i] = perIndex[i % axis] as number;
  return { shape: shape.map((size, d) => (d < split ? size : 1)), values };
}

