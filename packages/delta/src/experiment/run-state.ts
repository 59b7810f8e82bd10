import type { DenseMlpLayer } from '@sparse/core';
import type { RunDirectory } from '@sparse/experiments';
import type { DeltaExperimentConfig } from './config.js';
import { readModelFile } from './model-file.js';
import type { Weights } from './mlp.js';
import { createRegimeContext, type RegimeContext } from './regime-context.js';
import type { DeltaTaskData } from './task-data.js';

/**
 * What the units of a `delta` run share: the config, the model's layers, the data, the run
 * directory, the saved models (read once, cached) and the evaluation context of the fine-tuned
 * model being pruned (one at a time).
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from './run-state.js';
 *
 * declare const state: DeltaRunState;
 * const base = await state.weights('pretrained');
 * ```
 */
export interface DeltaRunState {
  readonly config: DeltaExperimentConfig;
  readonly layers: readonly DenseMlpLayer[];
  readonly data: DeltaTaskData;
  readonly exclude: readonly RegExp[];
  readonly run: RunDirectory;
  readonly log: (text: string) => void;
  /** `models/<prefix><id>.safetensors` in the run directory (the prefix names the seed of a multi-seed run). */
  modelPath(id: string): string;
  /** A saved model's weights (read once). */
  weights(id: string): Promise<Weights>;
  /** The evaluation context of regime `id` (the previous one is freed). */
  regime(id: string): Promise<RegimeContext>;
  /** Frees the evaluation model and forgets the models read. */
  dispose(): void;
}

/**
 * The model id of the pretrained model and of a fine-tuned one.
 *
 * @example
 * ```ts
 * import { modelId } from './run-state.js';
 *
 * console.log(modelId('small')); // finetuned-small
 * ```
 */
export function modelId(regime?: string): string {
  return regime === undefined ? 'pretrained' : `finetuned-${regime}`;
}

/**
 * Creates the {@link DeltaRunState} of a run.
 *
 * @example
 * ```ts
 * import { type DeltaExperimentConfig } from '@sparse/delta';
 * import { mlpLayers } from './mlp.js';
 * import { createRunState } from './run-state.js';
 * import { type DeltaTaskData } from './task-data.js';
 * import type { DenseMlpLayer } from '@sparse/core';
import type { RunDirectory } from '@sparse/experiments';
 *
 * declare const config: DeltaExperimentConfig, data: DeltaTaskData, run: RunDirectory;
 * const state = createRunState({ config, layers: mlpLayers(config.model.hidden), data, run, log: console.log });
 * ```
 */
export function createRunState(options: { config: DeltaExperimentConfig; layers: readonly DenseMlpLayer[]; data: DeltaTaskData; run: RunDirectory; log: (text: string) => void; modelPrefix?: string }): DeltaRunState {
  const { config, layers, data, run } = options;
  const exclude = config.exclude.map((source) => new RegExp(source));
  const cache = new Map<string, Promise<Weights>>();
  let current: { id: string; context: RegimeContext } | undefined;
  const modelPath = (id: string) => run.file('models', `${options.modelPrefix ?? ''}${id}.safetensors`);
  const weights = (id: string): Promise<Weights> => {
    let loaded = cache.get(id);
    if (loaded === undefined) {
      loaded = readModelFile(modelPath(id), layers);
      cache.set(id, loaded);
      loaded.catch(() => cache.delete(id));
    }
    return loaded;
  };
  return {
    config,
    layers,
    data,
    exclude,
    run,
    log: options.log,
    modelPath,
    weights,
    async regime(id) {
      if (current?.id === id) return current.context;
      current?.context.dispose();
      current = undefined;
      const [base, tuned] = await Promise.all([weights(modelId()), weights(modelId(id))]);
      const context = createRegimeContext({ layers, base, tuned, data, exclude, dropSeeds: config.dropSeeds });
      current = { id, context };
      return context;
    },
    dispose() {
      current?.context.dispose();
      current = undefined;
      cache.clear();
    },
  };
}
