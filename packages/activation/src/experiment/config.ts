import { z } from 'zod';
import type { ImplementationRef, ImplementationRefs } from '@sparse/core';
import { fashionMnistDatasetSchema, type FashionMnistDatasetConfig } from '@sparse/datasets';
import { ActivationModels, Sparsifiers } from '../tokens.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/;
const distinct = (values: readonly number[]): boolean => new Set(values).size === values.length;
const count = (description: string) => z.int().min(1).max(1_000_000).meta({ description });

/**
 * The schema of an `activation` experiment config (its own fields; `kind`, `plugins`, `backend`
 * and `$schema` are added by the runner). Fields that name a model or a sparsifier are checked
 * against the runtime's name tables, options included.
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix | required |
 * | `seeds` | one replicate per seed; every draw of a replicate derives from its seed (validation split, subsets, initialisation, batch order, reservoirs) | [0] |
 * | `dataset` | `"bundled"` or `{ "dir": folder with the four Fashion-MNIST .gz files }` | `"bundled"` |
 * | `trainExamples` / `testExamples` | use a seeded subset of this many training / test images | all |
 * | `batchSize` | minibatch size of training and fine-tuning | 128 |
 * | `validationExamples` | training images held out from training (a seeded split per seed, `splitValidation` of `@sparse/datasets`); calibration draws from them only | 5000 |
 * | `calibration` | `{ examples, batchSize }`: held-out validation images the thresholds are calibrated on (the first of them in a seeded order), and images per calibration batch (CHESS's mean of batches) | 2000, 100 |
 * | `targets` | target sparsities every sparsifier is calibrated for (unless it gives its own) | [0.5, 0.7, 0.9] |
 * | `probeExamples` | training images (seen in training, a seeded draw) on which `trackNonzero` also counts nonzeros | 5000 |
 * | `workers` | worker threads, one model each | 2 |
 * | `models[]` | the models to train and sparsify, see below | required |
 *
 * Each model: `id` (unit ids and report; default the model's name), `model` (`gated-mlp`, `vit`,
 * `relu-mlp` with their sizes), `epochs` and `learningRate` (dense training, Adam with a cosine
 * schedule to 5 %), `sparsifiers` (compared at every level), `reluSwap` (the same weights with
 * ReLU gates, gated models), `trackNonzero` (nonzero activations after every epoch: lazy neurons),
 * `fineTune` (`{ sparsifier, targets?, epochs, learningRates }`: training with the thresholds in
 * place, from the dense model, per target and learning rate), `timing` (`{ examples, repeats }`:
 * wall-clock forward time of the dense and the thresholded model on the same test images, in the
 * same process, interleaved; off by default because times differ from run to run).
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { activationConfigSchema, activationPlugin } from '@sparse/activation';
 *
 * const refs = implementationRefs(await createRuntime({ backend: 'cpu', plugins: [activationPlugin()] }));
 * const config = activationConfigSchema(refs).parse({ name: 'tiny', models: [{ model: 'gated-mlp', epochs: 1, learningRate: 0.001, sparsifiers: ['cats'] }] });
 * console.log(config.targets); // [ 0.5, 0.7, 0.9 ]
 * ```
 */
