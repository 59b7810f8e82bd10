import { defineImplementationKind } from '@sparse/core';
import type { SparseTrainingMethod } from './contracts/method.js';

/**
 * The name table of sparse-training methods: `dense`, `static`, `set`, `rigl`, `imp`,
 * `random-search`, `nm-retrain`, `ste`, `sr-ste`, `mdgf`, `sdgf`, `lottery-jackpots`,
 * `one-shot-magnitude` (registered by
 * {@link sparseTrainingPlugin}), or a plugin's own. A `sparse-training` config names them in
 * `methods`.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { SparseTrainingMethods, sparseTrainingPlugin } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseTrainingPlugin()] });
 * console.log(runtime.names(SparseTrainingMethods));
 * ```
 */
export const SparseTrainingMethods = defineImplementationKind<SparseTrainingMethod>('sparse-training method', '@sparse/sparse-training/Method');
