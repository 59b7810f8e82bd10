import { z } from 'zod';
import { definePlugin, type SparsePlugin } from '@sparse/core';
import { ExperimentKinds, type ExperimentKind } from '@sparse/experiments';
import { activationExperiment } from './experiment/kind.js';
import { gatedMlpBuilder, gatedMlpBuilderOptions, reluMlpBuilder, reluMlpBuilderOptions, visionTransformerBuilder, visionTransformerBuilderOptions } from './models/builders.js';
import { catsSparsifier, catsSparsifierOptions, type CatsSparsifierOptions } from './sparsifiers/cats-sparsifier.js';
import { chessPlusSparsifier, chessPlusSparsifierOptions, type ChessPlusSparsifierOptions } from './sparsifiers/chess-plus-sparsifier.js';
import { chessSparsifier, chessSparsifierOptions, type ChessSparsifierOptions } from './sparsifiers/chess-sparsifier.js';
import { parseOptions } from './sparsifiers/parse-options.js';
import { topKSparsifier, topKSparsifierOptions, type TopKSparsifierOptions } from './sparsifiers/top-k-sparsifier.js';
import { ActivationModels, Sparsifiers } from './tokens.js';

/**
 * The id of {@link activationPlugin}: the package name.
 *
 * @example
 * ```ts
 * import { ACTIVATION_PLUGIN_ID } from '@sparse/activation';
 *
 * console.log(ACTIVATION_PLUGIN_ID); // '@sparse/activation'
 * ```
 */
export const ACTIVATION_PLUGIN_ID = '@sparse/activation';

const pluginOptions = z.object({
  experimentKind: z.boolean().default(true).meta({ description: 'Register the `activation` experiment kind (default true).' }),
});

/**
 * Options of {@link activationPlugin}.
 *
 * @example
 * ```ts
 * import type { ActivationPluginOptions } from '@sparse/activation';
 *
 * const libraryOnly: ActivationPluginOptions = { experimentKind: false };
 * ```
 */
export interface ActivationPluginOptions {
  /** Register the `activation` experiment kind beside the sparsifiers and models (default `true`). */
  readonly experimentKind?: boolean;
}

/**
 * The activation-sparsity plugin: registers the sparsifiers `cats`, `chess`, `chess-plus` and
 * `top-k` in {@link Sparsifiers}, the models `gated-mlp`, `vit` and `relu-mlp` in
 * {@link ActivationModels}, each with its options schema, and the `activation` experiment kind
 * ({@link activationExperiment}). It is also the package's default export, so a config or
 * `--plugin` can load it by name.
 *
 * @throws SparseError `E_CONFIG` for an unknown or ill-typed option.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { Sparsifiers, activationPlugin } from '@sparse/activation';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [activationPlugin()] });
 * const topK = runtime.create(Sparsifiers, 'top-k', { k: [64] });
 * console.log(topK.label); // top-k
 * ```
 */
export function activationPlugin(options: ActivationPluginOptions = {}): SparsePlugin {
  const { experimentKind } = parseOptions(pluginOptions, options);
  return definePlugin(ACTIVATION_PLUGIN_ID, (registry) => {
    registry.provide(Sparsifiers, 'cats', (given) => catsSparsifier(given as CatsSparsifierOptions), {
      options: catsSparsifierOptions,
      summary: 'CATS: a threshold per site (or channel) on |a|, the target quantile on calibration data (arXiv:2404.08763).',
    });
    registry.provide(Sparsifiers, 'chess', (given) => chessSparsifier(given as ChessSparsifierOptions), {
      options: chessSparsifierOptions,
      summary: 'CHESS: channel thresholds tau / mean|up_i| on gated-MLP gates (arXiv:2409.01366).',
    });
    registry.provide(Sparsifiers, 'chess-plus', (given) => chessPlusSparsifier(given as ChessPlusSparsifierOptions), {
      options: chessPlusSparsifierOptions,
      summary: 'CHESS+: CHESS on gated-MLP gates plus a CATS threshold on the attention inputs.',
    });
    registry.provide(Sparsifiers, 'top-k', (given) => topKSparsifier(given as TopKSparsifierOptions), {
      options: topKSparsifierOptions,
      summary: 'Top-k per token: the k largest entries kept, ties by index; no calibration.',
    });
    registry.provide(ActivationModels, 'gated-mlp', (given) => gatedMlpBuilder(given), { options: gatedMlpBuilderOptions, summary: 'SwiGLU classifier: 784 -> d, residual SwiGLU blocks, head.' });
    registry.provide(ActivationModels, 'vit', (given) => visionTransformerBuilder(given), { options: visionTransformerBuilderOptions, summary: 'Small vision transformer: patches, pre-norm attention + SwiGLU, mean pooling.' });
    registry.provide(ActivationModels, 'relu-mlp', (given) => reluMlpBuilder(given), { options: reluMlpBuilderOptions, summary: 'ReLU MLP: 784 -> hidden widths -> 10.' });
    if (experimentKind) registry.provide(ExperimentKinds, 'activation', () => activationExperiment as ExperimentKind);
  });
}
