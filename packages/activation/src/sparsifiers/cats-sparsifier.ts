import { z } from 'zod';
import { SparseError } from '@sparse/core';
import { computeThresholds } from '../calibration/compute-thresholds.js';
import { parseOptions, levelTarget, needRecorder } from './parse-options.js';
import { selectSites, selectionSuffix, siteSelectionSchema, targetsSchema, type SiteSelection } from './site-selection.js';
import type { Sparsifier } from './sparsifier.js';

const schema = z.object({
  targets: targetsSchema.optional(),
  quantile: z.enum(['exact', 'histogram']).default('exact').meta({ description: 'exact: the m-th smallest calibration magnitude; histogram: the CATS code\'s 999-bin histogram.' }),
  granularity: z.enum(['layer', 'channel']).default('layer').meta({ description: 'One threshold per site (layer) or per hidden channel (channel, exact quantile only).' }),
  sites: siteSelectionSchema.default('all'),
});

/**
 * The options schema of the `cats` sparsifier (see {@link catsSparsifier}).
 *
 * @example
 * ```ts
 * import { catsSparsifierOptions } from '@sparse/activation';
 *
 * console.log(catsSparsifierOptions.parse({ quantile: 'histogram' })); // { quantile: 'histogram', granularity: 'layer', sites: 'all' }
 * ```
 */
export const catsSparsifierOptions: z.ZodObject = schema;

/**
 * Options of {@link catsSparsifier}.
 *
 * @example
 * ```ts
 * import type { CatsSparsifierOptions } from '@sparse/activation';
 *
 * const perChannel: CatsSparsifierOptions = { granularity: 'channel', sites: 'mlp' };
 * ```
 */
export interface CatsSparsifierOptions {
  /** Target sparsities in [0, 1] for this sparsifier; default: the experiment's targets. */
  readonly targets?: readonly number[];
  /** `exact` (default): the m-th smallest calibration magnitude; `histogram`: the CATS code's 999-bin histogram. */
  readonly quantile?: 'exact' | 'histogram';
  /** One threshold per site (`layer`, default) or per hidden channel (`channel`, exact quantile only). */
  readonly granularity?: 'layer' | 'channel';
  /** The sites to sparsify (default `all`). */
  readonly sites?: SiteSelection;
}

/**
 * CATS (Lee et al., "CATS: Contextually-Aware Thresholding for Sparsity in Large Language Models",
 * arXiv:2404.08763): a threshold per site on `|a|`, the target quantile of the magnitudes recorded
 * on calibration data; activations with `|a| <= t` are zeroed. Options: `quantile` (`exact` or
 * the paper code's `histogram`), `granularity` (`layer` or `channel`), `sites`, and its own
 * `targets`.
 *
 * @throws SparseError `E_CONFIG` for an invalid option or `granularity: 'channel'` with the histogram.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { ActivationRecorder, catsSparsifier, createGatedMlp } from '@sparse/activation';
 *
 * const cats = catsSparsifier({ quantile: 'histogram' });
 * const model = createGatedMlp({ dModel: 16, hidden: 32, blocks: 2, seed: 0 });
 * const recorder = new ActivationRecorder({ histogram: true });
 * tf.tidy(() => model.forward(tf.randomUniform([64, 784]), recorder));
 * const file = cats.thresholds({ sites: model.sites, level: { target: 0.7 }, recorder, samples: 64 });
 * console.log(cats.label, Object.keys(file.layers)); // CATS histogram [ 'block0/gate', 'block1/gate' ]
 * ```
 */
export function catsSparsifier(options: CatsSparsifierOptions = {}): Sparsifier {
  const { targets, quantile, granularity, sites } = parseOptions(schema, options);
  if (granularity === 'channel' && quantile !== 'exact') {
    throw new SparseError('E_CONFIG', "granularity: 'channel' needs quantile 'exact' (the histogram is one per site).", { field: 'granularity', received: granularity, allowed: ['layer'] });
  }
  const selection = sites as SiteSelection;
  const variant = `${quantile === 'histogram' ? ' histogram' : ''}${granularity === 'channel' ? ' per channel' : ''}`;
  const how = granularity === 'channel' ? 'one exact quantile of |a| per hidden channel' : quantile === 'histogram' ? "one threshold per site from the CATS code's histogram of |a| (999 bins, edges [-inf, linspace(-1, 1, 998), +inf])" : 'one exact-quantile threshold per site on |a|';
  return Object.freeze<Sparsifier>({
    name: 'cats',
    label: `CATS${variant}${selectionSuffix(selection, 'all')}`,
    description: `CATS${variant}: ${how}, on ${typeof selection === 'string' ? `${selection === 'all' ? 'every' : selection === 'mlp' ? 'every MLP' : 'every attention'} site` : selection.join(', ')}.`,
    calibration: { histogram: quantile === 'histogram' },
    levels: (given: readonly number[]) => (targets ?? given).map((target) => ({ target })),
    selectSites: (all) => selectSites(all, selection),
    thresholds(input) {
      const chosen = selectSites(input.sites, selection).map((site) => site.name);
      return computeThresholds(needRecorder(input.recorder, 'cats'), {
        method: 'cats',
        target: levelTarget(input.level, 'cats'),
        sites: chosen,
        quantile,
        granularity,
        ...(input.samples === undefined ? {} : { samples: input.samples }),
      });
    },
  });
}
