import { echoValue, SparseError } from '@sparse/core';
import { magnitudeMasks, prunedCounts, type MagnitudeAllocation } from '../jackpots/magnitude-masks.js';

/**
 * Accuracy of a masked model, on the validation and the test split.
 *
 * @example
 * ```ts
 * import type { SplitAccuracy } from '@sparse/sparse-training';
 *
 * const accuracy: SplitAccuracy = { validation: 0.88, test: 0.87 };
 * ```
 */
export interface SplitAccuracy {
  readonly validation: number;
  readonly test: number;
}

/**
 * One point of an essential-sparsity curve.
 *
 * @example
 * ```ts
 * import type { EssentialPoint } from '@sparse/sparse-training';
 *
 * const point: EssentialPoint = { sparsity: 0.9, measuredSparsity: 0.9, layerDensity: { 'fc1/kernel': 0.1 }, validation: 0.8, test: 0.79 };
 * ```
 */
export interface EssentialPoint {
  /** The target sparsity of the pruned kernels. */
  readonly sparsity: number;
  /** Zeros / entries over the pruned kernels, as measured on the masks. */
  readonly measuredSparsity: number;
  /** Kept fraction of each kernel. */
  readonly layerDensity: Readonly<Record<string, number>>;
  readonly validation: number;
  readonly test: number;
}

/**
 * Essential sparsity (Jaiswal et al., "The Emergence of Essential Sparsity in Large Pre-trained
 * Models: The Weights that Matter", NeurIPS 2023, arXiv 2306.03805): one-shot magnitude pruning of
 * pretrained weights at each sparsity of `sparsities` (ascending), WITHOUT retraining, and the
 * accuracy of each masked model. Masks come from {@link magnitudeMasks} (exact counts), so they are
 * nested and the density falls as the sparsity rises.
 *
 * @param weights - the pretrained weights by name.
 * @param names - the kernels pruned.
 * @param evaluate - accuracy of the model with these masks on its kernels (`1` kept).
 * @throws SparseError `E_ARGUMENT` when `sparsities` is empty, not strictly ascending or outside `[0, 1]`.
 *
 * @example
 * ```ts
 * import { essentialSweep } from '@sparse/sparse-training';
 *
 * const weights = new Map([['k', Float32Array.of(0.1, 0.5, -2, 0.05)]]);
 * // a stand-in evaluation: the kept magnitude
 * const kept = (masks: ReadonlyMap<string, Uint8Array>) => [...masks.get('k')!].reduce((s, m, i) => s + m * Math.abs(weights.get('k')![i]!), 0) / 2.65;
 * const curve = await essentialSweep(weights, ['k'], [0.25, 0.5, 0.75], 'layerwise', (masks) => ({ validation: kept(masks), test: kept(masks) }));
 * console.log(curve.map((p) => [p.sparsity, p.test.toFixed(2)])); // [[0.25, '0.98'], [0.5, '0.94'], [0.75, '0.75']]
 * ```
 */
export async function essentialSweep(
  weights: ReadonlyMap<string, Float32Array>,
  names: readonly string[],
  sparsities: readonly number[],
  allocation: MagnitudeAllocation,
  evaluate: (masks: ReadonlyMap<string, Uint8Array>) => SplitAccuracy | Promise<SplitAccuracy>,
): Promise<EssentialPoint[]> {
  if (sparsities.length === 0 || sparsities.some((s, i) => !(s >= 0 && s <= 1) || (i > 0 && s <= (sparsities[i - 1] as number)))) {
    throw new SparseError('E_ARGUMENT', `essentialSweep: sparsities must be strictly ascending values in [0, 1], got ${echoValue(sparsities)}.`, { field: 'sparsities', received: sparsities, allowed: 'strictly ascending, in [0, 1]' });
  }
  const points: EssentialPoint[] = [];
  for (const sparsity of sparsities) {
    const masks = magnitudeMasks(weights, names, sparsity, allocation);
    const zeros = prunedCounts(masks);
    let total = 0;
    let pruned = 0;
    const layerDensity: Record<string, number> = {};
    for (const [name, mask] of masks) {
      const z = zeros.get(name) as number;
      total += mask.length;
      pruned += z;
      layerDensity[name] = 1 - z / mask.length;
    }
    const accuracy = await evaluate(masks);
    points.push({ sparsity, measuredSparsity: total === 0 ? 0 : pruned / total, layerDensity, validation: accuracy.validation, test: accuracy.test });
  }
  return points;
}

/**
 * Where an essential-sparsity curve drops: `essential` is the largest swept sparsity up to which
 * EVERY point stays within `tolerance` (accuracy as a fraction: 0.01 = 1 point) of the dense
 * accuracy, `null` when even the first point is below; `firstDrop` is the next swept sparsity (the
 * first one outside the tolerance), `null` when the whole sweep stays within it.
 *
 * @param curve - the sweep, ascending sparsity.
 * @param dense - the unpruned model's accuracy on the same split.
 * @param split - which accuracy to read.
 *
 * @example
 * ```ts
 * import { dropPoint } from '@sparse/sparse-training';
 *
 * const curve = [0.5, 0.7, 0.9].map((sparsity, i) => ({ sparsity, measuredSparsity: sparsity, layerDensity: {}, validation: 0, test: [0.88, 0.875, 0.6][i]! }));
 * console.log(dropPoint(curve, 0.88, 0.01, 'test')); // { essential: 0.7, accuracy: 0.875, firstDrop: 0.9, accuracyAtDrop: 0.6, tolerance: 0.01 }
 * ```
 */
export function dropPoint(curve: readonly EssentialPoint[], dense: number, tolerance: number, split: 'validation' | 'test'): DropPoint {
  let essential: EssentialPoint | undefined;
  for (const point of curve) {
    if (point[split] < dense - tolerance) return { essential: essential?.sparsity ?? null, accuracy: essential?.[split] ?? null, firstDrop: point.sparsity, accuracyAtDrop: point[split], tolerance };
    essential = point;
  }
  return { essential: essential?.sparsity ?? null, accuracy: essential?.[split] ?? null, firstDrop: null, accuracyAtDrop: null, tolerance };
}

/**
 * The drop point of an essential-sparsity curve ({@link dropPoint}).
 *
 * @example
 * ```ts
 * import type { DropPoint } from '@sparse/sparse-training';
 *
 * const none: DropPoint = { essential: 0.99, accuracy: 0.87, firstDrop: null, accuracyAtDrop: null, tolerance: 0.01 };
 * ```
 */
export interface DropPoint {
  /** The largest swept sparsity whose accuracy, and every lower one's, is within the tolerance of dense; `null` if none. */
  readonly essential: number | null;
  readonly accuracy: number | null;
  /** The first swept sparsity outside the tolerance; `null` if none. */
  readonly firstDrop: number | null;
  readonly accuracyAtDrop: number | null;
  readonly tolerance: number;
}
