import { definePlugin, type SparsePlugin } from '@sparse/core';
import { ExperimentKinds, type ExperimentKind } from '@sparse/experiments';
import { registerMaskUpdateRules } from './dst/register-mask-update-rules.js';
import { sparseTrainingKind } from './experiment/kind.js';
import { registerDstMethods } from './methods/register-dst-methods.js';
import { registerPretrainedMethods } from './methods/pretrained-methods.js';
import { registerNmMethods } from './nm/nm-methods.js';
import { registerPretrainedKind } from './pretrained/kind.js';

/**
 * The id of the {@link sparseTrainingPlugin} plugin (the npm package name).
 *
 * @example
 * ```ts
 * import { SPARSE_TRAINING_PLUGIN_ID } from '@sparse/sparse-training';
 *
 * console.log(SPARSE_TRAINING_PLUGIN_ID); // '@sparse/sparse-training'
 * ```
 */
export const SPARSE_TRAINING_PLUGIN_ID = '@sparse/sparse-training';

/**
 * Sparse training as a plugin. It registers the mask update rules `rigl` and `set` in core's
 * `MaskUpdateRules`; the methods `dense`, `static`, `set`, `rigl`, `imp`, `random-search`,
 * `nm-retrain`, `ste`, `sr-ste`, `mdgf`, `sdgf`, `lottery-jackpots` and `one-shot-magnitude` in {@link SparseTrainingMethods}, each with its
 * options' zod schema; and the experiment kinds `sparse-training` ({@link sparseTrainingKind}) and
 * `pretrained-masks` (Lottery Jackpots and essential sparsity on a pretrained model).
 *
 * @example
 * ```ts
 * import { createRuntime, MaskUpdateRules } from '@sparse/core';
 * import { SparseTrainingMethods, sparseTrainingPlugin } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseTrainingPlugin()] });
 * console.log(runtime.names(MaskUpdateRules), runtime.names(SparseTrainingMethods));
 * const rigl = runtime.resolve(MaskUpdateRules, { name: 'rigl', updateEvery: 100 });
 * ```
 */
export function sparseTrainingPlugin(): SparsePlugin {
  return definePlugin(SPARSE_TRAINING_PLUGIN_ID, (registry) => {
    registerMaskUpdateRules(registry);
    registerDstMethods(registry);
    registerNmMethods(registry);
    registerPretrainedMethods(registry);
    registry.provide(ExperimentKinds, sparseTrainingKind.name, () => sparseTrainingKind as ExperimentKind, { summary: sparseTrainingKind.summary });
    registerPretrainedKind(registry);
  });
}
