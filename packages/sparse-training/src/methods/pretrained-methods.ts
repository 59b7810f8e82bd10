import { z } from 'zod';
import { SparseError, type DenseMlp, type PluginRegistry } from '@sparse/core';
import type { JsonObject } from '@sparse/experiments';
import type { MethodContext, SparseTrainingMethod } from '../contracts/method.js';
import { SparseTrainingMethods } from '../tokens.js';
import { createFrozenMlp, type FrozenMlp } from '../jackpots/frozen-mlp.js';
import { searchJackpot } from '../jackpots/jackpot-search.js';
import { magnitudeMasks } from '../jackpots/magnitude-masks.js';
import { trainMaskedModel, type MaskedTrainingResult } from '../training/train-masked-model.js';
import { kernelTensors, methodResult, parseMethodOptions, requireSparsity } from './method-support.js';

const pruningShape = {
  pretrainEpochs: z.int().min(0).max(10000).optional().meta({ description: "Epochs of dense pretraining from θ0 on the unit's engine and batches (Adam, the experiment's learning rate). Default: the experiment's epochs." }),
  allocation: z.enum(['global', 'layerwise']).default('global').meta({ description: 'How the sparsity is spread over the pruned kernels: global (one magnitude threshold, default) or layerwise (the same fraction of each).' }),
  keepOutputDense: z.boolean().default(true).meta({ description: "Never prune the output kernel (as the Lottery Jackpots code keeps the classifier dense); the other kernels then prune more, so that all kernels together reach the unit's sparsity. Default true." }),
};

const SEARCH_DEFAULTS = { epochs: 5, learningRates: [0.1, 1], momentum: 0.9, weightDecay: 5e-4, restriction: 'cosine' as const };

const oneShotMagnitudeOptionsSchemaDefinition = z.strictObject(pruningShape);

/**
 * The options of the `one-shot-magnitude` method: `pretrainEpochs` (default: the experiment's
 * epochs), `allocation` (`global`, default, or `layerwise`) and `keepOutputDense` (default `true`).
 *
 * @example
 * ```ts
 * import { oneShotMagnitudeOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(oneShotMagnitudeOptionsSchema.parse({ allocation: 'layerwise' })); // { allocation: 'layerwise', keepOutputDense: true }
 * ```
 */
export const oneShotMagnitudeOptionsSchema: z.ZodObject = oneShotMagnitudeOptionsSchemaDefinition;

const lotteryJackpotsOptionsSchemaDefinition = z.strictObject({
  ...pruningShape,
  search: z
    .strictObject({
      epochs: z.int().min(1).max(1000).default(SEARCH_DEFAULTS.epochs).meta({ description: 'Search epochs per learning rate. Default 5.' }),
      learningRates: z
        .array(z.number().gt(0).max(1000))
        .min(1)
        .max(8)
        .default(SEARCH_DEFAULTS.learningRates)
        .refine((rates) => new Set(rates).size === rates.length, 'learning rates must be distinct')
        .meta({ description: 'SGD learning rates of the scores tried; the (rate, epoch) of best validation accuracy is kept. Default [0.1, 1].' }),
      momentum: z.number().min(0).lt(1).default(SEARCH_DEFAULTS.momentum).meta({ description: 'SGD momentum of the scores. Default 0.9.' }),
      weightDecay: z.number().min(0).max(1).default(SEARCH_DEFAULTS.weightDecay).meta({ description: 'L2 weight decay of the scores. Default 5e-4.' }),
      restriction: z.enum(['cosine', 'full']).default(SEARCH_DEFAULTS.restriction).meta({ description: 'Schedule of the short restriction: cosine (default) or full (exact top-k after every step).' }),
    })
    .default(SEARCH_DEFAULTS)
    .meta({ description: 'The Lottery Jackpots search: SGD on the scores, per-epoch cosine learning rate, short restriction after every step.' }),
});

/**
 * The options of the `lottery-jackpots` method: those of `one-shot-magnitude` (the pretraining and
 * the magnitude masks the search starts from) and `search`, the `pretrained-masks` config's search
 * block without `batchSize` (the search uses the unit's training batches): `epochs` (5),
 * `learningRates` (`[0.1, 1]`, distinct; the rate and epoch of best validation accuracy are kept),
 * `momentum` (0.9), `weightDecay` (5e-4), `restriction` (`cosine` or `full`).
 *
 * @example
 * ```ts
 * import { lotteryJackpotsOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(lotteryJackpotsOptionsSchema.parse({ search: { epochs: 2 } })); // { search: { epochs: 2, learningRates: [0.1, 1], … }, allocation: 'global', keepOutputDense: true }
 * ```
 */
