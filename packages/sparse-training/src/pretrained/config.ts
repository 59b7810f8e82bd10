import { z } from 'zod';
import { TrainingEngines, type ImplementationRef, type ImplementationRefs } from '@sparse/core';
import { fashionMnistDatasetSchema, type FashionMnistDatasetConfig } from '@sparse/datasets';
import type { MagnitudeAllocation } from '../jackpots/magnitude-masks.js';

/**
 * A validated `pretrained-masks` experiment config (see {@link pretrainedMasksConfigSchema} for
 * the fields and their defaults). `backend`, `kind` and `plugins` are the runner's common fields.
 *
 * @example
 * ```ts
 * import type { PretrainedMasksConfig } from '@sparse/sparse-training';
 *
 * declare const config: PretrainedMasksConfig;
 * console.log(config.jackpotSparsities, config.search.learningRates);
 * ```
 */
export interface PretrainedMasksConfig {
  /** Run directory prefix. */
  readonly name: string;
  /** One replicate per seed (initial weights, validation split and batch orders derive from it). */
  readonly seeds: readonly number[];
  /** `"bundled"` or `{ "dir": … }` with the four Fashion-MNIST files. */
  readonly dataset: FashionMnistDatasetConfig;
  /** Training images held out for validation (every choice of the experiment is made on them). */
  readonly validationSize: number;
  /** Train on the first this many of the remaining training images (default: all). */
  readonly trainSize?: number;
  /** Test on the first this many test images (default: all). */
  readonly testSize?: number;
  /** The MLP's widths, 784 first and 10 last; ReLU between. */
  readonly model: { readonly layerSizes: readonly number[] };
  /** Pretraining: minibatch size, epochs, Adam's learning rate, engine. */
  readonly batchSize: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly engine?: ImplementationRef;
  /** Keep the output layer's kernel dense (the Lottery Jackpots code keeps the classifier dense). */
  readonly keepOutputDense: boolean;
  /** The essential-sparsity sweep. */
  readonly essential: {
    readonly sparsities: readonly number[];
    readonly allocations: readonly MagnitudeAllocation[];
    /** Accuracy drop from dense (fraction: 0.01 = 1 point) that still counts as "no drop". */
    readonly tolerance: number;
  };
  /** Sparsities of the magnitude vs Lottery Jackpots comparison. */
  readonly jackpotSparsities: readonly number[];
  /** How the comparison's sparsity is spread over the kernels (the Jackpots code: `global`, its `l1`). */
  readonly allocation: MagnitudeAllocation;
  /** The Lottery Jackpots search. */
  readonly search: {
    readonly epochs: number;
    readonly batchSize: number;
    /** Learning rates tried; the (rate, epoch) of best validation accuracy is reported. */
    readonly learningRates: readonly number[];
    readonly momentum: number;
    readonly weightDecay: number;
    readonly restriction: 'cosine' | 'full';
  };
  /** The reference point: magnitude masks plus a short masked fine-tune (Adam); `epochs: 0` skips it. */
  readonly fineTune: { readonly epochs: number; readonly learningRate: number };
  /** The TensorFlow.js backend (the runner's field). */
  readonly backend: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ascending = (values: readonly number[]): boolean => values.every((v, i) => i === 0 || v > (values[i - 1] as number));
const DEFAULT_SWEEP = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99];

/**
 * The schema of a `pretrained-masks` config's own fields (the runner adds `kind`, `plugins`,
 * `backend` and `$schema`).
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix | required |
 * | `seeds` | replicate seeds (distinct integers ≥ 0) | `[1]` |
 * | `dataset` | `"bundled"` or `{ "dir": … }` | `"bundled"` |
 * | `validationSize` | training images held out for validation | 5000 |
 * | `trainSize`, `testSize` | use only the first this many training / test images | all |
 * | `model.layerSizes` | MLP widths (784 first, 10 last) | `[784, 300, 100, 10]` |
 * | `batchSize`, `epochs`, `learningRate`, `engine` | pretraining (Adam) | 60, 10, 1.2e-3, fastest accepting engine |
 * | `keepOutputDense` | never prune the output kernel | `true` |
 * | `essential` | `{ sparsities, allocations, tolerance }` of the essential-sparsity sweep | 0.1 … 0.99, both, 0.01 |
 * | `jackpotSparsities` | sparsities of magnitude vs Lottery Jackpots | `[0.5, 0.7, 0.8, 0.9]` |
 * | `allocation` | `global` or `layerwise` for that comparison | `global` |
 * | `search` | `{ epochs, batchSize, learningRates, momentum, weightDecay, restriction }` | 5, 256, `[0.1, 1]`, 0.9, 5e-4, `cosine` |
 * | `fineTune` | `{ epochs, learningRate }` of the magnitude + fine-tune reference | 1, 1.2e-3 |
 *
 * @param refs - the runtime's implementation references (for `engine`).
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { pretrainedMasksConfigSchema } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * const schema = pretrainedMasksConfigSchema(implementationRefs(runtime));
 * console.log(schema.safeParse({ name: 'x', jackpotSparsities: [0.9] }).success); // true
 * ```
 */
