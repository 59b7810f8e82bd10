import type { ExperimentContext, ExperimentKind } from '@sparse/experiments';
import { resolveFashionMnistDataset, verifyFashionMnistDataset } from '@sparse/datasets';
import { checkGroupEnvelopeExperiment } from './check-experiment.js';
import { groupEnvelopeConfigSchema, type GroupEnvelopeExperimentConfig } from './config.js';
import { runGroupEnvelopeExperiment } from './run-experiment.js';

/**
 * The `group-envelope` experiment kind: an MLP on Fashion-MNIST trained dense and with each
 * configured group regularizer (`gsef`, `sef`, `group-lasso`, …, named by refs resolved through
 * the runtime) as a proximal step after Adam, then the same hard top-k selection of groups for
 * every method, a masked fine-tune and compaction; optionally the latency of the models. Writes a
 * resumable, hash-named run directory with `results.json`, `metrics.jsonl`, `results.md` and
 * `report.html` (see {@link groupEnvelopeConfigSchema} for the config fields). Registered by
 * {@link groupEnvelopePlugin}.
 *
 * @example
 * ```ts
 * import { runExperimentFile, builtInSpec } from '@sparse/experiments';
 * import { groupEnvelopePlugin } from '@sparse/group-envelope';
 *
 * // a config with "kind": "group-envelope"; the plugin registers the kind
 * const outcome = await runExperimentFile({
 *   path: 'examples/group-envelope/mlp-fashion-mnist-quick.json',
 *   builtIns: [{ plugin: groupEnvelopePlugin(), spec: builtInSpec('@sparse/group-envelope', import.meta.url) }],
 * });
 * console.log(outcome.table);
 * ```
 */
export const groupEnvelopeKind: ExperimentKind<GroupEnvelopeExperimentConfig> = Object.freeze({
  name: 'group-envelope',
  summary: 'MLP on Fashion-MNIST: dense vs group regularizers (GSEF, SEF, group lasso) as a prox after Adam, exact top-k group selection, masked fine-tune, compaction, latency',
  schema: groupEnvelopeConfigSchema,
  async check(config: GroupEnvelopeExperimentConfig, context: ExperimentContext): Promise<void> {
    checkGroupEnvelopeExperiment(config, context);
    // The data's checksums, here in the main thread: a corrupt file fails before the run directory exists.
    await verifyFashionMnistDataset(resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) }));
  },
  run: runGroupEnvelopeExperiment,
});
