import type { AllocationTensor } from '../contracts/allocation.js';
import type { SelectionMode } from '../contracts/selection-mode.js';
import { exactCounts } from './exact-counts.js';
import { describePool, type PoolRequest } from './pool.js';
import { thresholdCounts } from './threshold-counts.js';

export type { PoolRequest } from './pool.js';

/**
 * The selection modes, `exact` first (the default).
 *
 * @example
 * ```ts
 * import { SELECTION_MODES } from '@sparse/core';
 *
 * console.log(SELECTION_MODES.includes('tfmot')); // true
 * ```
 */
export const SELECTION_MODES: readonly SelectionMode[] = Object.freeze([
  'exact',
  'pytorch',
  'tfmot',
  'open-lth-layerwise',
  'open-lth-global',
  'google-lth',
  'percentile',
  'synflow',
]);

/**
 * Tells whether a value names a {@link SelectionMode}.
 *
 * @example
 * ```ts
 * import { isSelectionMode } from '@sparse/core';
 *
 * console.log(isSelectionMode('pytorch'), isSelectionMode('torch')); // true false
 * ```
 */
export function isSelectionMode(value: unknown): value is SelectionMode {
  return typeof value === 'string' && (SELECTION_MODES as readonly string[]).includes(value);
}

/**
 * Units to prune in each tensor of a pool under `mode`, never more than `alive − reserve` per
 * tensor (the collapse guard). Reports a warning when the guard holds back a tensor.
 */
export function poolCounts(
  mode: SelectionMode,
  tensors: readonly AllocationTensor[],
  reserve: readonly number[],
  request: PoolRequest,
  onWarning: (message: string) => void,
): number[] {
  const pool = describePool(tensors);
  const zeros = tensors.map(() => 0);
  if (pool.alive === 0 || request.sparsity <= 0) return zeros;
  const raw = mode === 'exact' ? exactCounts(pool, reserve, request) : thresholdCounts(mode, pool, request);
  return raw.map((count, t) => {
    const alive = pool.aliveByTensor[t] as number;
    const limit = Math.max(0, alive - (reserve[t] ?? 0));
    if (count > limit) {
      const tensor = tensors[t] as AllocationTensor;
      onWarning(
        `${tensor.name}: the collapse guard keeps ${alive - limit} of its ${alive} alive unit(s) instead of pruning ${count}; set allowLayerCollapse: true to allow it.`,
      );
      return limit;
    }
    return count;
  });
}

