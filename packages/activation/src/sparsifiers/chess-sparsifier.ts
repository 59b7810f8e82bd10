import { z } from 'zod';
import { SparseError } from '@sparse/core';
import { computeThresholds } from '../calibration/compute-thresholds.js';
import type { SiteInfo } from '../models/activation-model.js';
import { parseOptions, levelTarget, needRecorder } from './parse-options.js';
import { selectSites, selectionSuffix, siteSelectionSchema, targetsSchema, type SiteSelection } from './site-selection.js';
import type { Sparsifier } from './sparsifier.js';

const schema = z.object({
  targets: targetsSchema.optional(),
  aggregate: z.enum(['pooled', 'mean-of-batches']).default('pooled').meta({ description: "pooled: one exact quantile over all calibration values; mean-of-batches: the CHESS code's mean of per-batch quantiles." }),
  sites: siteSelectionSchema.default('mlp'),
});

/**
 * The options schema of the `chess` sparsifier (see {@link chessSparsifier}).
 *
 * @example
 * ```ts
 * import { chessSparsifierOptions } from '@sparse/activation';
 *
 * console.log(chessSparsifierOptions.parse({})); // { aggregate: 'pooled', sites: 'mlp' }
 * ```
 */
export const chessSparsifierOptions: z.ZodObject = schema;

/**
 * Options of {@link chessSparsifier}.
 *
 * @example
 * ```ts
 * import type { ChessSparsifierOptions } from '@sparse/activation';
 *
 * const asPublished: ChessSparsifierOptions = { aggregate: 'mean-of-batches' };
 * ```
 */
export interface ChessSparsifierOptions {
  /** Target sparsities in [0, 1] for this sparsifier; default: the experiment's targets. */
  readonly targets?: readonly number[];
  /** `pooled` (default): one exact quantile over all calibration values; `mean-of-batches`: the CHESS code's mean of per-batch quantiles. */
  readonly aggregate?: 'pooled' | 'mean-of-batches';
  /** The sites to sparsify, gated-MLP gates only (default `mlp`). */
  readonly sites?: SiteSelection;
}

/** Checks that every chosen site is a gated-MLP gate (CHESS needs its up-projection). @internal */
export function gateSitesOnly(chosen: readonly SiteInfo[], name: string): readonly SiteInfo[] {
  const other = chosen.find((site) => site.kind !== 'gate');
  if (other !== undefined) {
    throw new SparseError('E_CONFIG', `sites: ${name} needs gated-MLP sites (it weighs |gate| by the up-projection), but ${other.name} is a ${other.kind} site; use "chess-plus" or "cats" for it, or sites "mlp" on a gated model.`, {
      field: 'sites',
      received: other.name,
      allowed: chosen.filter((site) => site.kind === 'gate').map((site) => site.name),
    });
  }
  return chosen;
}

/**
 * CHESS (He et al., "CHESS: Optimizing LLM Inference via Channel-Wise Thresholding and Selective
 * Sparsification", arXiv:2409.01366) on gated MLPs: channel thresholds `t_i = τ / mean|up_i|`,
 * with `τ` the target quantile of the importance `|g_i| · mean|up_i|` on calibration data.
 * Options: `aggregate` (`pooled`, or the paper code's `mean-of-batches`), `sites` (gated-MLP gates
 * only; default `mlp`), and its own `targets`.
 *
 * @throws SparseError `E_CONFIG` for an invalid option.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { ActivationRecorder, chessSparsifier, createGatedMlp } from '@sparse/activation';
 *
 * const chess = chessSparsifier();
 * const model = createGatedMlp({ dModel: 16, hidden: 32, blocks: 2, seed: 0 });
 * const recorder = new ActivationRecorder();
 * tf.tidy(() => model.forward(tf.randomUniform([64, 784]), recorder));
 * const file = chess.thresholds({ sites: model.sites, level: { target: 0.5 }, recorder, samples: 64 });
 * ```
 */
export function chessSparsifier(options: ChessSparsifierOptions = {}): Sparsifier {
  const { targets, aggregate, sites } = parseOptions(schema, options);
  const selection = sites as SiteSelection;
  const variant = aggregate === 'mean-of-batches' ? ' mean of batches' : '';
  const tau = aggregate === 'mean-of-batches' ? "the mean of per-batch quantiles, as the CHESS code computes it" : 'the exact quantile';
  return Object.freeze<Sparsifier>({
    name: 'chess',
    label: `CHESS${variant}${selectionSuffix(selection, 'mlp')}`,
    description: `CHESS${variant}: channel thresholds t_i = tau / mean|up_i| on the gated-MLP gates, tau ${tau} of |g_i| mean|up_i|.`,
    calibration: { histogram: false },
    levels: (given: readonly number[]) => (targets ?? given).map((target) => ({ target })),
    selectSites: (all) => gateSitesOnly(selectSites(all, selection), 'chess'),
    thresholds(input) {
      const chosen = gateSitesOnly(selectSites(input.sites, selection), 'chess').map((site) => site.name);
      return computeThresholds(needRecorder(input.recorder, 'chess'), {
        method: 'chess',
        target: levelTarget(input.level, 'chess'),
        sites: chosen,
        aggregate,
        ...(input.samples === undefined ? {} : { samples: input.samples }),
      });
    },
  });
}
