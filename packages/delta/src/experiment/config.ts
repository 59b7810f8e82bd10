import { z } from 'zod';
import type { ImplementationRef, ImplementationRefs } from '@sparse/core';
import { fashionMnistDatasetSchema, type FashionMnistDatasetConfig } from '@sparse/datasets';
import { DEFAULT_EXCLUDE } from '../options/exclude.js';
import { DeltaMethods } from '../tokens.js';

const integer = (min: number, max: number) => z.number().int().min(min).max(max);
const seed = () => integer(0, 2 ** 32 - 1);
const rate = () => z.number().min(0).max(1);
const classes = (fallback: readonly number[], description: string) =>
  z
    .array(integer(0, 9))
    .min(1)
    .max(10)
    .refine((values) => new Set(values).size === values.length, { message: 'classes must not repeat' })
    .default([...fallback])
    .meta({ description });

const optimizerSchema = z
  .discriminatedUnion('name', [
    z.strictObject({ name: z.literal('adam'), learningRate: z.number().gt(0).max(10) }),
    z.strictObject({
      name: z.literal('adamr'),
      learningRate: z.number().gt(0).max(10),
      lambda: z.number().min(0).max(100).meta({ description: 'Strength of the pull toward the pretrained weights (AdamR).' }),
      penalty: z.enum(['l2', 'l1']).default('l2').meta({ description: 'l2: pull by θ − θ_pre (DAREx-L2); l1: by its sign.' }),
    }),
  ])
  .meta({ description: 'adam { learningRate } or adamr { learningRate, lambda, penalty }: Adam with a decoupled pull toward the pretrained weights.' });

const regimeSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, "1 to 40 lowercase letters, digits, '.', '_' or '-'")
    .meta({ description: 'Names the fine-tuned model in tables, files and unit ids.' }),
  label: z.string().min(1).max(200).optional().meta({ description: 'Shown in reports; default: the optimizer and learning rate.' }),
  epochs: integer(1, 1000),
  optimizer: optimizerSchema,
});

const mergeTaskSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, "1 to 40 lowercase letters, digits, '.', '_' or '-'")
    .meta({ description: 'Names the fine-tuned model of this task in tables, files and unit ids.' }),
  classes: classes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'The classes of this task: it is fine-tuned and tested on them.'),
  epochs: integer(1, 1000),
  optimizer: optimizerSchema,
});

const mergeSchema = z
  .strictObject({
    tasks: z.array(mergeTaskSchema).min(2).max(8).meta({ description: 'The fine-tunes of the pretrained model that are merged, each on its own classes.' }),
    methods: z
      .array(z.union([z.literal('task-arithmetic'), z.literal('ties')]))
      .min(1)
      .max(2)
      .default(['task-arithmetic', 'ties'])
      .meta({ description: 'task-arithmetic: the sum of the deltas; ties: sign election, agreeing deltas averaged.' }),
    rates: z.array(z.number().min(0).lt(1)).min(1).max(8).default([0, 0.9]).meta({ description: 'DARE drop rates applied to every delta before merging (0: not pruned).' }),
    scale: z.number().gt(0).max(10).default(1).meta({ description: 'λ, multiplies the merged delta.' }),
  })
  .optional()
  .meta({ description: 'Merging: fine-tune the pretrained model once per task, merge the deltas (after DARE at each rate), test on every task and on all their classes together.' });