export function activationConfigSchema(refs: ImplementationRefs) {
  const sparsifier = refs.of(Sparsifiers);
  const fineTune = z
    .strictObject({
      sparsifier: sparsifier.default('cats').meta({ description: 'The sparsifier whose thresholds stay in place while training.' }),
      targets: z.array(z.number().min(0).max(1)).min(1).max(20).refine(distinct, { message: 'targets must be distinct' }).optional().meta({ description: 'Target sparsities to fine-tune at; default: the sparsifier\'s levels.' }),
      epochs: z.int().min(1).max(1000).default(1),
      learningRates: z.array(z.number().gt(0).max(10)).min(1).max(10).refine(distinct, { message: 'learning rates must be distinct' }).default([5e-5]).meta({ description: 'Adam learning rates (constant); one fine-tuning run per target and rate.' }),
    })
    .meta({ description: 'CATS-style fine-tuning with the thresholds in place, starting each time from the dense model.' });
  const model = z.strictObject({
    id: z.string().regex(MODEL_ID).optional().meta({ description: 'Names the model in unit ids and the report (letters, digits, ".", "_", "-"); default: the model\'s name.' }),
    model: refs.of(ActivationModels).meta({ description: 'The architecture and its sizes: gated-mlp, vit, relu-mlp.' }),
    epochs: z.int().min(1).max(1000).meta({ description: 'Epochs of dense training.' }),
    learningRate: z.number().gt(0).max(10).meta({ description: 'Peak Adam learning rate of dense training (cosine schedule down to 5 % of it).' }),
    sparsifiers: z.array(sparsifier).max(32).default([]).meta({ description: 'The sparsifiers compared on the trained model, each at every level.' }),
    reluSwap: z.boolean().default(false).meta({ description: 'Also measure the trained weights with ReLU in place of SiLU in the gates (gated models).' }),
    trackNonzero: z.boolean().default(false).meta({ description: 'Measure the fraction of nonzero activations at initialisation and after every epoch (lazy neurons).' }),
    fineTune: fineTune.optional(),
    timing: z
      .strictObject({
        examples: count('Test images per timed forward pass.').default(1000),
        repeats: z.int().min(1).max(100).default(5).meta({ description: 'Timed passes of each variant (dense and each thresholded level), interleaved; the median is reported.' }),
      })
      .optional()
      .meta({ description: 'Measure the wall-clock forward time of the dense and the thresholded model (first sparsifier, every level) in the same process.' }),
  });
  return z.object({
    name: z.string().regex(NAME).meta({ description: "The run directory's prefix: 1 to 100 letters, digits, '.', '_' or '-'." }),
    seeds: z
      .array(z.int().min(0).max(2 ** 32 - 1))
      .min(1)
      .max(20)
      .refine(distinct, { message: 'seeds must be distinct' })
      .default([0])
      .meta({ description: 'One replicate per seed; every random draw of a replicate derives from its seed.' }),
    dataset: fashionMnistDatasetSchema.default('bundled'),
    trainExamples: count('Train on a seeded subset of this many training images (default all).').optional(),
    testExamples: count('Measure on a seeded subset of this many test images (default all).').optional(),
    batchSize: z.int().min(1).max(65536).default(128),
    validationExamples: count('Training images held out from training (seeded split per seed); thresholds are calibrated on them only.').default(5000),
    calibration: z
      .strictObject({ examples: count('Held-out validation images the thresholds are calibrated on.').default(2000), batchSize: count('Images per calibration batch.').default(100) })
      .default({ examples: 2000, batchSize: 100 }),
    targets: z
      .array(z.number().min(0).max(1))
      .min(1)
      .max(20)
      .refine(distinct, { message: 'targets must be distinct' })
      .default([0.5, 0.7, 0.9])
      .meta({ description: 'Target sparsities in [0, 1].' }),
    probeExamples: count('Training images (seen in training) on which trackNonzero also counts.').default(5000),
    workers: z.int().min(1).max(64).default(2).meta({ description: 'Worker threads, one model each.' }),
    models: z.array(model).min(1).max(32),
  });
}

/**
 * One entry of `models` in a validated config.
 *
 * @example
 * ```ts
 * import type { ActivationModelConfig } from '@sparse/activation';
 *
 * const vit: ActivationModelConfig = { model: { name: 'vit', layers: 2 }, epochs: 5, learningRate: 0.002, sparsifiers: ['chess-plus'], reluSwap: false, trackNonzero: false };
 * ```
 */
export interface ActivationModelConfig {
  readonly id?: string;
  readonly model: ImplementationRef;
  readonly epochs: number;
  readonly learningRate: number;
  readonly sparsifiers: readonly ImplementationRef[];
  readonly reluSwap: boolean;
  readonly trackNonzero: boolean;
  readonly fineTune?: {
    readonly sparsifier: ImplementationRef;
    readonly targets?: readonly number[];
    readonly epochs: number;
    readonly learningRates: readonly number[];
  };
  readonly timing?: { readonly examples: number; readonly repeats: number };
}

/**
 * A validated `activation` experiment config (see {@link activationConfigSchema}), with the
 * runner's `backend` and `plugins`.
 *
 * @example
 * ```ts
 * import type { ActivationExperimentConfig } from '@sparse/activation';
 *
 * declare const config: ActivationExperimentConfig;
 * console.log(config.name, config.models.length, config.targets);
 * ```
 */
export interface ActivationExperimentConfig {
  readonly name: string;
  readonly seeds: readonly number[];
  readonly dataset: FashionMnistDatasetConfig;
  readonly trainExamples?: number;
  readonly testExamples?: number;
  readonly batchSize: number;
  readonly validationExamples: number;
  readonly calibration: { readonly examples: number; readonly batchSize: number };
  readonly targets: readonly number[];
  readonly probeExamples: number;
  readonly workers: number;
  readonly models: readonly ActivationModelConfig[];
  /** Added by the runner. */
  readonly kind?: string;
  /** Added by the runner (default `wasm`). */
  readonly backend?: string;
  /** Added by the runner. */
  readonly plugins?: readonly unknown[];
}
