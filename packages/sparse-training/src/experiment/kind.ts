import type { ExperimentContext, ExperimentKind } from '@sparse/experiments';
import { resolveFashionMnistDataset, verifyFashionMnistDataset } from '@sparse/datasets';
import { checkSparseTrainingExperiment } from './check-experiment.js';
import { sparseTrainingConfigSchema, type SparseTrainingExperimentConfig } from './config.js';
import { runSparseTrainingExperiment } from './run-experiment.js';

/**
 * The `sparse-training` experiment kind: an MLP (LeNet-300-100 by default) on Fashion-MNIST
 * trained by each configured method (`dense`, `static`, `set`, `rigl`, `imp`, `random-search`,
 * the N:M methods, or a plugin's own, named by refs resolved through the runtime) from the same θ0
 * per seed, at each sparsity for methods that use one. Writes a resumable, hash-named run
 * directory with `results.json`, `results.jsonl` (the raw results), `results.md` and
 * `report.html`. Registered by {@link sparseTrainingPlugin}.
 *
 * @example
 * ```ts
 * import { runExperimentFile, builtInSpec } from '@sparse/experiments';
 * import { sparseTrainingPlugin } from '@sparse/sparse-training';
 *
 * const outcome = await runExperimentFile({
 *   path: 'examples/sparse-training/dst-quick.json',
 *   builtIns: [{ plugin: sparseTrainingPlugin(), spec: builtInSpec('@sparse/sparse-training', import.meta.url) }],
 * });
 * console.log(outcome.table);
 * ```
 */
export const sparseTrainingKind: ExperimentKind<SparseTrainingExperimentConfig> = Object.freeze({
  name: 'sparse-training',
  summary: 'MLP on Fashion-MNIST trained sparse: dense, static random (ERK, uniform), SET, RigL, IMP tickets, random search, N:M with gradient flow (SR-STE, MDGF, SDGF), over seeds and sparsities',
  schema: sparseTrainingConfigSchema,
  async check(config: SparseTrainingExperimentConfig, context: ExperimentContext): Promise<void> {
    checkSparseTrainingExperiment(config, context);
    await verifyFashionMnistDataset(resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) }));
  },
  run: runSparseTrainingExperiment,
});