const excludeSchema = z
  .array(
    z
      .string()
      .max(1000)
      .refine(
        (source) => {
          try {
            new RegExp(source);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'not a valid regular expression' },
      ),
  )
  .max(64)
  .default(DEFAULT_EXCLUDE.map((pattern) => pattern.source))
  .meta({ description: 'Tensors kept as fine-tuned (regular expressions on fc1/kernel, fc1/bias, …, head/kernel, head/bias); default: the head.' });

/**
 * The fields of a `delta` experiment config (besides `kind`, `plugins`, `backend`, `$schema`):
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix | required |
 * | `seed` | seed of the initial weights, the validation split, the calibration inputs and the batch order | 0 |
 * | `dropSeeds` | seeds of the random drops; random methods are averaged over them | `[0, 1, 2, 3]` |
 * | `dataset` | `"bundled"` or `{ "dir": folder }` (Fashion-MNIST) | `"bundled"` |
 * | `validationSize` | training images held out (labelled q search) | 5000 |
 * | `calibrationSize` | unlabelled training images for the output change and the analytical q | 512 |
 * | `model.hidden` | hidden widths of the MLP 784-…-10 (ReLU) | `[256, 256]` |
 * | `batchSize` | minibatch size | 128 |
 * | `pretrain` | `{ classes, epochs, learningRate }`: Adam on these classes only | classes 0–4, 3 epochs, 1e-3 |
 * | `finetune` | `{ classes, regimes: [{ id, label?, epochs, optimizer }] }`: each regime fine-tunes every parameter of the pretrained model | all 10 classes; regimes required |
 * | `exclude` | tensors kept as fine-tuned | the head |
 * | `rates` | drop rates p of the accuracy curves | `[0.5, 0.7, 0.9, 0.95, 0.99]` |
 * | `methods` | delta methods of the curves (names or `{ name, ...options }` from {@link DeltaMethods}) | DARE, DropOnly, magnitude, magnitude + 1/(1−p) |
 * | `darex` | `{ rate, methods }`: methods compared at one rate with their q, output change and search cost | none |
 * | `seeds` | run everything once per seed (replaces `seed`), reported as mean ± sd over seeds | none |
 * | `merge` | `{ tasks: [{ id, classes, epochs, optimizer }], methods, rates, scale }`: fine-tune once per task, merge the (DARE'd) deltas, test on each task and all together | none |
 * | `varianceCheck` | `{ regime, unit, seeds, points: [{ rate, q }] }`: one unit of the last hidden layer, mean and variance of its change over drop seeds against the formulas | none |
 *
 * @param refs - the runtime's name tables (`methods` are checked against {@link DeltaMethods}).
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { deltaExperimentSchema, deltaPlugin } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin()] });
 * const schema = deltaExperimentSchema(implementationRefs(runtime));
 * console.log(schema.safeParse({ name: 'x', finetune: { regimes: [{ id: 'small', epochs: 1, optimizer: { name: 'adam', learningRate: 1e-4 } }] } }).success); // true
 * ```
 */
export function deltaExperimentSchema(refs: ImplementationRefs) {
  const method = refs.of(DeltaMethods);
  return z.object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    seed: seed().default(0).meta({ description: 'Seed of the initial weights, the validation split, the calibration inputs and the batch order.' }),
    seeds: z
      .array(seed())
      .min(1)
      .max(16)
      .refine((values) => new Set(values).size === values.length, { message: 'seeds must not repeat' })
      .optional()
      .meta({ description: 'Run the whole experiment once per seed (replaces seed); results are reported as mean ± sd over them.' }),
    dropSeeds: z.array(seed()).min(1).max(64).default([0, 1, 2, 3]).meta({ description: 'Seeds of the random drops; random methods are averaged over them.' }),
    dataset: fashionMnistDatasetSchema.default('bundled'),
    validationSize: integer(1, 59999).default(5000).meta({ description: 'Training images held out as labelled validation data.' }),
    calibrationSize: integer(1, 60000).default(512).meta({ description: 'Unlabelled training images for the output change and the analytical q.' }),
    model: z
      .strictObject({ hidden: z.array(integer(1, 4096)).min(1).max(8).default([256, 256]).meta({ description: 'Hidden widths of the MLP 784-…-10 (ReLU).' }) })
      .default({ hidden: [256, 256] }),
    batchSize: integer(1, 65536).default(128),
    pretrain: z
      .strictObject({
        classes: classes([0, 1, 2, 3, 4], 'The classes the base model is pretrained on.'),
        epochs: integer(1, 1000).default(3),
        learningRate: z.number().gt(0).max(10).default(1e-3),
      })
      .default({ classes: [0, 1, 2, 3, 4], epochs: 3, learningRate: 1e-3 }),
    finetune: z.strictObject({
      classes: classes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'The classes of the fine-tuning task (test accuracy is measured on them).'),
      regimes: z.array(regimeSchema).min(1).max(16).meta({ description: 'The fine-tuned models whose deltas are pruned.' }),
    }),
    exclude: excludeSchema,
    rates: z.array(rate()).min(1).max(32).default([0.5, 0.7, 0.9, 0.95, 0.99]).meta({ description: 'Drop rates p of the accuracy curves.' }),
    methods: z
      .array(method)
      .min(1)
      .max(32)
      .default(['dare', 'drop-only', 'magnitude', { name: 'magnitude', rescale: 'dare' }])
      .meta({ description: 'Delta methods evaluated at every rate.' }),
    darex: z
      .strictObject({ rate: z.number().gt(0).lt(1), methods: z.array(method).min(1).max(16) })
      .optional()
      .meta({ description: 'Methods compared at one drop rate with the q they use, the output change and the evaluations their choice took.' }),
    merge: mergeSchema,
    varianceCheck: z
      .strictObject({
        regime: z.string().meta({ description: 'The id of the fine-tuning regime whose delta is used.' }),
        unit: integer(0, 4095).default(7),
        seeds: integer(2, 1_000_000).default(5000),
        points: z.array(z.strictObject({ rate: z.number().gt(0).lt(1), q: z.number().gt(0).max(1) })).min(1).max(16),
      })
      .optional()
      .meta({ description: 'One unit of the last hidden layer: mean and variance of its change over drop seeds against the closed forms.' }),
  });
}

