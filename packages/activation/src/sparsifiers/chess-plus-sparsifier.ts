import { z } from 'zod';
import { computeThresholds } from '../calibration/compute-thresholds.js';
import { parseOptions, levelTarget, needRecorder } from './parse-options.js';
import { selectSites, selectionSuffix, siteSelectionSchema, targetsSchema, type SiteSelection } from './site-selection.js';
import type { Sparsifier } from './sparsifier.js';

const schema = z.object({
  targets: targetsSchema.optional(),
  aggregate: z.enum(['pooled', 'mean-of-batches']).default('pooled').meta({ description: "How tau and the attention thresholds are taken: one pooled exact quantile, or the mean of per-batch quantiles." }),
  sites: siteSelectionSchema.default('all'),
});

/**
 * The options schema of the `chess-plus` sparsifier (see {@link chessPlusSparsifier}).
 *
 * @example
 * ```ts
 * import { chessPlusSparsifierOptions } from '@sparse/activation';
 *
 * console.log(chessPlusSparsifierOptions.parse({})); // { aggregate: 'pooled', sites: 'all' }
 * ```
 */
export const chessPlusSparsifierOptions: z.ZodObject = schema;

/**
 * Options of {@link chessPlusSparsifier}.
 *
 * @example
 * ```ts
 * import type { ChessPlusSparsifierOptions } from '@sparse/activation';
 *
 * const options: ChessPlusSparsifierOptions = { sites: 'all' };
 * ```
 */
export interface ChessPlusSparsifierOptions {
  /** Target sparsities in [0, 1] for this sparsifier; default: the experiment's targets. */
  readonly targets?: readonly number[];
  /** How tau and the other sites' thresholds are taken: `pooled` (default) or `mean-of-batches`. */
  readonly aggregate?: 'pooled' | 'mean-of-batches';
  /** The sites to sparsify (default `all`). */
  readonly sites?: SiteSelection;
}

/**
 * CHESS+ (CHESS with selective sparsification of the attention, arXiv:2409.01366): CHESS channel
 * thresholds at gated-MLP sites, one exact-quantile threshold on `|a|` at every other site (the
 * inputs of the query and output projections). Options: `aggregate`, `sites` (default `all`),
 * and its own `targets`.
 *
 * @throws SparseError `E_CONFIG` for an invalid option.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { ActivationRecorder, chessPlusSparsifier, createVisionTransformer } from '@sparse/activation';
 *
 * const chessPlus = chessPlusSparsifier();
 * const model = createVisionTransformer({ dModel: 16, heads: 2, layers: 1, hidden: 32, seed: 0 });
 * const recorder = new ActivationRecorder();
 * tf.tidy(() => model.forward(tf.randomUniform([8, 784]), recorder));
 * const file = chessPlus.thresholds({ sites: model.sites, level: { target: 0.5 }, recorder, samples: 8 });
 * ```
 */
export function chessPlusSparsifier(options: ChessPlusSparsifierOptions = {}): Sparsifier {
  const { targets, aggregate, sites } = parseOptions(schema, options);
  const selection = sites as SiteSelection;
  return Object.freeze<Sparsifier>({
    name: 'chess-plus',
    label: `CHESS+${aggregate === 'mean-of-batches' ? ' mean of batches' : ''}${selectionSuffix(selection, 'all')}`,
    description: 'CHESS+: CHESS channel thresholds on the gated-MLP gates plus one exact-quantile threshold on |a| at each other site (the attention inputs).',
    calibration: { histogram: false },
    levels: (given: readonly number[]) => (targets ?? given).map((target) => ({ target })),
    selectSites: (all) => selectSites(all, selection),
    thresholds(input) {
      const chosen = selectSites(input.sites, selection).map((site) => site.name);
      return computeThresholds(needRecorder(input.recorder, 'chess-plus'), {
        method: 'chess-plus',
        target: levelTarget(input.level, 'chess-plus'),
        sites: chosen,
        aggregate,
        ...(input.samples === undefined ? {} : { samples: input.samples }),
      });
    },
  });
}