export function pretrainedMasksConfigSchema(refs: ImplementationRefs): z.ZodObject {
  return z
    .object({
      name: z.string().regex(NAME, "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit").meta({ description: 'Run directory prefix.' }),
      seeds: z.array(z.int().min(0).max(2 ** 32 - 1)).min(1).max(64).default([1]).meta({ description: 'One replicate per seed.' }),
      dataset: fashionMnistDatasetSchema.default('bundled'),
      validationSize: z.int().min(1).default(5000).meta({ description: 'Training images held out for validation (all choices are made on them).' }),
      trainSize: z.int().min(1).optional().meta({ description: 'Train on the first this many of the remaining training images. Default: all.' }),
      testSize: z.int().min(1).optional().meta({ description: 'Test on the first this many test images. Default: all.' }),
      model: z
        .strictObject({ layerSizes: z.array(z.int().min(1).max(65536)).min(3).max(16).default([784, 300, 100, 10]) })
        .default({ layerSizes: [784, 300, 100, 10] })
        .meta({ description: 'The MLP: widths, 784 first and 10 last, ReLU between.' }),
      batchSize: z.int().min(1).max(65536).default(60).meta({ description: 'Pretraining minibatch size.' }),
      epochs: z.int().min(1).max(10000).default(10).meta({ description: 'Pretraining epochs.' }),
      learningRate: z.number().gt(0).max(10).default(1.2e-3).meta({ description: "Pretraining Adam's learning rate." }),
      engine: refs.of(TrainingEngines).optional().meta({ description: 'The training engine; default dense-trainer when registered and accepting the model, else fused.' }),
      keepOutputDense: z.boolean().default(true).meta({ description: 'Never prune the output kernel (as the Lottery Jackpots code keeps the classifier dense).' }),
      essential: z
        .strictObject({
          sparsities: z.array(z.number().min(0).lt(1)).min(1).max(64).default(DEFAULT_SWEEP).meta({ description: 'Sparsities swept, strictly ascending.' }),
          allocations: z.array(z.enum(['layerwise', 'global'])).min(1).max(2).default(['layerwise', 'global']).meta({ description: 'Magnitude allocations swept.' }),
          tolerance: z.number().min(0).max(1).default(0.01).meta({ description: 'Accuracy drop from dense (0.01 = 1 point) that still counts as no drop.' }),
        })
        .default({ sparsities: DEFAULT_SWEEP, allocations: ['layerwise', 'global'], tolerance: 0.01 })
        .meta({ description: 'The essential-sparsity sweep: one-shot magnitude pruning without retraining.' }),
      jackpotSparsities: z.array(z.number().gt(0).lt(1)).min(1).max(16).default([0.5, 0.7, 0.8, 0.9]).meta({ description: 'Sparsities of magnitude pruning vs the Lottery Jackpots search.' }),
      allocation: z.enum(['global', 'layerwise']).default('global').meta({ description: "How the comparison's sparsity is spread over the kernels." }),
      search: z
        .strictObject({
          epochs: z.int().min(1).max(1000).default(5),
          batchSize: z.int().min(1).max(65536).default(256),
          learningRates: z.array(z.number().gt(0).max(1000)).min(1).max(8).default([0.1, 1]),
          momentum: z.number().min(0).lt(1).default(0.9),
          weightDecay: z.number().min(0).max(1).default(5e-4),
          restriction: z.enum(['cosine', 'full']).default('cosine'),
        })
        .default({ epochs: 5, batchSize: 256, learningRates: [0.1, 1], momentum: 0.9, weightDecay: 5e-4, restriction: 'cosine' })
        .meta({ description: 'The Lottery Jackpots search: SGD on the scores, per-epoch cosine learning rate, short restriction after every step.' }),
      fineTune: z
        .strictObject({ epochs: z.int().min(0).max(1000).default(1), learningRate: z.number().gt(0).max(10).default(1.2e-3) })
        .default({ epochs: 1, learningRate: 1.2e-3 })
        .meta({ description: 'Magnitude masks plus a short masked Adam fine-tune, as a reference point (epochs 0: skip).' }),
    })
    .superRefine((config, context) => {
      const layers = config.model.layerSizes;
      if (layers[0] !== 784) context.addIssue({ code: 'custom', path: ['model', 'layerSizes', 0], message: `Fashion-MNIST images have 784 pixels; the first width must be 784, received ${String(layers[0])}` });
      if (layers[layers.length - 1] !== 10) context.addIssue({ code: 'custom', path: ['model', 'layerSizes', layers.length - 1], message: `Fashion-MNIST has 10 classes; the last width must be 10, received ${String(layers[layers.length - 1])}` });
      if (new Set(config.seeds).size !== config.seeds.length) context.addIssue({ code: 'custom', path: ['seeds'], message: 'seeds must be distinct' });
      if (!ascending(config.essential.sparsities)) context.addIssue({ code: 'custom', path: ['essential', 'sparsities'], message: 'sparsities must be strictly ascending' });
      if (!ascending(config.jackpotSparsities)) context.addIssue({ code: 'custom', path: ['jackpotSparsities'], message: 'jackpotSparsities must be strictly ascending' });
      if (new Set(config.essential.allocations).size !== config.essential.allocations.length) context.addIssue({ code: 'custom', path: ['essential', 'allocations'], message: 'allocations must be distinct' });
    });
}