/**
 * A fine-tuning regime of a `delta` config.
 *
 * @example
 * ```ts
 * import type { DeltaRegimeConfig } from '@sparse/delta';
 *
 * const small: DeltaRegimeConfig = { id: 'small', epochs: 2, optimizer: { name: 'adam', learningRate: 1e-4 } };
 * ```
 */
export interface DeltaRegimeConfig {
  readonly id: string;
  readonly label?: string;
  readonly epochs: number;
  readonly optimizer: { readonly name: 'adam'; readonly learningRate: number } | { readonly name: 'adamr'; readonly learningRate: number; readonly lambda: number; readonly penalty: 'l2' | 'l1' };
}

/**
 * The `merge` block of a `delta` config: the tasks whose fine-tunes are merged, the merge methods,
 * the DARE rates applied before merging and `λ`.
 *
 * @example
 * ```ts
 * import type { DeltaMergeConfig } from '@sparse/delta';
 *
 * const merge: DeltaMergeConfig = {
 *   tasks: [
 *     { id: 'bags', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8], epochs: 1, optimizer: { name: 'adam', learningRate: 1e-4 } },
 *     { id: 'boots', classes: [0, 1, 2, 3, 4, 5, 6, 7, 9], epochs: 1, optimizer: { name: 'adam', learningRate: 1e-4 } },
 *   ],
 *   methods: ['task-arithmetic', 'ties'],
 *   rates: [0, 0.9],
 *   scale: 1,
 * };
 * ```
 */
export interface DeltaMergeConfig {
  readonly tasks: readonly (Omit<DeltaRegimeConfig, 'label'> & { readonly classes: readonly number[] })[];
  readonly methods: readonly ('task-arithmetic' | 'ties')[];
  readonly rates: readonly number[];
  readonly scale: number;
}

/**
 * A validated `delta` experiment config (see {@link deltaExperimentSchema}), with `backend`.
 *
 * @example
 * ```ts
 * import type { DeltaExperimentConfig } from '@sparse/delta';
 *
 * declare const config: DeltaExperimentConfig;
 * console.log(config.finetune.regimes.map((regime) => regime.id));
 * ```
 */
export interface DeltaExperimentConfig {
  readonly name: string;
  readonly backend: string;
  readonly seed: number;
  readonly seeds?: readonly number[];
  readonly dropSeeds: readonly number[];
  readonly dataset: FashionMnistDatasetConfig;
  readonly validationSize: number;
  readonly calibrationSize: number;
  readonly model: { readonly hidden: readonly number[] };
  readonly batchSize: number;
  readonly pretrain: { readonly classes: readonly number[]; readonly epochs: number; readonly learningRate: number };
  readonly finetune: { readonly classes: readonly number[]; readonly regimes: readonly DeltaRegimeConfig[] };
  readonly exclude: readonly string[];
  readonly rates: readonly number[];
  readonly methods: readonly ImplementationRef[];
  readonly darex?: { readonly rate: number; readonly methods: readonly ImplementationRef[] };
  readonly merge?: DeltaMergeConfig;
  readonly varianceCheck?: { readonly regime: string; readonly unit: number; readonly seeds: number; readonly points: readonly { readonly rate: number; readonly q: number }[] };
}

/**
 * The label of a regime: its own, or the optimizer and learning rate (`Adam lr 1e-4`,
 * `AdamR-L2 λ = 0.01, lr 1e-2`).
 *
 * @example
 * ```ts
 * import { regimeLabel } from '@sparse/delta';
 *
 * console.log(regimeLabel({ id: 'small', epochs: 2, optimizer: { name: 'adam', learningRate: 1e-4 } })); // Adam lr 1e-4
 * ```
 */
export function regimeLabel(regime: DeltaRegimeConfig): string {
  if (regime.label !== undefined) return regime.label;
  const lr = regime.optimizer.learningRate.toExponential().replace('e+', 'e').replace(/^(\d)(?:\.0+)?e/, '$1e');
  if (regime.optimizer.name === 'adam') return `Adam lr ${lr}`;
  return `AdamR-${regime.optimizer.penalty.toUpperCase()} λ = ${regime.optimizer.lambda}, lr ${lr}`;
}
