import type { AllocationTensor } from '../contracts/allocation.js';
import { type Pool, type PoolRequest, cutCounts, segmentsOf } from './pool.js';
import { NEG_INF_KEY } from './score-keys.js';
import { floorCount } from './rounding.js';
import { pruneLowest } from './select.js';
import type { SelectionSegment } from './selection-types.js';

function uniformUnitWeights(tensors: readonly AllocationTensor[]): number | undefined {
  let value: number | undefined;
  for (const t of tensors) {
    if (typeof t.unitWeights !== 'number') return undefined;
    if (value !== undefined && value !== t.unitWeights) return undefined;
    value = t.unitWeights;
  }
  return value;
}

/** `exact`: the lowest `(score, tensor order, index)` candidates whose weights fit the budget. */
export function exactCounts(pool: Pool, reserve: readonly number[], request: PoolRequest): number[] {
  const weights = pool.tensors.reduce((sum, t) => sum + t.weights, 0);
  const alive = pool.tensors.reduce((sum, t) => sum + t.aliveWeights, 0);
  const need =
    request.basis === 'remaining'
      ? floorCount(request.sparsity * alive)
      : (request.zeros ?? floorCount(request.sparsity * weights)) - (weights - alive);
  if (need <= 0) return pool.tensors.map(() => 0);
  const unit = uniformUnitWeights(pool.tensors);
  // One tensor: the guard's clamp in poolCounts is all the reservation needed.
  if (unit !== undefined && unit > 0 && pool.tensors.length === 1) return [Math.floor(need / unit)];

  const rank = (segments: readonly SelectionSegment[]): number[] =>
    unit !== undefined && unit > 0 ? cutCounts(segments, Math.floor(need / unit)) : sortedPrefixCounts(pool, segments, need);
  const plain = segmentsOf(pool);
  const counts = rank(plain);
  const limit = (index: number): number => (pool.aliveByTensor[index] as number) - Math.min(reserve[index] ?? 0, pool.aliveByTensor[index] as number);
  if (counts.every((count, index) => count <= limit(index))) return counts;

  // The ranking would empty a tensor the guard protects: take its best units out of the pool and
  // rank again, so that the budget is met by the other tensors.
  const candidates: SelectionSegment[] = pool.tensors.map((t, index) => {
    const keepAtLeast = (pool.aliveByTensor[index] as number) - limit(index);
    if (keepAtLeast === 0) return { scores: t.scores, alive: t.alive };
    const reserved = pruneLowest(t.scores, t.alive, limit(index));
    const flags = new Uint8Array(t.alive.length);
    for (let i = 0; i < flags.length; i++) flags[i] = (t.alive[i] as number) & ((reserved[i] as number) ^ 1);
    return { scores: t.scores, alive: flags };
  });
  return rank(candidates);
}

/** Units of unequal weight: walk the `(score, tensor, index)` order while the weights fit. */
function sortedPrefixCounts(pool: Pool, candidates: readonly SelectionSegment[], need: number): number[] {
  const entries: { key: number; tensor: number; index: number; weight: number }[] = [];
  const keys = new Float32Array(1);
  const bits = new Int32Array(keys.buffer);
  for (const [t, segment] of candidates.entries()) {
    const unitWeights = (pool.tensors[t] as AllocationTensor).unitWeights;
    for (let i = 0; i < segment.alive.length; i++) {
      if (segment.alive[i] === 0) continue;
      keys[0] = segment.scores[i] as number;
      const b = bits[0] as number;
      let key = b ^ ((b >> 31) & 0x7fffffff);
      if (key === -1) key = 0;
      else if (key > 0x7f800000 || key < NEG_INF_KEY) key = NEG_INF_KEY;
      const weight = typeof unitWeights === 'number' ? unitWeights : (unitWeights[i] as number);
      entries.push({ key, tensor: t, index: i, weight });
    }
  }
  entries.sort((a, b) => a.key - b.key || a.tensor - b.tensor || a.index - b.index);
  const counts = pool.tensors.map(() => 0);
  let used = 0;
  for (const entry of entries) {
    if (used + entry.weight > need) break;
    used += entry.weight;
    counts[entry.tensor] = (counts[entry.tensor] as number) + 1;
  }
  return counts;
}