export const lotteryJackpotsOptionsSchema: z.ZodObject = lotteryJackpotsOptionsSchemaDefinition;

type PruningOptions = z.output<typeof oneShotMagnitudeOptionsSchemaDefinition>;

/** The kernels a method prunes, input first, and the sparsity they need so that ALL kernels reach the unit's. */
function pruningTarget(context: MethodContext, model: DenseMlp, options: PruningOptions, method: string): { names: string[]; sparsity: number } {
  const sparsity = requireSparsity(context, method);
  const kernels = kernelTensors(model).map(({ name, shape }) => ({ name, size: shape.reduce((a, b) => a * b, 1) }));
  const pruned = options.keepOutputDense ? kernels.slice(0, -1) : kernels;
  const total = kernels.reduce((sum, k) => sum + k.size, 0);
  const prunable = pruned.reduce((sum, k) => sum + k.size, 0);
  const target = prunable === 0 ? Infinity : (sparsity * total) / prunable;
  if (target > 1 + 1e-12) {
    const most = prunable / total;
    throw new SparseError(
      'E_CONFIG',
      `sparsities: the method '${method}' keeps the output kernel dense (keepOutputDense), so the kernels can reach a sparsity of at most ${most}, not ${sparsity}; lower the sparsity or set keepOutputDense: false.`,
      { field: 'sparsities', received: sparsity, allowed: `(0, ${most}]` },
    );
  }
  return { names: pruned.map((k) => k.name), sparsity: Math.min(1, target) };
}

/** `weights` with each masked kernel's pruned entries set to 0 (a new map; the arrays of other parameters shared). */
function maskedWeights(weights: ReadonlyMap<string, Float32Array>, masks: ReadonlyMap<string, Uint8Array>): Map<string, Float32Array> {
  const result = new Map(weights);
  for (const [name, mask] of masks) result.set(name, (weights.get(name) as Float32Array).map((w, i) => (mask[i] === 1 ? w : 0)));
  return result;
}

/** Validation and test accuracy of `model` at `weights` masked by `masks`. */
function accuracyWith(context: MethodContext, model: DenseMlp, weights: ReadonlyMap<string, Float32Array>, masks: ReadonlyMap<string, Uint8Array>): { validationAccuracy: number; testAccuracy: number } {
  model.write(maskedWeights(weights, masks));
  return { validationAccuracy: context.evaluate(model, 'validation').accuracy, testAccuracy: context.evaluate(model, 'test').accuracy };
}

/** Dense training of `model` from θ0 on the unit's engine and batches; the pretrained weights and their accuracy. */
async function pretrain(context: MethodContext, model: DenseMlp, epochs: number): Promise<{ trained: MaskedTrainingResult; weights: Map<string, Float32Array>; accuracy: { validationAccuracy: number; testAccuracy: number } }> {
  const trained = await trainMaskedModel({ context, model, masks: new Map(), epochs, seed: context.seed });
  const weights = model.read();
  const accuracy = { validationAccuracy: context.evaluate(model, 'validation').accuracy, testAccuracy: context.evaluate(model, 'test').accuracy };
  context.log(`pretrained ${epochs} epochs on ${trained.engine}: validation accuracy ${accuracy.validationAccuracy.toFixed(4)}`);
  return { trained, weights, accuracy };
}

const pruningDetails = (options: PruningOptions, pretrainEpochs: number, names: readonly string[], sparsity: number, pretrained: JsonObject): JsonObject => ({
  pretrainEpochs,
  allocation: options.allocation,
  keepOutputDense: options.keepOutputDense,
  prunedKernels: [...names],
  prunedSparsity: sparsity,
  pretrained,
});

/**
 * The `one-shot-magnitude` method, one point of an essential-sparsity curve (Jaiswal et al.,
 * NeurIPS 2023, arXiv 2306.03805): the MLP trained dense from θ0 for `pretrainEpochs` on the
 * unit's engine and batches ({@link trainMaskedModel} without masks), then its smallest-|w| kernel
 * weights pruned in one shot to the unit's sparsity ({@link magnitudeMasks}: exact counts,
 * `global` or `layerwise`) and evaluated WITHOUT retraining. A `sparse-training` config with
 * several `sparsities` traces the curve; `details.pretrained` holds the dense accuracy it drops from.
 *
 * With `keepOutputDense` (default) the output kernel is not pruned and the others prune more, so
 * all kernels together reach the unit's sparsity (`details.prunedSparsity`: theirs).
 *
 * @throws SparseError `E_CONFIG` for invalid options; `run`: for a unit without a sparsity, or one
 *   the non-output kernels cannot reach with `keepOutputDense`.
 *
 * @example
 * ```ts
 * import { oneShotMagnitudeMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext; // context.sparsity = 0.9
 * const result = await oneShotMagnitudeMethod({ allocation: 'layerwise' }).run(context);
 * console.log(result.testAccuracy, result.details?.['pretrained']);
 * ```
 */
