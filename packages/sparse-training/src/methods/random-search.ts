import { z } from 'zod';
import type { JsonObject } from '@sparse/experiments';
import type { SparseTrainingMethod } from '../contracts/method.js';
import { layerBudgets } from '../masks/layer-budgets.js';
import { randomNodeMasks } from '../masks/node-masks.js';
import { randomMasks } from '../masks/random-masks.js';
import { trainMaskedModel } from '../training/train-masked-model.js';
import { kernelTensors, methodResult, parseMethodOptions, requireSparsity } from './method-support.js';

const randomSearchOptionsSchemaDefinition = z.strictObject({
  candidates: z.int().min(1).max(1000).default(8).meta({ description: 'Random masks tried. Default 8.' }),
  searchEpochs: z.int().min(1).default(1).meta({ description: 'Epochs each candidate is trained before the choice. Default 1.' }),
  distribution: z.enum(['erk', 'uniform']).default('erk').meta({ description: 'Per-layer densities of the candidate masks: erk (default) or uniform.' }),
  denseFirstLayer: z.boolean().default(false).meta({ description: 'With uniform: keep the first layer dense (same overall budget). Default false.' }),
  nodes: z.boolean().default(false).meta({ description: 'Sample node masks (whole hidden units removed, sparsity approximate) instead of weight masks. Default false.' }),
});

/**
 * The options of the `random-search` method: `candidates` (8), `searchEpochs` (1), the masks'
 * `distribution` (`erk`, default, or `uniform`) and `denseFirstLayer` (with `uniform`), or
 * `nodes: true` for random node masks (whole hidden units).
 *
 * @example
 * ```ts
 * import { randomSearchOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(randomSearchOptionsSchema.parse({ candidates: 4 }));
 * // { candidates: 4, searchEpochs: 1, distribution: 'erk', denseFirstLayer: false, nodes: false }
 * ```
 */
export const randomSearchOptionsSchema: z.ZodObject = randomSearchOptionsSchemaDefinition;

/**
 * The `random-search` method, the baseline of "Random Search as a Baseline for Sparse Neural
 * Network Architecture Search": `candidates` random masks at the unit's sparsity (weight masks at
 * exact ERK/uniform per-layer counts, each its own draw `random-search-<i>`; or node masks,
 * {@link randomNodeMasks}), each trained `searchEpochs` from θ0; the one with the best VALIDATION
 * accuracy (ties: the earlier candidate) is trained again from θ0 for the full budget, and that
 * is the result (test accuracy is never used to choose). Runs
 * `(candidates · searchEpochs + epochs) ·` steps per epoch.
 *
 * @throws SparseError `E_CONFIG` for invalid options.
 *
 * @example
 * ```ts
 * import { randomSearchMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const result = await randomSearchMethod({ candidates: 4 }).run(context);
 * console.log(result.details?.['best'], result.testAccuracy);
 * ```
 */
export function randomSearchMethod(options: z.input<typeof randomSearchOptionsSchemaDefinition> = {}): SparseTrainingMethod {
  const parsed = parseMethodOptions(randomSearchOptionsSchemaDefinition, options, 'random-search');
  const { candidates, searchEpochs, nodes } = parsed;
  const what = nodes ? 'node masks' : parsed.distribution;
  return {
    name: 'random-search',
    label: `random search (${candidates} × ${searchEpochs} epoch${searchEpochs === 1 ? '' : 's'}, ${what})`,
    usesSparsity: true,
    plannedSteps: ({ epochs, stepsPerEpoch }) => (candidates * searchEpochs + epochs) * stepsPerEpoch,
    async run(context) {
      const sparsity = requireSparsity(context, 'random-search');
      const probe = context.createModel();
      const kernels = kernelTensors(probe);
      probe.dispose();
      const budgets = nodes ? [] : layerBudgets(kernels, sparsity, parsed);
      const candidateMasks = (index: number): Map<string, Float32Array> =>
        nodes ? randomNodeMasks(kernels, sparsity, context.seed, `random-search-${index}`).masks : randomMasks(budgets, context.seed, `random-search-${index}`);
      const tried: JsonObject[] = [];
      let steps = 0;
      let best = 0;
      let bestAccuracy = -Infinity;
      for (let index = 0; index < candidates; index += 1) {
        const model = context.createModel();
        try {
          const trained = await trainMaskedModel({ context, model, masks: candidateMasks(index), epochs: searchEpochs, seed: context.seed, stepsBefore: steps });
          steps += trained.steps;
          const accuracy = trained.curve.at(-1)?.validationAccuracy ?? 0;
          tried.push({ candidate: index, validationAccuracy: accuracy });
          if (accuracy > bestAccuracy) {
            bestAccuracy = accuracy;
            best = index;
          }
        } finally {
          model.dispose();
        }
      }
      context.log(`random search: candidate ${best} of ${candidates} is best (validation accuracy ${bestAccuracy.toFixed(4)} after ${searchEpochs} epoch(s)); training it for the full budget`);
      const model = context.createModel();
      try {
        const trained = await trainMaskedModel({ context, model, masks: candidateMasks(best), epochs: context.epochs, seed: context.seed, stepsBefore: steps });
        steps += trained.steps;
        return methodResult(context, model, { engine: trained.engine, curve: trained.curve, steps, details: { candidates: tried, best, searchEpochs, nodes, distribution: parsed.distribution } });
      } finally {
        model.dispose();
      }
    },
  };
}
