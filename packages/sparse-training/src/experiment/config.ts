import { z } from 'zod';
import { TrainingEngines, type ImplementationRef, type ImplementationRefs } from '@sparse/core';
import { fashionMnistDatasetSchema, type FashionMnistDatasetConfig } from '@sparse/datasets';
import { SparseTrainingMethods } from '../tokens.js';

/**
 * A validated `sparse-training` experiment config (see {@link sparseTrainingConfigSchema} for the
 * fields and their defaults). `backend`, `kind` and `plugins` are the runner's common fields.
 *
 * @example
 * ```ts
 * import type { SparseTrainingExperimentConfig } from '@sparse/sparse-training';
 *
 * declare const config: SparseTrainingExperimentConfig;
 * console.log(config.methods.length, config.sparsities);
 * ```
 */
export interface SparseTrainingExperimentConfig {
  /** Run directory prefix. */
  readonly name: string;
  /** One replicate per seed (θ0, validation split and batch order derive from it). */
  readonly seeds: readonly number[];
  /** `"bundled"` or `{ "dir": … }` with the four Fashion-MNIST files. */
  readonly dataset: FashionMnistDatasetConfig;
  /** Training images held out for validation. */
  readonly validationSize: number;
  /** Train on the first this many of the remaining training images (default: all). */
  readonly trainSize?: number;
  /** Test on the first this many test images (default: all). */
  readonly testSize?: number;
  /** The MLP's widths, input first (784) and classes last (10); ReLU between. */
  readonly model: { readonly layerSizes: readonly number[] };
  readonly batchSize: number;
  /** The training budget in epochs (every method; methods with phases split it). */
  readonly epochs: number;
  /** Adam's learning rate. */
  readonly learningRate: number;
  /** The training engine (`dense-trainer`, `fused`, `stock`); default the fastest that accepts the model. */
  readonly engine?: ImplementationRef;
  /** Overall kernel sparsities; methods that use one run once per sparsity. */
  readonly sparsities: readonly number[];
  /** The methods compared, by name with options. */
  readonly methods: readonly ImplementationRef[];
  /** The TensorFlow.js backend (the runner's field). */
  readonly backend: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The schema of a `sparse-training` config's own fields (the runner adds `kind`, `plugins`,
 * `backend` and `$schema`). `methods` names methods of the runtime's `SparseTrainingMethods`
 * table with their options; `engine` a training engine.
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix | required |
 * | `seeds` | replicate seeds (distinct integers ≥ 0) | `[1]` |
 * | `dataset` | `"bundled"` (6,000 / 1,000 subset) or `{ "dir": … }` | `"bundled"` |
 * | `validationSize` | training images held out for validation | 5000 |
 * | `trainSize`, `testSize` | use only the first this many training / test images | all |
 * | `model.layerSizes` | MLP widths (784 first, 10 last) | `[784, 300, 100, 10]` (LeNet-300-100) |
 * | `batchSize` | minibatch size | 60 |
 * | `epochs` | training budget per method | 5 |
 * | `learningRate` | Adam's rate | 1.2e-3 |
 * | `engine` | training engine | fastest that accepts the model |
 * | `sparsities` | overall kernel sparsities in (0, 1) | `[0.9]` |
 * | `methods` | `"rigl"` or `{ "name": "static", "distribution": "uniform" }` | required |
 *
 * @param refs - the runtime's implementation references.
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { sparseTrainingConfigSchema, sparseTrainingPlugin } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseTrainingPlugin()] });
 * const schema = sparseTrainingConfigSchema(implementationRefs(runtime));
 * console.log(schema.safeParse({ name: 'x', methods: ['rigl', 'set'] }).success); // true
 * ```
 */
export function sparseTrainingConfigSchema(refs: ImplementationRefs): z.ZodObject {
  return z
    .object({
      name: z.string().regex(NAME, "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit").meta({ description: 'Run directory prefix.' }),
      seeds: z.array(z.int().min(0).max(2 ** 32 - 1)).min(1).max(64).default([1]).meta({ description: 'One replicate per seed.' }),
      dataset: fashionMnistDatasetSchema.default('bundled'),
      validationSize: z.int().min(1).default(5000).meta({ description: 'Training images held out for validation.' }),
      trainSize: z.int().min(1).optional().meta({ description: 'Train on the first this many of the remaining training images. Default: all.' }),
      testSize: z.int().min(1).optional().meta({ description: 'Test on the first this many test images. Default: all.' }),
      model: z
        .strictObject({ layerSizes: z.array(z.int().min(1).max(65536)).min(3).max(16).default([784, 300, 100, 10]) })
        .default({ layerSizes: [784, 300, 100, 10] })
        .meta({ description: 'The MLP: widths, 784 first and 10 last, ReLU between.' }),
      batchSize: z.int().min(1).max(65536).default(60),
      epochs: z.int().min(1).max(10000).default(5).meta({ description: 'The training budget of every method, in epochs.' }),
      learningRate: z.number().gt(0).max(10).default(1.2e-3).meta({ description: "Adam's learning rate." }),
      engine: refs.of(TrainingEngines).optional().meta({ description: 'The training engine; default the fastest that accepts the model.' }),
      sparsities: z.array(z.number().gt(0).lt(1)).min(1).max(32).default([0.9]).meta({ description: 'Overall kernel sparsities; methods that use one run once per sparsity.' }),
      methods: z.array(refs.of(SparseTrainingMethods)).min(1).max(32).meta({ description: 'The methods compared, by name with options.' }),
    })
    .superRefine((config, context) => {
      const layers = config.model.layerSizes;
      if (layers[0] !== 784) context.addIssue({ code: 'custom', path: ['model', 'layerSizes', 0], message: `Fashion-MNIST images have 784 pixels; the first width must be 784, received ${String(layers[0])}` });
      if (layers[layers.length - 1] !== 10) {
        context.addIssue({ code: 'custom', path: ['model', 'layerSizes', layers.length - 1], message: `Fashion-MNIST has 10 classes; the last width must be 10, received ${String(layers[layers.length - 1])}` });
      }
      if (new Set(config.seeds).size !== config.seeds.length) context.addIssue({ code: 'custom', path: ['seeds'], message: 'seeds must be distinct' });
      if (new Set(config.sparsities).size !== config.sparsities.length) context.addIssue({ code: 'custom', path: ['sparsities'], message: 'sparsities must be distinct' });
    });
}