export function oneShotMagnitudeMethod(options: z.input<typeof oneShotMagnitudeOptionsSchemaDefinition> = {}): SparseTrainingMethod {
  const parsed = parseMethodOptions(oneShotMagnitudeOptionsSchemaDefinition, options, 'one-shot-magnitude');
  return {
    name: 'one-shot-magnitude',
    label: `one-shot magnitude (${parsed.allocation})`,
    usesSparsity: true,
    plannedSteps: ({ epochs, stepsPerEpoch }) => (parsed.pretrainEpochs ?? epochs) * stepsPerEpoch,
    async run(context) {
      const epochs = parsed.pretrainEpochs ?? context.epochs;
      const model = context.createModel();
      try {
        const target = pruningTarget(context, model, parsed, 'one-shot-magnitude');
        const { trained, weights, accuracy } = await pretrain(context, model, epochs);
        const masks = magnitudeMasks(weights, target.names, target.sparsity, parsed.allocation);
        model.write(maskedWeights(weights, masks));
        return methodResult(context, model, { engine: trained.engine, curve: trained.curve, steps: trained.steps, details: pruningDetails(parsed, epochs, target.names, target.sparsity, accuracy) });
      } finally {
        model.dispose();
      }
    },
  };
}

/**
 * The `lottery-jackpots` method (Zhang et al., TPAMI 2023, arXiv 2104.08700): the MLP trained
 * dense from θ0 for `pretrainEpochs` as {@link oneShotMagnitudeMethod} does, then a mask of its
 * frozen weights searched at the unit's sparsity by {@link searchJackpot}, starting from the
 * magnitude masks ({@link magnitudeMasks}, `allocation`), for each of `search.learningRates` on the
 * unit's batches (the epochs after pretraining's); after every search epoch the masked network is
 * evaluated on the validation set, and the (rate, epoch) of best validation accuracy (the first of
 * equals) gives the final model: the pretrained weights where the mask keeps them, 0 elsewhere.
 * Weights are never retrained; every layer keeps the magnitude masks' exact count.
 *
 * `details`: `magnitude` (validation and test accuracy of the magnitude masks without
 * retraining, at the same sparsity), `changedFromMagnitude` (kept entries the magnitude masks
 * prune, as a fraction of the kept), the chosen `learningRate` and `epoch`, `pretrained` (dense
 * accuracy) and every search epoch (`searchEpochs`). `curve`: the pretraining epochs, then the
 * chosen rate's search epochs. `steps`: pretraining steps plus every rate's search steps.
 *
 * @throws SparseError `E_CONFIG` for invalid options; `run`: as {@link oneShotMagnitudeMethod}.
 *
 * @example
 * ```ts
 * import { lotteryJackpotsMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext; // context.sparsity = 0.9
 * const result = await lotteryJackpotsMethod({ search: { epochs: 3, learningRates: [1] } }).run(context);
 * console.log(result.testAccuracy, result.details?.['magnitude'], result.details?.['changedFromMagnitude']);
 * ```
 */
