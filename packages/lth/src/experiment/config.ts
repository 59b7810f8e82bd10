import { loadConfig, s, validateConfig, type Infer } from '@sparse/experiments';

const rate = () => s.number({ min: 0, max: 1 });

/**
 * The schema of a lottery-ticket experiment config (JSON or TS). Every field, its type and its
 * allowed values; `validateLthConfig` reports every problem at once, naming the field.
 *
 * | field | meaning | default |
 * |---|---|---|
 * | `name` | run directory prefix (letters, digits, `.`, `_`, `-`) | required |
 * | `seeds` | replicate seeds (integers ≥ 0), one worker job each | required |
 * | `dataset` | `"bundled"` (the shipped 6,000 / 1,000 subset) or `{ "dir": path }` (the four official `.gz` files; a relative path is resolved against the working directory, then against the config file's folder) | `"bundled"` |
 * | `validationSize` | examples held out of the training set for early stopping | 5000 |
 * | `model.layerSizes` | MLP widths, input first | `[784, 300, 100, 10]` |
 * | `optimizer` | `{ "name": "adam", "learningRate", "kernels" }`; `kernels`: `dense-trainer` (the whole step in WebAssembly SIMD, @sparse/backend-wasm's `createDenseTrainer`, whatever the backend; ~1.6x faster than `fused`), `fused` (one-pass Adam with the masks folded in, hand-written loss gradients; ~1.9x faster than `stock` on wasm) or `stock` (`tf.train.adam`, tfjs's own gradients); all are Adam, equal to float32 rounding | Adam 1.2e-3, `dense-trainer` |
 * | `batchSize` | minibatch size | 60 |
 * | `epochsPerRound` / `iterations` | length of every round (exactly one of them) | — |
 * | `evalEvery` | iterations between evaluations (validation + test) | 100 |
 * | `rounds` | pruning rounds R (levels 0 … R) | required |
 * | `rates` | `{ default, output?, perTensor? }`: fraction of the remaining weights pruned per round | `{ default: 0.2, output: 0.1 }` |
 * | `scope` | `layerwise` or `global` | `layerwise` |
 * | `mode` | `imp` or `mir-l` (global percentile pruning of every weight tensor, reset to θ0) | `imp` |
 * | `scorer` | `magnitude`, `random`, `snip`, `grasp`, `synflow` or `taylor` (core's scorers; data-driven ones see the first training batch) | `magnitude` |
 * | `rewindStep` | reset to the weights after k iterations (0: θ0) | 0 |
 * | `branches` | `{ ticket, reinit, randomPrune: { levels \| remaining, shuffle }, oneShot: { levels } }` | ticket + reinit |
 * | `backend` | `wasm` or `cpu` | `wasm` |
 * | `workers` | worker threads, one replicate each (capped at the number of seeds) | 2 |
 * | `checkpointEvery` | iterations between checkpoints (resume points) | 500 |
 *
 * @example
 * ```ts
 * import { lthConfigSchema } from '@sparse/lth';
 * import { checkConfig } from '@sparse/experiments';
 *
 * const result = checkConfig(lthConfigSchema, { name: 'x', seeds: [0], rounds: 2, iterations: 500 });
 * console.log(result.ok); // true
 * ```
 */
