import type { ExperimentKind } from '@sparse/experiments';
import { resolveFashionMnistDataset, verifyFashionMnistDataset } from '@sparse/datasets';
import { checkActivationConfig } from './check.js';
import { activationConfigSchema, type ActivationExperimentConfig } from './config.js';
import { runActivationExperiment } from './run-experiment.js';

/**
 * The `activation` experiment kind: trains the models of a config dense on Fashion-MNIST,
 * calibrates each sparsifier (CATS, CHESS, CHESS+, top-k, or a plugin's) at each target sparsity
 * and measures accuracy, realized sparsity, block-output error and skippable FLOPs; optionally
 * the naive ReLU swap, fine-tuning with thresholds in place, and nonzero activations per epoch
 * (lazy neurons). Registered by {@link activationPlugin}; `sparse run` finds it by the config's
 * `"kind": "activation"`. Config fields: {@link activationConfigSchema}.
 *
 * @example
 * ```ts
 * import { runExperimentFile, builtInSpec } from '@sparse/experiments';
 * import { activationPlugin } from '@sparse/activation';
 *
 * const outcome = await runExperimentFile({
 *   path: 'examples/activation/activation-fashion-mnist-quick.json',
 *   builtIns: [{ plugin: activationPlugin(), spec: builtInSpec('@sparse/activation', import.meta.url) }],
 * });
 * console.log(outcome.table);
 * ```
 */
export const activationExperiment: ExperimentKind<ActivationExperimentConfig> = Object.freeze<ExperimentKind<ActivationExperimentConfig>>({
  name: 'activation',
  summary: 'Activation sparsity on Fashion-MNIST: dense training, CATS / CHESS / CHESS+ / top-k at target sparsities, ReLU swap, fine-tuning, lazy neurons.',
  schema: activationConfigSchema,
  check: async (config: ActivationExperimentConfig, context) => {
    checkActivationConfig(config, context);
    // The data's checksums, here in the main thread: a corrupt file fails before the run directory and the workers exist.
    await verifyFashionMnistDataset(resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) }));
  },
  run: runActivationExperiment,
});
