import { echoValue } from '../runtime/options-issues.js';
import type { SelectionMode } from '../contracts/selection-mode.js';
import { SparseError } from '../errors.js';
import { type Pool, type PoolRequest, cutCounts, segmentsOf } from './pool.js';
import { countAround } from './radix-select.js';
import { keyAtRank } from './cut.js';
import { clamp, roundHalfEven, snapToInteger } from './rounding.js';
import { NEG_INF_KEY, keyAtLeast, valueOfKey } from './score-keys.js';
import type { SelectionSegment } from './selection-types.js';

/** The reference's requested count among alive units: `a·alive` (remaining) or `s·N − zeros` (total). */
function requestedAmong(pool: Pool, request: PoolRequest): number {
  if (request.basis === 'remaining') return request.sparsity * pool.alive;
  return Math.max(0, snapToInteger(request.sparsity * pool.units) - (pool.units - pool.alive));
}

/** The pool's sparsity of all units that `request` amounts to. */
function totalSparsity(pool: Pool, request: PoolRequest): number {
  if (request.basis === 'total') return request.sparsity;
  return clamp((pool.units - pool.alive + request.sparsity * pool.alive) / pool.units, 0, 1);
}

function countBelow(pool: Pool, key: number, inclusive: boolean): number[] {
  return pool.tensors.map((t) => {
    const { below, equal } = countAround({ scores: t.scores, alive: t.alive }, key);
    return inclusive ? below + equal : below;
  });
}

function everything(pool: Pool): number[] {
  return [...pool.aliveByTensor];
}

function lowestCounts(pool: Pool, count: number): number[] {
  return cutCounts(segmentsOf(pool), count);
}

/** The compatibility modes: a reference threshold over the pool's alive units. */
export function thresholdCounts(mode: Exclude<SelectionMode, 'exact'>, pool: Pool, request: PoolRequest): number[] {
  const x = requestedAmong(pool, request);
  const nothing = pool.tensors.map(() => 0);
  if (x <= 0) return nothing;
  const segments = segmentsOf(pool);
  switch (mode) {
    case 'pytorch': {
      const n = Math.min(roundHalfEven(x), pool.alive);
      return n <= 0 ? nothing : lowestCounts(pool, n);
    }
    case 'open-lth-layerwise':
    case 'open-lth-global':
    case 'google-lth': {
      const n = mode === 'google-lth' ? roundHalfEven(x) : Math.ceil(x);
      if (n >= pool.alive) return everything(pool);
      const key = keyAtRank(segments, n) as number;
      return countBelow(pool, key, mode !== 'open-lth-layerwise');
    }
    case 'tfmot': {
      const s = Math.fround(totalSparsity(pool, request));
      const product = Math.fround(Math.fround(pool.units) * Math.fround(1 - s));
      const keep = Math.min(Math.max(roundHalfEven(product), 1), pool.units);
      const rank = pool.units - keep - (pool.units - pool.alive);
      if (rank < 0) return nothing;
      return countBelow(pool, keyAtRank(segments, rank) as number, false);
    }
    case 'synflow': {
      const density = 1 - totalSparsity(pool, request);
      const k = Math.trunc((1 - density) * pool.units);
      if (k < 1) return nothing;
      const rank = k - 1 - (pool.units - pool.alive);
      return countBelow(pool, rank < 0 ? NEG_INF_KEY : (keyAtRank(segments, rank) as number), true);
    }
    case 'percentile': {
      const q = request.basis === 'remaining' ? request.sparsity : x / pool.alive;
      const threshold = percentileOfAlive(segments, pool.alive, q);
      return countBelow(pool, keyAtLeast(threshold), false);
    }
    default:
      throw new SparseError('E_INTERNAL', `Unhandled selection mode ${echoValue(mode)}.`);
  }
}

/** NumPy's `np.percentile(values, 100·q)` with the default `linear` method, over alive scores. */
function percentileOfAlive(segments: readonly SelectionSegment[], alive: number, q: number): number {
  const virtual = clamp(q, 0, 1) * (alive - 1);
  const lower = Math.floor(virtual);
  const gamma = virtual - lower;
  const a = valueOfKey(keyAtRank(segments, lower) as number);
  if (gamma === 0 || lower + 1 >= alive) return a;
  const b = valueOfKey(keyAtRank(segments, lower + 1) as number);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return gamma < 0.5 ? a : b;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
