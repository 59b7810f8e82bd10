import type { ExperimentContext, ExperimentKind } from '@sparse/experiments';
import { verifyFashionMnistDataset } from '@sparse/datasets';
import { checkLthExperiment } from './check-experiment.js';
import { lthConfigSchema, type LthExperimentConfig } from './config.js';
import type { LthExperimentOutcome } from './run-experiment.js';

/**
 * The `lth` experiment kind: iterative magnitude pruning of an MLP on Fashion-MNIST (Frankle &
 * Carbin 2019) with the random re-initialisation, random pruning and one-shot baselines, MIR-L
 * mode and rewinding, one replicate per seed in worker threads. Its config fields are
 * {@link lthConfigSchema}'s (the scorer and the training engine are named through the runtime);
 * `check` is {@link checkLthExperiment}, `run` is {@link runLthExperiment}: a resumable, hash-named
 * run directory with `results.json`, `metrics.jsonl`, `masks/`, `report.html`, `results.md` and
 * `summary.json`. Registered by {@link lthPlugin}.
 *
 * @example
 * ```ts
 * import { builtInSpec, runExperimentFile } from '@sparse/experiments';
 * import { lthPlugin } from '@sparse/lth';
 *
 * // `sparse run` loads the backends too; here the config says "backend": "cpu"
 * const outcome = await runExperimentFile({
 *   path: 'my-lth-config.json',
 *   builtIns: [{ plugin: lthPlugin(), spec: builtInSpec('@sparse/lth', import.meta.url) }],
 * });
 * console.log(outcome.table);
 * ```
 */
export const lthKind: ExperimentKind<LthExperimentConfig> = Object.freeze({
  name: 'lth',
  summary: 'Lottery tickets: iterative magnitude pruning of an MLP on Fashion-MNIST with re-init, random-pruning and one-shot baselines, MIR-L mode, rewinding',
  schema: lthConfigSchema,
  async check(config: LthExperimentConfig, context: ExperimentContext): Promise<void> {
    const checked = checkLthExperiment(config, context);
    // The data's checksums, here in the main thread: a corrupt file fails before the run directory and the workers exist.
    await verifyFashionMnistDataset({ ...(checked.datasetDir === undefined ? {} : { dir: checked.datasetDir }), trainCount: checked.trainCount, testCount: 0 });
  },
  // Loaded when a run starts: the runner writes files and starts worker threads (Node only), and a
  // browser bundle that validates lth configs (the playground) must not pull it in.
  run: async (config: LthExperimentConfig, context: ExperimentContext): Promise<LthExperimentOutcome> => (await import('./run-experiment.js')).runLthExperiment(config, context),
});
