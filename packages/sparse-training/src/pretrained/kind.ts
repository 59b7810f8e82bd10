import { resolveFashionMnistDataset, verifyFashionMnistDataset } from '@sparse/datasets';
import { ExperimentKinds, type ExperimentContext, type ExperimentKind } from '@sparse/experiments';
import type { PluginRegistry } from '@sparse/core';
import { checkPretrainedMasksExperiment } from './check-experiment.js';
import { pretrainedMasksConfigSchema, type PretrainedMasksConfig } from './config.js';
import { runPretrainedMasksExperiment } from './run-experiment.js';

/**
 * The `pretrained-masks` experiment kind: per seed, LeNet-300-100 (or the configured MLP)
 * pretrained on Fashion-MNIST, then (a) the essential-sparsity sweep (one-shot magnitude pruning
 * without retraining, layerwise and global, and its drop point) and (b) at each of
 * `jackpotSparsities`, magnitude pruning without retraining vs the Lottery Jackpots mask search on
 * the frozen weights, with magnitude + a short masked fine-tune as a reference point. Writes a
 * resumable, hash-named run directory with `results.jsonl`, `metrics.jsonl`, `results.md` and
 * `report.html` (see {@link pretrainedMasksConfigSchema} for the config fields).
 *
 * @example
 * ```ts
 * import { createRuntime, definePlugin } from '@sparse/core';
 * import { ExperimentKinds } from '@sparse/experiments';
 * import { pretrainedMasksKind, registerPretrainedKind } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('t', (r) => registerPretrainedKind(r))] });
 * console.log(runtime.create(ExperimentKinds, 'pretrained-masks') === pretrainedMasksKind); // true
 * ```
 */
export const pretrainedMasksKind: ExperimentKind<PretrainedMasksConfig> = Object.freeze({
  name: 'pretrained-masks',
  summary: 'Masks on pretrained weights: Lottery Jackpots search vs magnitude pruning without retraining (50–90%), and the essential-sparsity sweep with its drop point',
  schema: pretrainedMasksConfigSchema,
  async check(config: PretrainedMasksConfig, context: ExperimentContext): Promise<void> {
    checkPretrainedMasksExperiment(config, context);
    // The data's checksums, here in the main thread: a corrupt file fails before the run directory exists.
    await verifyFashionMnistDataset(resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) }));
  },
  run: runPretrainedMasksExperiment,
});

/**
 * Registers {@link pretrainedMasksKind} in a registry's `ExperimentKinds` table (call it from a
 * plugin's setup, as the package's plugin does).
 *
 * @example
 * ```ts
 * import { createRuntime, definePlugin } from '@sparse/core';
 * import { ExperimentKinds } from '@sparse/experiments';
 * import { registerPretrainedKind } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('t', (registry) => registerPretrainedKind(registry))] });
 * console.log(runtime.names(ExperimentKinds)); // ['pretrained-masks']
 * ```
 */
export function registerPretrainedKind(registry: PluginRegistry): void {
  registry.provide(ExperimentKinds, pretrainedMasksKind.name, () => pretrainedMasksKind as ExperimentKind, { summary: pretrainedMasksKind.summary });
}
