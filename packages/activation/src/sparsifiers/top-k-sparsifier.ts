import { z } from 'zod';
import { SparseError } from '@sparse/core';
import type { SiteInfo } from '../models/activation-model.js';
import { THRESHOLD_FILE_FORMAT, THRESHOLD_FILE_VERSION, ZEROING_RULE, type SiteThresholds, type ThresholdFile } from '../thresholds/threshold-file.js';
import { parseOptions } from './parse-options.js';
import { selectSites, selectionSuffix, siteSelectionSchema, targetsSchema, type SiteSelection } from './site-selection.js';
import type { Sparsifier, SparsityLevel } from './sparsifier.js';

const schema = z.object({
  targets: targetsSchema.optional(),
  k: z
    .array(z.int().min(0).max(1 << 20))
    .min(1)
    .max(20)
    .refine((ks) => new Set(ks).size === ks.length, { message: 'k values must be distinct' })
    .optional()
    .meta({ description: 'Entries kept per token, one level each (instead of targets).' }),
  by: z.enum(['value', 'magnitude']).default('value').meta({ description: 'Rank by value (post-ReLU activations) or by |a| (signed activations).' }),
  sites: siteSelectionSchema.default('all'),
});

/**
 * The options schema of the `top-k` sparsifier (see {@link topKSparsifier}).
 *
 * @example
 * ```ts
 * import { topKSparsifierOptions } from '@sparse/activation';
 *
 * console.log(topKSparsifierOptions.parse({ k: [128, 64] })); // { k: [128, 64], by: 'value', sites: 'all' }
 * ```
 */
export const topKSparsifierOptions: z.ZodObject = schema;

/**
 * Options of {@link topKSparsifier}.
 *
 * @example
 * ```ts
 * import type { TopKSparsifierOptions } from '@sparse/activation';
 *
 * const options: TopKSparsifierOptions = { k: [128, 64, 32, 16], sites: 'mlp' };
 * ```
 */
export interface TopKSparsifierOptions {
  /** Target sparsities in [0, 1] (k = width − round(target · width) per site); default: the experiment's targets. */
  readonly targets?: readonly number[];
  /** Entries kept per token, one level each (instead of `targets`). */
  readonly k?: readonly number[];
  /** Rank by `value` (default; post-ReLU activations) or by `magnitude` (signed activations). */
  readonly by?: 'value' | 'magnitude';
  /** The sites to sparsify (default `all`). */
  readonly sites?: SiteSelection;
}

function keptAt(site: SiteInfo, level: SparsityLevel): number {
  return 'k' in level ? level.k : site.width - Math.round(level.target * site.width);
}

/**
 * Top-k per token (as in the lazy-neuron study, Li et al., "The Lazy Neuron Phenomenon",
 * arXiv:2210.06313): at each chosen site only the `k` largest entries of every token are kept,
 * ties broken by the lowest index. No calibration. Levels: `k` (entries kept, the same at every
 * site), or target sparsities (`k = width − round(target · width)` per site; its own `targets`
 * or the experiment's). Options: `k` or `targets`, `by` (`value` or `magnitude`), `sites`.
 *
 * @throws SparseError `E_CONFIG` for an invalid option, both `k` and `targets`, or (at
 * `selectSites`) a `k` above a chosen site's width.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createReluMlp, thresholdHook, topKSparsifier } from '@sparse/activation';
 *
 * const topK = topKSparsifier({ k: [32] });
 * const model = createReluMlp({ hidden: [256], seed: 0 });
 * const file = topK.thresholds({ sites: model.sites, level: { k: 32 } });
 * const hook = thresholdHook(file);
 * const logits = tf.tidy(() => model.forward(tf.randomUniform([4, 784]), hook));
 * hook.dispose();
 * ```
 */
export function topKSparsifier(options: TopKSparsifierOptions = {}): Sparsifier {
  const { targets, k, by, sites } = parseOptions(schema, options);
  if (targets !== undefined && k !== undefined) {
    throw new SparseError('E_CONFIG', 'k: give either k (entries kept per token) or targets (sparsities), not both.', { field: 'k', received: k });
  }
  const selection = sites as SiteSelection;
  const choose = (all: readonly SiteInfo[]): SiteInfo[] => {
    const chosen = selectSites(all, selection);
    const narrowest = chosen.reduce((min, site) => (site.width < min.width ? site : min));
    const largest = Math.max(...(k ?? [0]));
    if (largest > narrowest.width) {
      throw new SparseError('E_CONFIG', `k: ${largest} is more than the ${narrowest.width} entries per token of site ${narrowest.name}.`, { field: 'k', received: largest, allowed: `[0, ${narrowest.width}]` });
    }
    return chosen;
  };
  return Object.freeze<Sparsifier>({
    name: 'top-k',
    label: `top-k${by === 'magnitude' ? ' by magnitude' : ''}${selectionSuffix(selection, 'all')}`,
    description: `Top-k: the k ${by === 'magnitude' ? 'largest-magnitude' : 'largest'} entries of each token kept, ties broken by index (no calibration).`,
    calibration: undefined,
    levels: (given: readonly number[]): SparsityLevel[] => (k !== undefined ? k.map((value) => ({ k: value })) : (targets ?? given).map((target) => ({ target }))),
    selectSites: choose,
    thresholds(input): ThresholdFile {
      const chosen = choose(input.sites);
      const layers: Record<string, SiteThresholds> = {};
      for (const site of chosen) {
        const kept = keptAt(site, input.level);
        if (kept < 0 || kept > site.width) {
          throw new SparseError('E_CONFIG', `k: ${kept} is outside [0, ${site.width}] at site ${site.name}.`, { field: 'k', received: kept, allowed: `[0, ${site.width}]` });
        }
        layers[site.name] = { k: kept, by };
      }
      const target = 'target' in input.level ? input.level.target : chosen.reduce((sum, site) => sum + 1 - keptAt(site, input.level) / site.width, 0) / chosen.length;
      return { format: THRESHOLD_FILE_FORMAT, version: THRESHOLD_FILE_VERSION, method: 'topk', target, zeroing: ZEROING_RULE, layers, calibration: { samples: 0, seed: 0 } };
    },
  });
}
