import { attachRunDirectory, createRuntimeFromSpecs, type ResolvedPluginSpec, type WorkerJobContext } from '@sparse/experiments';
import type { ActivationExperimentConfig } from './config.js';
import { loadActivationData } from './data.js';
import { runModelUnits } from './model-units.js';

/**
 * What the main thread sends a worker: one model of one replicate of the run. @internal
 */
export interface ModelJobPayload {
  /** The run directory (opened and locked by the main thread). */
  readonly runPath: string;
  readonly config: ActivationExperimentConfig;
  readonly modelIndex: number;
  /** The replicate's seed. */
  readonly seed: number;
  /** The absolute folder of the full data set, or `undefined` for the bundled subset. */
  readonly datasetDir: string | undefined;
  /** The backend the main thread's runtime uses. */
  readonly backend: string;
  /** The plugins of the main thread's runtime, so names resolve the same here. */
  readonly plugins: readonly ResolvedPluginSpec[];
}

/** A worker job: runs the units of one model of one replicate (see {@link runModelUnits}). @internal */
export async function runModelJob(payload: ModelJobPayload, job: WorkerJobContext): Promise<null> {
  const runtime = await createRuntimeFromSpecs(payload.plugins, payload.backend);
  const run = await attachRunDirectory(payload.runPath);
  const data = await loadActivationData(payload.config, payload.datasetDir, payload.seed);
  await runModelUnits({ runtime, run, config: payload.config, modelIndex: payload.modelIndex, seed: payload.seed, data, signal: job.signal, onProgress: (done, total) => job.progress(done, total) });
  return null;
}