export function lotteryJackpotsMethod(options: z.input<typeof lotteryJackpotsOptionsSchemaDefinition> = {}): SparseTrainingMethod {
  const parsed = parseMethodOptions(lotteryJackpotsOptionsSchemaDefinition, options, 'lottery-jackpots');
  const { search } = parsed;
  return {
    name: 'lottery-jackpots',
    label: `lottery jackpots (${parsed.allocation})`,
    usesSparsity: true,
    plannedSteps: ({ epochs, stepsPerEpoch }) => ((parsed.pretrainEpochs ?? epochs) + search.learningRates.length * search.epochs) * stepsPerEpoch,
    async run(context) {
      const epochs = parsed.pretrainEpochs ?? context.epochs;
      const model = context.createModel();
      let network: FrozenMlp | undefined;
      try {
        const target = pruningTarget(context, model, parsed, 'lottery-jackpots');
        const { trained, weights, accuracy } = await pretrain(context, model, epochs);
        const magnitudeMask = magnitudeMasks(weights, target.names, target.sparsity, parsed.allocation);
        const magnitude = accuracyWith(context, model, weights, magnitudeMask);
        network = createFrozenMlp(context.layerSizes, weights);
        const { stepsPerEpoch } = context.loader;
        const searchSteps = search.epochs * stepsPerEpoch;
        const rows: { learningRate: number; epoch: number; validationAccuracy: number; changedFromMagnitude: number; swapped: number; meanLoss: number }[] = [];
        let best: { row: (typeof rows)[number]; masks: ReadonlyMap<string, Uint8Array> } | undefined;
        for (const [index, learningRate] of search.learningRates.entries()) {
          await searchJackpot(
            {
              network,
              initialMasks: magnitudeMask,
              stepsPerEpoch,
              batch: (epoch, step) => context.loader.batch(epochs + epoch, step),
              onStep: (done) => context.progress(trained.steps + index * searchSteps + done),
              onEpoch: (record, masks) => {
                model.write(maskedWeights(weights, masks));
                const row = { learningRate, epoch: record.epoch, validationAccuracy: context.evaluate(model, 'validation').accuracy, changedFromMagnitude: record.changedFromStart, swapped: record.swapped, meanLoss: record.meanLoss };
                rows.push(row);
                if (best === undefined || row.validationAccuracy > best.row.validationAccuracy) best = { row, masks };
              },
              ...(context.signal === undefined ? {} : { signal: context.signal }),
            },
            { epochs: search.epochs, learningRate, momentum: search.momentum, weightDecay: search.weightDecay, restriction: search.restriction },
          );
        }
        const chosen = best as NonNullable<typeof best>;
        model.write(maskedWeights(weights, chosen.masks));
        context.log(`lottery jackpots: rate ${chosen.row.learningRate}, epoch ${chosen.row.epoch}, validation accuracy ${chosen.row.validationAccuracy.toFixed(4)} (magnitude ${magnitude.validationAccuracy.toFixed(4)})`);
        const searchCurve = rows.filter((row) => row.learningRate === chosen.row.learningRate).map((row) => ({ epoch: epochs + row.epoch - 1, validationAccuracy: row.validationAccuracy }));
        return methodResult(context, model, {
          engine: trained.engine,
          curve: [...trained.curve, ...searchCurve],
          steps: trained.steps + search.learningRates.length * searchSteps,
          details: {
            ...pruningDetails(parsed, epochs, target.names, target.sparsity, accuracy),
            magnitude,
            learningRate: chosen.row.learningRate,
            epoch: chosen.row.epoch,
            changedFromMagnitude: chosen.row.changedFromMagnitude,
            search: { ...search, learningRates: [...search.learningRates] },
            searchEpochs: rows,
          },
        });
      } finally {
        network?.dispose();
        model.dispose();
      }
    },
  };
}

/**
 * Registers the pretrained-weights methods in {@link SparseTrainingMethods}, each with its
 * options' zod schema (a config is checked before any work): `lottery-jackpots`
 * ({@link lotteryJackpotsMethod}) and `one-shot-magnitude` ({@link oneShotMagnitudeMethod}).
 *
 * @example
 * ```ts
 * import { createRuntime, definePlugin } from '@sparse/core';
 * import { SparseTrainingMethods, registerPretrainedMethods } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@my-org/pretrained-methods', registerPretrainedMethods)] });
 * const jackpots = runtime.resolve(SparseTrainingMethods, { name: 'lottery-jackpots', allocation: 'layerwise' });
 * console.log(jackpots.label); // lottery jackpots (layerwise)
 * ```
 */
export function registerPretrainedMethods(registry: PluginRegistry): void {
  registry.provide(SparseTrainingMethods, 'lottery-jackpots', (options) => lotteryJackpotsMethod(options as z.input<typeof lotteryJackpotsOptionsSchemaDefinition>), {
    options: lotteryJackpotsOptionsSchema,
    summary: 'Lottery Jackpots: dense pretraining from θ0, then a mask of the frozen weights searched from the magnitude masks (no retraining)',
  });
  registry.provide(SparseTrainingMethods, 'one-shot-magnitude', (options) => oneShotMagnitudeMethod(options as z.input<typeof oneShotMagnitudeOptionsSchemaDefinition>), {
    options: oneShotMagnitudeOptionsSchema,
    summary: 'Essential sparsity: dense pretraining from θ0, then one-shot magnitude pruning without retraining (one point of the curve per sparsity)',
  });
}
