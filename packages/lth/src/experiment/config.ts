import { z } from 'zod';
import { Scorers, TrainingEngines, type ImplementationRef, type ImplementationRefs } from '@sparse/core';
import { fashionMnistDatasetSchema, type FashionMnistDatasetConfig } from '@sparse/datasets';
import type { PluginSpec } from '@sparse/experiments';

/**
 * A validated lottery-ticket (`lth`) experiment config (see {@link lthConfigSchema} for the fields
 * and their defaults). `kind`, `plugins` and `backend` are the runner's common fields.
 *
 * @example
 * ```ts
 * import type { LthExperimentConfig } from '@sparse/lth';
 *
 * declare const config: LthExperimentConfig;
 * console.log(config.rounds, config.rates.default);
 * ```
 */
export interface LthExperimentConfig {
  /** Always `lth` (the runner's field). */
  readonly kind?: 'lth';
  /** Extra plugins the config loads (the runner's field). */
  readonly plugins?: readonly PluginSpec[];
  /** The TensorFlow.js backend (the runner's field; default `wasm`). */
  readonly backend: string;
  /** Run directory prefix: 1 to 100 letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** Replicate seeds (distinct), one worker job each. */
  readonly seeds: readonly number[];
  /** `"bundled"` or `{ "dir": … }` with the four Fashion-MNIST files. */
  readonly dataset: FashionMnistDatasetConfig;
  /** Training examples held out for early stopping (split seed 0). */
  readonly validationSize: number;
  /** The MLP's widths, input (784) first, classes (10) last. */
  readonly model: { readonly layerSizes: readonly number[] };
  /** Adam and its learning rate. */
  readonly optimizer: { readonly name: 'adam'; readonly learningRate: number };
  /** The training engine (`stock`, `fused`, `dense-trainer` or a plugin's own); absent: the default rule of `resolveTrainingEngine`. */
  readonly engine?: ImplementationRef;
  readonly batchSize: number;
  /** The length of every round in epochs (exactly one of this and `iterations`). */
  readonly epochsPerRound?: number;
  /** The length of every round in iterations. */
  readonly iterations?: number;
  /** Iterations between evaluations. */
  readonly evalEvery: number;
  /** Pruning rounds R (levels 0 … R). */
  readonly rounds: number;
  /** Fraction of the remaining weights pruned per round. */
  readonly rates: { readonly default: number; readonly output?: number; readonly perTensor?: Readonly<Record<string, number>> };
  readonly scope: 'layerwise' | 'global';
  readonly mode: 'imp' | 'mir-l';
  /** The scorer, by name with options, resolved through the runtime. */
  readonly scorer: ImplementationRef;
  /** Reset to the weights after this many iterations (0: θ0). */
  readonly rewindStep: number;
  readonly branches: {
    readonly ticket: true;
    readonly reinit: boolean;
    readonly randomPrune?: { readonly levels?: readonly number[]; readonly remaining?: readonly number[]; readonly shuffle: 'layerwise' | 'global' | 'even' };
    readonly oneShot?: { readonly levels: readonly number[] };
    /** Instability analysis (linear mode connectivity) at these IMP levels and the dense level 0, with `points` interpolation points. */
    readonly instability?: { readonly levels: readonly number[]; readonly points: number };
  };
  /** Worker threads, one replicate each (capped at the number of seeds). */
  readonly workers: number;
  /** Iterations between checkpoints (resume points). */
  readonly checkpointEvery: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const DEFAULT_LAYERS = [784, 300, 100, 10];
const rate = () => z.number().min(0).max(1);

/**
 * The schema of an `lth` config's own fields (the runner adds `kind`, `plugins`, `backend` and
 * `$schema`), built from the runtime's name tables: `scorer` names any registered scorer (a
 * plugin's included) with its options, `engine` any registered training engine. Cross-field rules
 * are checked too, each reported at its field.
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix (letters, digits, `.`, `_`, `-`) | required |
 * | `seeds` | replicate seeds (distinct integers ≥ 0), one worker job each | required |
 * | `dataset` | `"bundled"` (the shipped 6,000 / 1,000 subset) or `{ "dir": path }` (the four official `.gz` files; relative to the working directory, else to the config file's folder) | `"bundled"` |
 * | `validationSize` | examples held out of the training set for early stopping | 5000 |
 * | `model.layerSizes` | MLP widths, input first (784 … 10) | `[784, 300, 100, 10]` |
 * | `optimizer` | `{ "name": "adam", "learningRate" }` | Adam 1.2e-3 |
 * | `engine` | the training engine: `"dense-trainer"` (the wasm backend's plugin: whole steps in WebAssembly SIMD), `"fused"`, `"stock"` (core's), or a plugin's own, as `"name"` or `{ "name", ...options }` | `dense-trainer` when registered and it accepts the model, else `fused` |
 * | `batchSize` | minibatch size | 60 |
 * | `epochsPerRound` / `iterations` | length of every round (exactly one of them) | — |
 * | `evalEvery` | iterations between evaluations (validation + test) | 100 |
 * | `rounds` | pruning rounds R (levels 0 … R) | required |
 * | `rates` | `{ default, output?, perTensor? }`: fraction of the remaining weights pruned per round | `{ default: 0.2, output: 0.1 }` |
 * | `scope` | `layerwise` or `global` | `layerwise` |
 * | `mode` | `imp` or `mir-l` (global percentile pruning of every weight tensor, reset to θ0) | `imp` |
 * | `scorer` | any registered scorer, `"name"` or `{ "name", ...options }` (data-driven ones see the first training batch) | `magnitude` |
 * | `rewindStep` | reset to the weights after k iterations (0: θ0) | 0 |
 * | `branches` | `{ ticket, reinit, randomPrune: { levels \| remaining, shuffle }, oneShot: { levels }, instability: { levels, points } }` | ticket + reinit |
 * | `branches.instability` | instability analysis (Frankle et al. 2020): at each listed IMP level (0 … `rounds`) and at the dense level 0, two copies of the ticket's subnetwork trained from the rewind point θk (`rewindStep`) to the end of the round with different data orders; records the test-error barrier along the line between them, both copies' test accuracies and the error at `points` (2 … 101, default 30) evenly spaced α | absent |
 * | `workers` | worker threads, one replicate each (capped at the number of seeds) | 2 |
 * | `checkpointEvery` | iterations between checkpoints (resume points) | 500 |
 *
 * @param refs - the runtime's implementation references (`refs.of(Scorers)`, `refs.of(TrainingEngines)`).
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { lthConfigSchema } from '@sparse/lth';
 *
 * const schema = lthConfigSchema(implementationRefs(await createRuntime({ backend: 'cpu' })));
 * console.log(schema.safeParse({ name: 'x', seeds: [0], rounds: 2, iterations: 500 }).success); // true
 * ```
 */
export function lthConfigSchema(refs: ImplementationRefs): z.ZodObject {
  return z
    .object({
      name: z.string().regex(NAME, "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit").meta({ description: 'Run directory prefix.' }),
      seeds: z.array(z.int().min(0).max(2 ** 32 - 1)).min(1).max(64).meta({ description: 'Replicate seeds (distinct), one worker job each.' }),
      dataset: fashionMnistDatasetSchema.default('bundled'),
      validationSize: z.int().min(1).default(5000).meta({ description: 'Training examples held out for early stopping.' }),
      model: z
        .strictObject({ layerSizes: z.array(z.int().min(1)).min(2).max(16).default(DEFAULT_LAYERS).meta({ description: 'MLP widths, input (784) first, classes (10) last.' }) })
        .default({ layerSizes: DEFAULT_LAYERS }),
      optimizer: z
        .strictObject({
          name: z.enum(['adam']).default('adam'),
          learningRate: z.number().gt(0).max(10).default(1.2e-3).meta({ description: "Adam's learning rate." }),
        })
        .default({ name: 'adam', learningRate: 1.2e-3 }),
      engine: refs
        .of(TrainingEngines)
        .optional()
        .meta({ description: 'The training engine (dense-trainer, fused, stock or a plugin\'s own). Default: dense-trainer when registered and it accepts the model, else fused.' }),
      batchSize: z.int().min(1).max(65536).default(60),
      epochsPerRound: z.int().min(1).optional().meta({ description: 'Length of every round in epochs (exactly one of epochsPerRound and iterations).' }),
      iterations: z.int().min(1).optional().meta({ description: 'Length of every round in iterations.' }),
      evalEvery: z.int().min(1).default(100).meta({ description: 'Iterations between evaluations.' }),
      rounds: z.int().min(0).max(100).meta({ description: 'Pruning rounds R (levels 0 … R).' }),
      rates: z
        .strictObject({ default: rate(), output: rate().optional(), perTensor: z.record(z.string(), rate()).optional() })
        .default({ default: 0.2, output: 0.1 })
        .meta({ description: 'Fraction of the remaining weights pruned per round: default, output layer, per tensor.' }),
      scope: z.enum(['layerwise', 'global']).default('layerwise'),
      mode: z.enum(['imp', 'mir-l']).default('imp'),
      scorer: refs.of(Scorers).default('magnitude').meta({ description: 'The scorer: any registered name, or { name, ...options }.' }),
      rewindStep: z.int().min(0).default(0).meta({ description: 'Reset to the weights after k iterations (0: θ0).' }),
      branches: z
        .strictObject({
          ticket: z.literal(true).default(true),
          reinit: z.boolean().default(true),
          randomPrune: z
            .strictObject({
              levels: z.array(z.int().min(1)).min(1).optional(),
              remaining: z.array(z.number().gt(0).lt(100)).min(1).optional(),
              shuffle: z.enum(['layerwise', 'global', 'even']).default('layerwise'),
            })
            .optional(),
          oneShot: z.strictObject({ levels: z.array(z.int().min(1)).min(1) }).optional(),
          instability: z
            .strictObject({
              levels: z.array(z.int().min(0)).min(1).meta({ description: 'IMP levels (0 … rounds) whose ticket subnetwork is analysed; the dense level 0 is always analysed too.' }),
              points: z.int().min(2).max(101).default(30).meta({ description: 'Evenly spaced interpolation points α in [0, 1].' }),
            })
            .optional()
            .meta({ description: 'Instability analysis: two copies trained from the rewind point with different data orders, the test-error barrier between them.' }),
        })
        .default({ ticket: true, reinit: true }),
      workers: z.int().min(1).max(64).default(2).meta({ description: 'Worker threads, one replicate each.' }),
      checkpointEvery: z.int().min(1).default(500).meta({ description: 'Iterations between checkpoints.' }),
    })
    .superRefine((config, context) => {
      const problem = (message: string, path: (string | number)[]) => context.addIssue({ code: 'custom', message, path });
      if ((config.epochsPerRound === undefined) === (config.iterations === undefined)) {
        problem(`give exactly one of epochsPerRound and iterations (the length of every round); got ${config.epochsPerRound === undefined ? 'neither' : 'both'}`, ['epochsPerRound']);
      }
      const random = config.branches.randomPrune;
      if (random !== undefined && (random.levels === undefined) === (random.remaining === undefined)) {
        problem('give exactly one of levels (IMP levels 1 … rounds) and remaining (percent of weights remaining, e.g. [21, 7, 3.6])', ['branches', 'randomPrune']);
      }
      random?.levels?.forEach((level, i) => {
        if (level > config.rounds) problem(`expected a level in [1, ${config.rounds}] (rounds = ${config.rounds}), received ${level}`, ['branches', 'randomPrune', 'levels', i]);
      });
      config.branches.instability?.levels.forEach((level, i) => {
        if (level > config.rounds) problem(`expected a level in [0, ${config.rounds}] (rounds = ${config.rounds}), received ${level}`, ['branches', 'instability', 'levels', i]);
      });
      config.branches.oneShot?.levels.forEach((level, i) => {
        if (level > 100) problem(`expected a level in [1, 100], received ${level}`, ['branches', 'oneShot', 'levels', i]);
      });
      const layers = config.model.layerSizes;
      if (layers[0] !== 784) problem(`the Fashion-MNIST input has 784 features; the first layer size must be 784, received ${String(layers[0])}`, ['model', 'layerSizes', 0]);
      if (layers[layers.length - 1] !== 10) problem(`Fashion-MNIST has 10 classes; the last layer size must be 10, received ${String(layers[layers.length - 1])}`, ['model', 'layerSizes', layers.length - 1]);
      if (new Set(config.seeds).size !== config.seeds.length) problem('seeds must be distinct', ['seeds']);
      if (config.iterations !== undefined && config.rewindStep >= config.iterations) problem(`expected a rewind step below iterations (${config.iterations}), received ${config.rewindStep}`, ['rewindStep']);
      if (config.mode === 'mir-l' && config.rewindStep !== 0) problem('MIR-L mode resets to the untrained θ0; rewindStep must be 0', ['rewindStep']);
      const prunable = layers.slice(1).map((_, i) => `fc${i + 1}/kernel`);
      for (const name of Object.keys(config.rates.perTensor ?? {})) {
        if (!prunable.includes(name)) problem(`unknown tensor; prunable tensors: ${prunable.join(', ')}`, ['rates', 'perTensor', name]);
      }
    });
}
