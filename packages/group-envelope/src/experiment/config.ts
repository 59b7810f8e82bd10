import { z } from 'zod';
import { Regularizers, TrainingEngines, type ImplementationRef, type ImplementationRefs } from '@sparse/core';
import { fashionMnistDatasetSchema, type FashionMnistDatasetConfig } from '@sparse/datasets';

/**
 * A validated `group-envelope` experiment config (see {@link groupEnvelopeConfigSchema} for the
 * fields and their defaults). `backend`, `kind` and `plugins` are the runner's common fields.
 *
 * @example
 * ```ts
 * import type { GroupEnvelopeExperimentConfig } from '@sparse/group-envelope';
 *
 * declare const config: GroupEnvelopeExperimentConfig;
 * console.log(config.model.layerSizes.join('-'), config.methods.length);
 * ```
 */
export interface GroupEnvelopeExperimentConfig {
  /** Run directory prefix: 1 to 100 letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** One replicate per seed (initial weights, validation split and batch order derive from it). */
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
  /** Training epochs (every method). */
  readonly epochs: number;
  /** Masked fine-tune epochs after the hard selection (regularized methods). */
  readonly fineTuneEpochs: number;
  /** Adam's learning rate while training (also `η` in the prox strength `η·λ`). */
  readonly learningRate: number;
  /** Adam's learning rate during the fine-tune. */
  readonly fineTuneLearningRate: number;
  /** Epochs at the start without the proximal step. */
  readonly warmupEpochs: number;
  /** Also train the network without a regularizer (the baseline of the comparison). */
  readonly dense: boolean;
  /** The regularizers compared, each named by a ref resolved through the runtime. */
  readonly methods: readonly ImplementationRef[];
  /** Fraction of each set's groups the hard selection removes: `k = round((1 − s)·m)`. */
  readonly targetGroupSparsity: number;
  /** Steps between counts of the nonzero groups while the prox runs. */
  readonly recordEvery: number;
  /** Rounds of the inference-latency measurement after training (0: none); timings go to `latency.json`. */
  readonly latencyRounds: number;
  /**
   * The training engine (`stock`, `fused`, `dense-trainer` or a plugin's own) that takes the Adam
   * steps, the regularizer's proximal steps running between them; absent: `tf.train.adam` through
   * core's `train` (the `stock` engine's path), as the committed results ran.
   */
  readonly engine?: ImplementationRef;
  /** Evidence shown in the report: prox-scaling benchmark results (a JSON file). */
  readonly appendix?: { readonly proxScaling?: string };
  /** The TensorFlow.js backend (the runner's field). */
  readonly backend: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The schema of a `group-envelope` config's own fields (the runner adds `kind`, `plugins`,
 * `backend` and `$schema`). `methods` names regularizers of the runtime (`gsef`, `sef`,
 * `group-lasso` or a plugin's own group regularizer) with their options, checked against each
 * one's schema.
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix | required |
 * | `seeds` | replicate seeds (distinct integers ≥ 0) | `[1]` |
 * | `dataset` | `"bundled"` (6,000 / 1,000 subset) or `{ "dir": … }` (relative to the working directory, else the config's folder) | `"bundled"` |
 * | `validationSize` | training images held out for validation | 5000 |
 * | `trainSize`, `testSize` | use only the first this many training / test images | all |
 * | `model.layerSizes` | MLP widths (784 first, 10 last, at least one hidden layer) | `[784, 512, 256, 10]` |
 * | `batchSize` | minibatch size | 128 |
 * | `epochs` | training epochs | 12 |
 * | `fineTuneEpochs` | masked fine-tune epochs after the hard selection | 4 |
 * | `learningRate`, `fineTuneLearningRate` | Adam's rates | 1e-3, 5e-4 |
 * | `warmupEpochs` | epochs before the proximal step starts | 1 |
 * | `dense` | train the unregularized baseline | `true` |
 * | `methods` | regularizers: `"gsef"` or `{ "name": "gsef", "lambda": 3, "targetGroupSparsity": 0.75 }` | `[]` |
 * | `targetGroupSparsity` | fraction of each set's groups the hard selection removes | 0.75 |
 * | `recordEvery` | steps between counts of nonzero groups | 50 |
 * | `latencyRounds` | interleaved latency rounds after training (0: none) | 0 |
 * | `engine` | the training engine taking the Adam steps (`"dense-trainer"`, `"fused"`, `"stock"` or a plugin's own, as `"name"` or `{ "name", ...options }`); the proximal steps and the fine-tune's masks run between its steps | none: `tf.train.adam` through core's `train` |
 * | `appendix` | `{ "proxScaling": file }`: the prox-scaling benchmark's JSON, shown in the report (λ is chosen by code from a tuning run: `pnpm results:group-envelope`) | none |
 *
 * @param refs - the runtime's implementation references (`refs.of(Regularizers)`, `refs.of(TrainingEngines)`).
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { groupEnvelopeConfigSchema, groupEnvelopePlugin } from '@sparse/group-envelope';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelopePlugin()] });
 * const schema = groupEnvelopeConfigSchema(implementationRefs(runtime));
 * console.log(schema.safeParse({ name: 'x', methods: [{ name: 'gsef', lambda: 3, targetGroupSparsity: 0.75 }] }).success); // true
 * ```
 */
export function groupEnvelopeConfigSchema(refs: ImplementationRefs): z.ZodObject {
  return z
    .object({
      name: z.string().regex(NAME, "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit").meta({ description: 'Run directory prefix.' }),
      seeds: z.array(z.int().min(0).max(2 ** 32 - 1)).min(1).max(64).default([1]).meta({ description: 'One replicate per seed.' }),
      dataset: fashionMnistDatasetSchema.default('bundled'),
      validationSize: z.int().min(1).default(5000).meta({ description: 'Training images held out for validation.' }),
      trainSize: z.int().min(1).optional().meta({ description: 'Train on the first this many of the remaining training images. Default: all.' }),
      testSize: z.int().min(1).optional().meta({ description: 'Test on the first this many test images. Default: all.' }),
      model: z
        .strictObject({ layerSizes: z.array(z.int().min(1).max(65536)).min(3).max(16).default([784, 512, 256, 10]) })
        .default({ layerSizes: [784, 512, 256, 10] })
        .meta({ description: 'The MLP: widths, 784 first and 10 last, ReLU between.' }),
      batchSize: z.int().min(1).max(65536).default(128),
      epochs: z.int().min(1).max(10000).default(12).meta({ description: 'Training epochs.' }),
      fineTuneEpochs: z.int().min(0).max(10000).default(4).meta({ description: 'Masked fine-tune epochs after the hard selection.' }),
      learningRate: z.number().gt(0).max(10).default(1e-3).meta({ description: "Adam's learning rate (also η in the prox strength η·λ)." }),
      fineTuneLearningRate: z.number().gt(0).max(10).default(5e-4).meta({ description: "Adam's learning rate during the fine-tune." }),
      warmupEpochs: z.int().min(0).default(1).meta({ description: 'Epochs before the proximal step starts.' }),
      dense: z.boolean().default(true).meta({ description: 'Also train the unregularized network.' }),
      methods: z.array(refs.of(Regularizers)).max(32).default([]).meta({ description: 'The group regularizers compared, by name with options.' }),
      targetGroupSparsity: z.number().min(0).lt(1).default(0.75).meta({ description: "Fraction of each set's groups the hard selection removes." }),
      recordEvery: z.int().min(1).default(50).meta({ description: 'Steps between counts of nonzero groups.' }),
      latencyRounds: z.int().min(0).max(100).default(0).meta({ description: 'Interleaved latency rounds after training (0: none); timings go to latency.json.' }),
      engine: refs
        .of(TrainingEngines)
        .optional()
        .meta({ description: "The training engine taking the Adam steps (dense-trainer, fused, stock or a plugin's own); the proximal steps run between its steps. Default: tf.train.adam through core's train (the stock path)." }),
      appendix: z
        .strictObject({
          proxScaling: z.string().min(1).max(4096).optional().meta({ description: 'The JSON written by bench/prox-scaling.ts --json.' }),
        })
        .optional()
        .meta({ description: 'Evidence shown in the report (paths relative to the working directory, else the config file).' }),
    })
    .superRefine((config, context) => {
      const layers = config.model.layerSizes;
      if (layers[0] !== 784) context.addIssue({ code: 'custom', path: ['model', 'layerSizes', 0], message: `Fashion-MNIST images have 784 pixels; the first width must be 784, received ${String(layers[0])}` });
      if (layers[layers.length - 1] !== 10) {
        context.addIssue({ code: 'custom', path: ['model', 'layerSizes', layers.length - 1], message: `Fashion-MNIST has 10 classes; the last width must be 10, received ${String(layers[layers.length - 1])}` });
      }
      if (new Set(config.seeds).size !== config.seeds.length) context.addIssue({ code: 'custom', path: ['seeds'], message: 'seeds must be distinct' });
      if (!config.dense && config.methods.length === 0) context.addIssue({ code: 'custom', path: ['methods'], message: 'nothing to run: give at least one method, or dense: true' });
      if (config.methods.length > 0 && config.warmupEpochs >= config.epochs) {
        context.addIssue({ code: 'custom', path: ['warmupEpochs'], message: `the proximal step would never run: warmupEpochs must be below epochs (${config.epochs}), received ${config.warmupEpochs}` });
      }
    });
}
