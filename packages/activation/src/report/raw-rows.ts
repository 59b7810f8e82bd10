import type { JsonObject, JsonValue } from '@sparse/experiments';
import { unitIds, type ModelPlan } from '../experiment/plan.js';
import type { SiteDistribution } from '../experiment/distribution.js';

/**
 * What every raw row has: the unit, its replicate's seed, the model, the kind of unit, the engine and backend.
 *
 * @example
 * ```ts
 * import type { ActivationRowBase } from '@sparse/activation';
 *
 * const base: ActivationRowBase = { unit: 'seed-0/gated-mlp/train', seed: 0, model: 'gated-mlp', architecture: 'gated-mlp', engine: 'stock', backend: 'wasm' };
 * ```
 */
export interface ActivationRowBase {
  readonly unit: string;
  readonly seed: number;
  /** The model's id in the config (`gated-mlp`, `relu-1024`). */
  readonly model: string;
  /** The registered architecture (`gated-mlp`, `vit`, `relu-mlp`). */
  readonly architecture: string;
  /** The training engine of dense training and fine-tuning: `stock` (core's train loop: tf.js gradients and Adam on the backend). */
  readonly engine: string;
  readonly backend: string;
}

/**
 * A level's realized sparsity at one site, as a raw row records it.
 *
 * @example
 * ```ts
 * import type { RowSiteSparsity } from '@sparse/activation';
 *
 * const site: RowSiteSparsity = { site: 'block0/gate', sparsity: 0.5 };
 * ```
 */
export interface RowSiteSparsity {
  readonly site: string;
  readonly sparsity: number;
}

/**
 * One line of an `activation` run's `results.jsonl`: one unit of one replicate, by `kind`.
 * - `train`: dense training (test accuracy per epoch, nonzero fractions when tracked), the dense
 *   accuracy, the distribution of every site's pre-threshold activation on the calibration images,
 *   and which images the replicate used;
 * - `sparsify`: one sparsifier at one level: test accuracy, realized sparsity per site (test and
 *   calibration images), block errors, skippable FLOPs;
 * - `relu-swap`, `fine-tune`, `timing` (wall-clock forward times, dense vs thresholded).
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import type { ActivationRow } from '@sparse/activation';
 *
 * const { rows } = await readResultsData<ActivationRow>('docs/results/data/activation', 'activation-full');
 * const cats = rows.filter((row) => row.kind === 'sparsify' && row.method === 'CATS');
 * console.log(cats.map((row) => row.kind === 'sparsify' && row.accuracy));
 * ```
 */
export type ActivationRow =
  | (ActivationRowBase & {
      readonly kind: 'train';
      readonly epochs: number;
      readonly learningRate: number;
      readonly history: readonly { readonly epoch: number; readonly accuracy: number; readonly testNonzero?: number; readonly trainNonzero?: number | null }[];
      readonly denseAccuracy: number;
      readonly flopsPerExample: number;
      readonly sites: readonly { readonly name: string; readonly kind: string; readonly block: string; readonly width: number }[];
      readonly naturalSparsity: readonly RowSiteSparsity[];
      readonly distributions: readonly SiteDistribution[];
      readonly images: { readonly train: number; readonly validation: number; readonly calibration: number; readonly probe: number; readonly test: number; readonly validationSha256: string; readonly calibrationSha256: string };
    })
  | (ActivationRowBase & {
      readonly kind: 'sparsify';
      readonly method: string;
      readonly sparsifier: string;
      readonly level: { readonly target: number } | { readonly k: number };
      readonly levelLabel: string;
      readonly target: number;
      readonly accuracy: number;
      readonly drop: number;
      readonly testSparsity: readonly RowSiteSparsity[];
      readonly calibrationSparsity: readonly RowSiteSparsity[];
      readonly blockErrors: readonly { readonly block: string; readonly relativeError: number | null }[];
      readonly skippableFraction: number;
    })
  | (ActivationRowBase & { readonly kind: 'relu-swap'; readonly accuracy: number; readonly sparsity: readonly number[]; readonly skippableFraction: number })
  | (ActivationRowBase & { readonly kind: 'fine-tune'; readonly method: string; readonly levelLabel: string; readonly learningRate: number; readonly epochs: number; readonly before: number; readonly after: number; readonly sparsity: readonly RowSiteSparsity[] })
  | (ActivationRowBase & {
      readonly kind: 'timing';
      readonly method: string;
      readonly examples: number;
      readonly repeats: number;
      /** Load averages (1, 5, 15 minutes) when the timing started. */
      readonly loadAverage: readonly number[];
      readonly denseMs: number;
      readonly denseRunsMs: readonly number[];
      readonly levels: readonly { readonly levelLabel: string; readonly target: number | null; readonly ms: number; readonly runsMs: readonly number[] }[];
    });

/** The raw rows of a finished run, seed by seed and model by model, in run order. @internal */
export function activationRows(plans: readonly ModelPlan[], seeds: readonly number[], outputs: ReadonlyMap<string, JsonValue>, backend: string): JsonObject[] {
  const rows: JsonObject[] = [];
  for (const seed of seeds) {
    for (const plan of plans) {
      const ids = unitIds(plan, seed);
      const base = { seed, model: plan.id, architecture: plan.builder.name, engine: 'stock', backend };
      const add = (unit: string, kind: ActivationRow['kind'], extra: JsonObject = {}): void => {
        rows.push({ unit, ...base, kind, ...extra, ...(outputs.get(unit) as JsonObject) });
      };
      add(ids.train, 'train', { epochs: plan.config.epochs, learningRate: plan.config.learningRate });
      for (const level of ids.levels) add(level.id, 'sparsify');
      if (ids.reluSwap !== undefined) add(ids.reluSwap, 'relu-swap');
      for (const tune of ids.fineTune) add(tune.id, 'fine-tune');
      if (ids.timing !== undefined) add(ids.timing, 'timing');
    }
  }
  return rows;
}
