import type { z } from 'zod';
import type { PluginRegistry } from '@sparse/core';
import { SparseTrainingMethods } from '../tokens.js';
import { denseMethod, denseMethodOptionsSchema } from './dense.js';
import { dynamicMethodOptionsSchema, riglMethod, setMethod, staticMethod, staticMethodOptionsSchema } from './from-scratch.js';
import { impMethod, impMethodOptionsSchema } from './imp.js';
import { randomSearchMethod, randomSearchOptionsSchema } from './random-search.js';

/**
 * Registers the methods of dense, static, dynamic and search baselines in
 * {@link SparseTrainingMethods}, each with its options' zod schema (a config is checked before
 * any work): `dense` ({@link denseMethod}), `static` ({@link staticMethod}), `set`
 * ({@link setMethod}), `rigl` ({@link riglMethod}), `imp` ({@link impMethod}) and `random-search`
 * ({@link randomSearchMethod}).
 *
 * @example
 * ```ts
 * import { createRuntime, definePlugin } from '@sparse/core';
 * import { SparseTrainingMethods, registerDstMethods } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@my-org/dst-methods', registerDstMethods)] });
 * const rigl = runtime.resolve(SparseTrainingMethods, { name: 'rigl', distribution: 'uniform' });
 * console.log(rigl.label); // rigl (uniform)
 * ```
 */
export function registerDstMethods(registry: PluginRegistry): void {
  registry.provide(SparseTrainingMethods, 'dense', (options) => denseMethod(options as z.input<typeof denseMethodOptionsSchema>), {
    options: denseMethodOptionsSchema,
    summary: 'Dense training from θ0 for the same budget (the reference)',
  });
  registry.provide(SparseTrainingMethods, 'static', (options) => staticMethod(options as z.input<typeof staticMethodOptionsSchema>), {
    options: staticMethodOptionsSchema,
    summary: 'Static random sparse training: random masks at exact ERK or uniform per-layer densities, trained from θ0',
  });
  registry.provide(SparseTrainingMethods, 'set', (options) => setMethod(options as z.input<typeof dynamicMethodOptionsSchema>), {
    options: dynamicMethodOptionsSchema,
    summary: 'SET: random ERK/uniform masks, every ΔT steps drop the smallest |w| and regrow at random (cosine drop fraction)',
  });
  registry.provide(SparseTrainingMethods, 'rigl', (options) => riglMethod(options as z.input<typeof dynamicMethodOptionsSchema>), {
    options: dynamicMethodOptionsSchema,
    summary: 'RigL: random ERK/uniform masks, every ΔT steps drop the smallest |w| and regrow the largest dense |gradient| (cosine drop fraction)',
  });
  registry.provide(SparseTrainingMethods, 'imp', (options) => impMethod(options as z.input<typeof impMethodOptionsSchema>), {
    options: impMethodOptionsSchema,
    summary: 'Iterative magnitude pruning with rewinding to θ0 (the lottery ticket), R rounds, layerwise, each round the full budget',
  });
  registry.provide(SparseTrainingMethods, 'random-search', (options) => randomSearchMethod(options as z.input<typeof randomSearchOptionsSchema>), {
    options: randomSearchOptionsSchema,
    summary: 'Random search: N random masks (or node masks) at the sparsity, each short-trained, the best by validation accuracy trained for the full budget',
  });
}