export const lthConfigSchema = s
  .object({
    name: s.string({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, patternDescription: "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit" }),
    seeds: s.array(s.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 64 }),
    dataset: s.json().default('bundled'),
    validationSize: s.integer({ min: 1 }).default(5000),
    model: s.object({ layerSizes: s.array(s.integer({ min: 1 }), { minLength: 2, maxLength: 16 }).default([784, 300, 100, 10]) }).default({ layerSizes: [784, 300, 100, 10] }),
    optimizer: s
      .object({
        name: s.enum(['adam']).default('adam'),
        learningRate: s.number({ gt: 0, max: 10 }).default(1.2e-3),
        kernels: s.enum(['dense-trainer', 'fused', 'stock']).default('dense-trainer'),
      })
      .default({ name: 'adam', learningRate: 1.2e-3, kernels: 'dense-trainer' }),
    batchSize: s.integer({ min: 1, max: 65536 }).default(60),
    epochsPerRound: s.integer({ min: 1 }).optional(),
    iterations: s.integer({ min: 1 }).optional(),
    evalEvery: s.integer({ min: 1 }).default(100),
    rounds: s.integer({ min: 0, max: 100 }),
    rates: s.object({ default: rate(), output: rate().optional(), perTensor: s.record(rate()).optional() }).default({ default: 0.2, output: 0.1 }),
    scope: s.enum(['layerwise', 'global']).default('layerwise'),
    mode: s.enum(['imp', 'mir-l']).default('imp'),
    scorer: s.enum(['magnitude', 'random', 'snip', 'grasp', 'synflow', 'taylor']).default('magnitude'),
    rewindStep: s.integer({ min: 0 }).default(0),
    branches: s
      .object({
        ticket: s.literal(true).default(true),
        reinit: s.boolean().default(true),
        randomPrune: s
          .object({
            levels: s.array(s.integer({ min: 1 }), { minLength: 1 }).optional(),
            remaining: s.array(s.number({ gt: 0, lt: 100 }), { minLength: 1 }).optional(),
            shuffle: s.enum(['layerwise', 'global', 'even']).default('layerwise'),
          })
          .optional(),
        oneShot: s.object({ levels: s.array(s.integer({ min: 1 }), { minLength: 1 }) }).optional(),
      })
      .default({ ticket: true, reinit: true }),
    backend: s.enum(['wasm', 'cpu']).default('wasm'),
    workers: s.integer({ min: 1, max: 64 }).default(2),
    checkpointEvery: s.integer({ min: 1 }).default(500),
  })
  .refine((config, problem) => {
    if ((config.epochsPerRound === undefined) === (config.iterations === undefined)) {
      problem(`give exactly one of epochsPerRound and iterations (the length of every round); got ${config.epochsPerRound === undefined ? 'neither' : 'both'}`, 'epochsPerRound');
    }
    const dataset = config.dataset;
    const isDir = typeof dataset === 'object' && dataset !== null && !Array.isArray(dataset) && Object.keys(dataset).length === 1 && typeof (dataset as Record<string, unknown>)['dir'] === 'string' && (dataset as Record<string, string>)['dir'] !== '';
    if (dataset !== 'bundled' && !isDir) problem(`expected "bundled" or { "dir": "<folder with the four Fashion-MNIST .gz files>" }, received ${JSON.stringify(dataset)}`, 'dataset');
    const random = config.branches.randomPrune;
    if (random !== undefined && (random.levels === undefined) === (random.remaining === undefined)) {
      problem(`give exactly one of levels (IMP levels 1 … rounds) and remaining (percent of weights remaining, e.g. [21, 7, 3.6])`, ['branches', 'randomPrune']);
    }
    random?.levels?.forEach((level, i) => {
      if (level > config.rounds) problem(`expected a level in [1, ${config.rounds}] (rounds = ${config.rounds}), received ${level}`, ['branches', 'randomPrune', 'levels', i]);
    });
    config.branches.oneShot?.levels.forEach((level, i) => {
      if (level > 100) problem(`expected a level in [1, 100], received ${level}`, ['branches', 'oneShot', 'levels', i]);
    });
    const layers = config.model.layerSizes;
    if (layers[0] !== undefined && layers[0] !== 784) problem(`the Fashion-MNIST input has 784 features; the first layer size must be 784, received ${layers[0]}`, ['model', 'layerSizes', 0]);
    if (layers[layers.length - 1] !== 10) problem(`Fashion-MNIST has 10 classes; the last layer size must be 10, received ${String(layers[layers.length - 1])}`, ['model', 'layerSizes', layers.length - 1]);
    if (new Set(config.seeds).size !== config.seeds.length) problem('seeds must be distinct', 'seeds');
    if (config.iterations !== undefined && config.rewindStep >= config.iterations) problem(`expected a rewind step below iterations (${config.iterations}), received ${config.rewindStep}`, 'rewindStep');
    if (config.mode === 'mir-l' && config.rewindStep !== 0) problem('MIR-L mode resets to the untrained θ0; rewindStep must be 0', 'rewindStep');
    const prunable = layers.slice(1).map((_, i) => `fc${i + 1}/kernel`);
    for (const name of Object.keys(config.rates.perTensor ?? {})) {
      if (!prunable.includes(name)) problem(`unknown tensor; prunable tensors: ${prunable.join(', ')}`, ['rates', 'perTensor', name]);
    }
  });

/**
 * A validated lottery-ticket experiment config (see {@link lthConfigSchema} for the fields).
 *
 * @example
 * ```ts
 * import type { LthExperimentConfig } from '@sparse/lth';
 *
 * declare const config: LthExperimentConfig;
 * console.log(config.rounds, config.rates.default);
 * ```
 */
export type LthExperimentConfig = Infer<typeof lthConfigSchema>;

/**
 * Validates a raw config (every problem reported at once, before any work).
 *
 * @throws SparseError `E_CONFIG` naming every invalid field with what is allowed.
 *
 * @example
 * ```ts
 * import { validateLthConfig } from '@sparse/lth';
 *
 * const config = validateLthConfig({ name: 'quick', seeds: [0, 1], rounds: 4, epochsPerRound: 2, dataset: 'bundled', validationSize: 500 });
 * ```
 */
export function validateLthConfig(raw: unknown, source?: string): LthExperimentConfig {
  return validateConfig(lthConfigSchema, raw, source);
}

/**
 * Reads and validates a config file (`.json`, or a module with a default export).
 *
 * @throws SparseError `E_IO` when it cannot be read, `E_CONFIG` when a field is invalid.
 *
 * @example
 * ```ts
 * import { loadLthConfig } from '@sparse/lth';
 *
 * const config = await loadLthConfig('examples/lth/lenet-fashion-mnist-quick.json');
 * ```
 */
export async function loadLthConfig(path: string): Promise<LthExperimentConfig> {
  return loadConfig(path, lthConfigSchema);
}
