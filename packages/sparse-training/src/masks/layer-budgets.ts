import { echoValue, SparseError, erkDensities, floorCount, type ErkTensor } from '@sparse/core';

/**
 * How an overall kernel sparsity is spread over the layers: `erk` (Erdős–Rényi-Kernel, RigL's
 * default: small layers denser) or `uniform` (every layer at the same sparsity).
 *
 * @example
 * ```ts
 * import type { DensityDistribution } from '@sparse/sparse-training';
 *
 * const distribution: DensityDistribution = 'erk';
 * ```
 */
export type DensityDistribution = 'erk' | 'uniform';

/**
 * One prunable tensor's share of a sparsity budget: its exact number of kept (nonzero) entries.
 *
 * @example
 * ```ts
 * import type { LayerBudget } from '@sparse/sparse-training';
 *
 * const budget: LayerBudget = { name: 'fc1/kernel', shape: [784, 300], size: 235200, kept: 23520, density: 0.1 };
 * ```
 */
export interface LayerBudget {
  /** The parameter name (`fc1/kernel`). */
  readonly name: string;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Its number of entries. */
  readonly size: number;
  /** Entries kept (mask 1), an integer in `[0, size]`. */
  readonly kept: number;
  /** `kept / size`. */
  readonly density: number;
}

/**
 * Options of {@link layerBudgets}.
 *
 * @example
 * ```ts
 * import type { LayerBudgetOptions } from '@sparse/sparse-training';
 *
 * const options: LayerBudgetOptions = { distribution: 'uniform', denseFirstLayer: true };
 * ```
 */
export interface LayerBudgetOptions {
  /** `erk` (default) or `uniform`. */
  readonly distribution?: DensityDistribution;
  /**
   * With `uniform`: keep the first tensor dense (as the RigL paper does for its uniform baseline)
   * and take its share of the zeros from the other tensors, so the overall budget is unchanged.
   * Ignored by `erk` (which decides itself). Default `false`.
   */
  readonly denseFirstLayer?: boolean;
}

function checkSparsity(sparsity: number): void {
  if (!Number.isFinite(sparsity) || sparsity < 0 || sparsity >= 1) {
    throw new SparseError('E_CONFIG', `sparsity must be a number in [0, 1), got ${String(sparsity)}.`, { field: 'sparsity', received: sparsity, allowed: '[0, 1)' });
  }
}

/** Hands `total` units to tensors in proportion to `sizes` (floors, then largest remainder, earlier tensor on ties), capped by each size. */
function proportional(total: number, sizes: readonly number[]): number[] {
  const all = sizes.reduce((a, b) => a + b, 0);
  const real = sizes.map((size) => (all === 0 ? 0 : (total * size) / all));
  const counts = real.map((value, i) => Math.min(sizes[i] as number, floorCount(value)));
  let remaining = total - counts.reduce((a, b) => a + b, 0);
  const order = real.map((value, index) => ({ index, fraction: value - (counts[index] as number) })).sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (remaining <= 0) break;
    if ((counts[index] as number) < (sizes[index] as number)) {
      counts[index] = (counts[index] as number) + 1;
      remaining -= 1;
    }
  }
  return counts;
}

/**
 * The exact number of entries each prunable tensor keeps for an overall sparsity `sparsity` of
 * the tensors together. The total budget is the uniform one, `Σ (N_l − ⌊s·N_l⌋)` (RigL's
 * `get_n_zeros` per layer), for every distribution:
 *
 * - `uniform`: each tensor keeps `N_l − ⌊s·N_l⌋`. With `denseFirstLayer`, the first tensor keeps
 *   all its entries and its `⌊s·N_1⌋` zeros are spread over the others in proportion to their
 *   sizes (largest remainder), so the overall sparsity is still `s` (RigL's code instead keeps the
 *   others at `s` and the network ends up denser; we keep the budget so methods compare at equal
 *   parameter counts). Refused (`E_CONFIG`) when the others cannot hold those zeros: for
 *   LeNet-300-100, whose first kernel holds 88% of the weights, above about 11.6% sparsity, so
 *   the option is meant for networks with a small first layer (convnets), as in the RigL paper.
 * - `erk`: core's {@link erkDensities} (spec E.3), whose `kept` counts already sum to the budget.
 *
 * @param tensors - the prunable tensors (kernels), in a stable order, input first.
 * @param sparsity - the overall target in `[0, 1)`.
 * @throws SparseError `E_CONFIG` for a sparsity out of range or an impossible `denseFirstLayer`.
 *
 * @example
 * ```ts
 * import { layerBudgets } from '@sparse/sparse-training';
 *
 * const tensors = [
 *   { name: 'fc1/kernel', shape: [784, 300] },
 *   { name: 'fc2/kernel', shape: [300, 100] },
 *   { name: 'fc3/kernel', shape: [100, 10] },
 * ];
 * for (const layer of layerBudgets(tensors, 0.9, { distribution: 'erk' })) console.log(layer.name, layer.density.toFixed(3));
 * ```
 */
export function layerBudgets(tensors: readonly ErkTensor[], sparsity: number, options: LayerBudgetOptions = {}): LayerBudget[] {
  checkSparsity(sparsity);
  const distribution = options.distribution ?? 'erk';
  const sizes = tensors.map((t) => t.shape.reduce((a, b) => a * b, 1));
  let kept: number[];
  if (distribution === 'erk') {
    const result = erkDensities(tensors, sparsity);
    kept = tensors.map((t) => result.kept.get(t.name) as number);
  } else if (distribution === 'uniform') {
    kept = sizes.map((size) => size - floorCount(sparsity * size));
    if (options.denseFirstLayer === true && tensors.length > 1) {
      const zeros = sizes.reduce((sum, size) => sum + floorCount(sparsity * size), 0);
      const rest = sizes.slice(1);
      const capacity = rest.reduce((a, b) => a + b, 0);
      if (zeros > capacity) {
        throw new SparseError('E_CONFIG', `denseFirstLayer: the other tensors hold ${capacity} entries, fewer than the ${zeros} zeros a sparsity of ${sparsity} needs; lower the sparsity or set denseFirstLayer to false.`, {
          field: 'denseFirstLayer',
          received: true,
          allowed: [false],
        });
      }
      const restZeros = proportional(zeros, rest);
      kept = [sizes[0] as number, ...rest.map((size, i) => size - (restZeros[i] as number))];
    }
  } else {
    throw new SparseError('E_CONFIG', `distribution must be 'erk' or 'uniform', got ${echoValue(distribution)}.`, { field: 'distribution', received: distribution, allowed: ['erk', 'uniform'] });
  }
  return tensors.map((t, i) => {
    const size = sizes[i] as number;
    const k = kept[i] as number;
    return { name: t.name, shape: [...t.shape], size, kept: k, density: size === 0 ? 1 : k / size };
  });
}
