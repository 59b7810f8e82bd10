import type { ExperimentContext, ExperimentKind } from '@sparse/experiments';
import { verifyFashionMnistDataset } from '@sparse/datasets';
import { deltaExperimentSchema, type DeltaExperimentConfig } from './config.js';
import { checkDeltaExperiment } from './check-delta-experiment.js';
import { runDeltaExperiment } from './run-delta-experiment.js';

/**
 * The experiment kind `delta` (`"kind": "delta"` in a config): pretrain an MLP on some
 * Fashion-MNIST classes, fine-tune it on a shifted task in several regimes (Adam at several
 * learning rates, AdamR), prune each delta with the configured {@link DeltaMethods} at every drop
 * rate and measure test accuracy; optionally compare how methods choose `q` at one rate and check
 * the variance formulas of random drops. Configs: `examples/delta/*.json`.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { ExperimentKinds } from '@sparse/experiments';
 * import { deltaPlugin } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin()] });
 * console.log(runtime.create(ExperimentKinds, 'delta').summary);
 * ```
 */
export const deltaExperimentKind: ExperimentKind<DeltaExperimentConfig> = Object.freeze({
  name: 'delta',
  summary: 'Delta-parameter pruning: pretrain, fine-tune several ways, prune each delta with DARE, DropOnly, DAREx-q, magnitude, … at several drop rates, measure accuracy.',
  schema: deltaExperimentSchema,
  // The data's checksums too, here in the main thread: a corrupt file fails before the run directory exists.
  check: async (config: DeltaExperimentConfig, context: ExperimentContext) => verifyFashionMnistDataset(checkDeltaExperiment(config, context)),
  run: runDeltaExperiment,
});
