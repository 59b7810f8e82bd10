import { echoValue } from '../runtime/options-issues.js';
import type { Allocation, AllocationInput, AllocationTensor, Allocator, CollapseGuard } from '../contracts/allocation.js';
import type { SparsityScope } from '../contracts/sparsity-target.js';
import { SparseError } from '../errors.js';
import { poolCounts, type PoolRequest } from '../selection/modes.js';
import { erkDensities } from './erk.js';
import { validateSparsityTarget } from './validate-target.js';

/**
 * The number of units the collapse guard keeps in a tensor: 0 when `allowLayerCollapse`, else
 * `max(1, ⌈minDensity · units⌉)`.
 *
 * @example
 * ```ts
 * import { collapseReserve } from '@sparse/core';
 *
 * console.log(collapseReserve(1000, {})); // 1
 * console.log(collapseReserve(1000, { minDensity: 0.01 })); // 10
 * console.log(collapseReserve(1000, { allowLayerCollapse: true })); // 0
 * ```
 */
export function collapseReserve(units: number, guard: CollapseGuard): number {
  if (guard.allowLayerCollapse === true) return 0;
  const minDensity = guard.minDensity ?? 0;
  return Math.max(1, Math.ceil(minDensity * units - 1e-9));
}

interface PlannedPool {
  readonly tensors: readonly AllocationTensor[];
  readonly request: PoolRequest;
}

function run(input: AllocationInput, pools: readonly PlannedPool[], targets: Map<string, number>): Allocation {
  const prune = new Map<string, number>(input.tensors.map((t) => [t.name, 0]));
  for (const pool of pools) {
    const reserve = pool.tensors.map((t) => collapseReserve(t.alive.length, input.guard));
    const counts = poolCounts(input.mode, pool.tensors, reserve, pool.request, input.onWarning);
    pool.tensors.forEach((t, index) => prune.set(t.name, counts[index] as number));
  }
  return { prune, targets };
}

function prepare(input: AllocationInput): { basis: 'total' | 'remaining'; custom: Readonly<Record<string, number>> } {
  validateSparsityTarget(
    input.target,
    input.tensors.map((t) => t.name),
  );
  return { basis: input.target.basis ?? 'total', custom: input.target.perParameter ?? {} };
}

function single(tensor: AllocationTensor, sparsity: number, basis: 'total' | 'remaining'): PlannedPool {
  return { tensors: [tensor], request: { sparsity, basis, label: tensor.name } };
}

/**
 * `layerwise`: every tensor reaches the target on its own (`perParameter` overrides it).
 *
 * @example
 * ```ts
 * import { layerwiseAllocator, type AllocationTensor } from '@sparse/core';
 *
 * declare const tensors: AllocationTensor[];
 * const { prune } = layerwiseAllocator.allocate({
 *   tensors,
 *   target: { sparsity: 0.8, scope: 'layerwise', perParameter: { 'fc3/kernel': 0.4 } },
 *   mode: 'exact',
 *   guard: {},
 *   onWarning: console.warn,
 * });
 * ```
 */
export const layerwiseAllocator: Allocator = Object.freeze({
  name: 'layerwise',
  allocate(input: AllocationInput): Allocation {
    const { basis, custom } = prepare(input);
    const targets = new Map<string, number>();
    const pools = input.tensors.map((t) => {
      const sparsity = custom[t.name] ?? input.target.sparsity;
      targets.set(t.name, sparsity);
      return single(t, sparsity, basis);
    });
    return run(input, pools, targets);
  },
});

/**
 * `global`: one ranking over the alive units of every tensor not named in `perParameter`, exact
 * count, ties broken by (tensor order, flat index); named tensors are pruned on their own.
 *
 * @example
 * ```ts
 * import { globalAllocator, type AllocationTensor } from '@sparse/core';
 *
 * declare const tensors: AllocationTensor[];
 * const { prune } = globalAllocator.allocate({
 *   tensors,
 *   target: { sparsity: 0.9, scope: 'global' },
 *   mode: 'exact',
 *   guard: { minDensity: 0.01 },
 *   onWarning: console.warn,
 * });
 * ```
 */
export const globalAllocator: Allocator = Object.freeze({
  name: 'global',
  allocate(input: AllocationInput): Allocation {
    const { basis, custom } = prepare(input);
    const targets = new Map<string, number>();
    const pooled: AllocationTensor[] = [];
    const pools: PlannedPool[] = [];
    for (const t of input.tensors) {
      const fixed = custom[t.name];
      if (fixed === undefined) pooled.push(t);
      else pools.push(single(t, fixed, basis));
      targets.set(t.name, fixed ?? input.target.sparsity);
    }
    if (pooled.length > 0) {
      pools.push({ tensors: pooled, request: { sparsity: input.target.sparsity, basis, label: 'the global pool' } });
    }
    return run(input, pools, targets);
  },
});

