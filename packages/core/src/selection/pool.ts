import type { AllocationTensor } from '../contracts/allocation.js';
import { countCut } from './radix-select.js';
import { findCut } from './cut.js';
import { countAlive } from './sampled-select.js';
import type { SelectionSegment } from './selection-types.js';

/** What one pool (a tensor, or every tensor of a global scope) is asked for. */
export interface PoolRequest {
  /** The target `s`, a fraction of the pool's weights (`total`) or of its alive ones (`remaining`). */
  readonly sparsity: number;
  /** What `sparsity` is a fraction of. */
  readonly basis: 'total' | 'remaining';
  /** `exact` only: the number of zero weights wanted, overriding `⌊s·N⌋` (ERK's integer budgets). */
  readonly zeros?: number;
  /** Names the pool in warnings. */
  readonly label: string;
}

/** A pool's tensors with their unit and alive counts (internal). */
export interface Pool {
  readonly tensors: readonly AllocationTensor[];
  readonly units: number;
  readonly alive: number;
  readonly aliveByTensor: readonly number[];
}

/** Counts a pool's units and alive units. */
export function describePool(tensors: readonly AllocationTensor[]): Pool {
  const aliveByTensor = tensors.map((t) => countAlive(t.alive));
  return {
    tensors,
    units: tensors.reduce((sum, t) => sum + t.alive.length, 0),
    alive: aliveByTensor.reduce((a, b) => a + b, 0),
    aliveByTensor,
  };
}

/** The pool's tensors as selection segments over their units. */
export function segmentsOf(pool: Pool): SelectionSegment[] {
  return pool.tensors.map((t) => ({ scores: t.scores, alive: t.alive }));
}

/** Per-segment counts of the pool's `count` lowest `(score, segment, index)` candidates. */
export function cutCounts(segments: readonly SelectionSegment[], count: number): number[] {
  const { cut } = findCut(segments, count);
  let ties = cut.ties;
  return segments.map((segment) => {
    const result = countCut(segment, cut, ties);
    ties = result.ties;
    return result.pruned;
  });
}
