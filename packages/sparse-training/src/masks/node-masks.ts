import { Random, SparseError, deriveSeed, floorCount, type ErkTensor } from '@sparse/core';

/**
 * Random node masks of an MLP and what they keep.
 *
 * @example
 * ```ts
 * import type { NodeMasks } from '@sparse/sparse-training';
 *
 * declare const nodes: NodeMasks;
 * console.log(nodes.units, nodes.kept); // hidden units kept per hidden layer, kernel weights kept
 * ```
 */
export interface NodeMasks {
  /** `0`/`1` kernel masks by name (flat, row-major `[inputs, outputs]`). */
  readonly masks: Map<string, Float32Array>;
  /** Hidden units kept, one count per hidden layer (input first). */
  readonly units: readonly number[];
  /** Kernel weights kept over all kernels. */
  readonly kept: number;
}

function keptWeights(kernels: readonly ErkTensor[], hidden: readonly number[]): number {
  let total = 0;
  kernels.forEach((kernel, l) => {
    const inputs = l === 0 ? (kernel.shape[0] as number) : (hidden[l - 1] as number);
    const outputs = l === kernels.length - 1 ? (kernel.shape[1] as number) : (hidden[l] as number);
    total += inputs * outputs;
  });
  return total;
}

/**
 * Random node masks (whole hidden units removed, the "node masks" of random architecture
 * search) of a dense MLP's kernels at about an overall kernel sparsity `sparsity`: every hidden
 * layer keeps the same fraction `q` of its units (at least one), `q` solved by bisection so the
 * weights kept (`Σ units_in · units_out`, inputs and classes never removed) come as close as
 * possible to the uniform budget `Σ (N − ⌊s·N⌋)` without exceeding it by rounding up. Which
 * units stay is a seeded draw per layer (`deriveSeed(seed, purpose, '<kernel>/units')`). Removing
 * a unit zeroes its kernel column and the next kernel's row. The sparsity is therefore not exact
 * (whole units): measure it from the masks (`kept`).
 *
 * @param kernels - the MLP's kernels, input first, each `[inputs, outputs]`, chained.
 * @param sparsity - the overall target in `[0, 1)`.
 * @param seed - the run's seed.
 * @param purpose - the draw's purpose (default `node-mask`).
 * @throws SparseError `E_ARGUMENT` for kernels that are not a chain of 2-D shapes or a sparsity out of range.
 *
 * @example
 * ```ts
 * import { randomNodeMasks } from '@sparse/sparse-training';
 *
 * const kernels = [{ name: 'fc1/kernel', shape: [784, 300] }, { name: 'fc2/kernel', shape: [300, 100] }, { name: 'fc3/kernel', shape: [100, 10] }];
 * const { units, kept } = randomNodeMasks(kernels, 0.9, 1);
 * console.log(units, 1 - kept / 266200); // about 10% of the hidden units, sparsity about 0.9
 * ```
 */
export function randomNodeMasks(kernels: readonly ErkTensor[], sparsity: number, seed: number, purpose = 'node-mask'): NodeMasks {
  kernels.forEach((kernel, l) => {
    const previous = kernels[l - 1];
    if (kernel.shape.length !== 2 || (previous !== undefined && previous.shape[1] !== kernel.shape[0])) {
      throw new SparseError('E_ARGUMENT', `randomNodeMasks: kernels must be 2-D and chained ([a, b] then [b, c]); '${kernel.name}' has shape [${kernel.shape.join(', ')}].`, { field: kernel.name, received: kernel.shape });
    }
  });
  if (!Number.isFinite(sparsity) || sparsity < 0 || sparsity >= 1) {
    throw new SparseError('E_ARGUMENT', `randomNodeMasks: sparsity must be in [0, 1), got ${String(sparsity)}.`, { field: 'sparsity', received: sparsity, allowed: '[0, 1)' });
  }
  const widths = kernels.slice(0, -1).map((kernel) => kernel.shape[1] as number);
  const budget = kernels.reduce((sum, kernel) => {
    const n = (kernel.shape[0] as number) * (kernel.shape[1] as number);
    return sum + n - floorCount(sparsity * n);
  }, 0);
  const unitsAt = (q: number): number[] => widths.map((width) => Math.min(width, Math.max(1, Math.round(q * width))));
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i += 1) {
    const mid = (lo + hi) / 2;
    if (keptWeights(kernels, unitsAt(mid)) <= budget) lo = mid;
    else hi = mid;
  }
  const units = unitsAt(lo);
  const keptUnits = widths.map((width, l) => {
    const order = new Random(deriveSeed(seed, purpose, `${(kernels[l] as ErkTensor).name}/units`)).shuffle(Int32Array.from({ length: width }, (_, i) => i));
    const on = new Uint8Array(width);
    for (let i = 0; i < (units[l] as number); i += 1) on[order[i] as number] = 1;
    return on;
  });
  const masks = new Map<string, Float32Array>();
  kernels.forEach((kernel, l) => {
    const [inputs, outputs] = kernel.shape as [number, number];
    const rows = keptUnits[l - 1];
    const cols = keptUnits[l];
    const mask = new Float32Array(inputs * outputs);
    for (let i = 0; i < inputs; i += 1) {
      if (rows !== undefined && rows[i] === 0) continue;
      for (let j = 0; j < outputs; j += 1) if (cols === undefined || cols[j] === 1) mask[i * outputs + j] = 1;
    }
    masks.set(kernel.name, mask);
  });
  return { masks, units, kept: keptWeights(kernels, units) };
}