/**
 * `erk`: per-tensor sparsities from {@link erkDensities} (power scale `target.erkPowerScale`,
 * `perParameter` excluded from the solve). In `exact` mode each tensor's zero count comes from
 * the largest-remainder integer budgets, so the kept total equals `Σ (N − ⌊s·N⌋)` exactly.
 *
 * @example
 * ```ts
 * import { erkAllocator, type AllocationTensor } from '@sparse/core';
 *
 * declare const tensors: AllocationTensor[];
 * const { targets } = erkAllocator.allocate({
 *   tensors,
 *   target: { sparsity: 0.95, scope: 'erk', erkPowerScale: 1 },
 *   mode: 'exact',
 *   guard: {},
 *   onWarning: console.warn,
 * });
 * ```
 */
export const erkAllocator: Allocator = Object.freeze({
  name: 'erk',
  allocate(input: AllocationInput): Allocation {
    const { basis, custom } = prepare(input);
    const erk = erkDensities(input.tensors, input.target.sparsity, {
      custom,
      ...(input.target.erkPowerScale === undefined ? {} : { powerScale: input.target.erkPowerScale }),
    });
    const targets = new Map<string, number>();
    const pools = input.tensors.map((t) => {
      const fixed = custom[t.name];
      const sparsity = fixed ?? 1 - (erk.densities.get(t.name) as number);
      targets.set(t.name, sparsity);
      const kept = erk.kept.get(t.name);
      if (fixed !== undefined || kept === undefined) return single(t, sparsity, basis);
      const request: PoolRequest = { sparsity, basis, zeros: t.weights - kept, label: t.name };
      return { tensors: [t], request };
    });
    return run(input, pools, targets);
  },
});

/**
 * `custom`: only the tensors named in `perParameter` are pruned, each to its own sparsity;
 * the others keep their masks.
 *
 * @example
 * ```ts
 * import { customAllocator, type AllocationTensor } from '@sparse/core';
 *
 * declare const tensors: AllocationTensor[];
 * const { prune } = customAllocator.allocate({
 *   tensors,
 *   target: { sparsity: 0, scope: 'custom', perParameter: { 'fc1/kernel': 0.9, 'fc2/kernel': 0.5 } },
 *   mode: 'exact',
 *   guard: {},
 *   onWarning: console.warn,
 * });
 * ```
 */
export const customAllocator: Allocator = Object.freeze({
  name: 'custom',
  allocate(input: AllocationInput): Allocation {
    const { basis, custom } = prepare(input);
    const targets = new Map<string, number>();
    const pools: PlannedPool[] = [];
    for (const t of input.tensors) {
      const sparsity = custom[t.name];
      if (sparsity === undefined) continue;
      targets.set(t.name, sparsity);
      pools.push(single(t, sparsity, basis));
    }
    return run(input, pools, targets);
  },
});

/**
 * Core's allocators by name (= the target scope that selects them): the one table the toolkit
 * plugin registers (as `Allocations`) and {@link allocatorFor} reads.
 *
 * @example
 * ```ts
 * import { BUILT_IN_ALLOCATORS } from '@sparse/core';
 *
 * console.log(Object.keys(BUILT_IN_ALLOCATORS)); // ['layerwise', 'global', 'erk', 'custom']
 * ```
 */
export const BUILT_IN_ALLOCATORS: Readonly<Record<SparsityScope, Allocator>> = Object.freeze({
  layerwise: layerwiseAllocator,
  global: globalAllocator,
  erk: erkAllocator,
  custom: customAllocator,
});

/**
 * The built-in allocator of a scope.
 *
 * @throws SparseError `E_CONFIG` for an unknown scope.
 *
 * @example
 * ```ts
 * import { allocatorFor } from '@sparse/core';
 *
 * console.log(allocatorFor('erk').name); // 'erk'
 * ```
 */
export function allocatorFor(scope: SparsityScope): Allocator {
  const allocator = (BUILT_IN_ALLOCATORS as Record<string, Allocator | undefined>)[scope];
  if (allocator === undefined) {
    const allowed = Object.keys(BUILT_IN_ALLOCATORS);
    throw new SparseError('E_CONFIG', `target.scope must be one of ${allowed.join(', ')}; got ${echoValue(scope)}.`, {
      field: 'target.scope',
      received: scope,
      allowed,
    });
  }
  return allocator;
}
