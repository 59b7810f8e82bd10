import { defineImplementationKind } from '@sparse/core';
import type { ModelBuilder } from './models/model-builder.js';
import type { Sparsifier } from './sparsifiers/sparsifier.js';

/**
 * The name table of activation sparsifiers: `cats`, `chess`, `chess-plus`, `top-k` (registered by
 * {@link activationPlugin}), or a plugin's own. A config names one as `"cats"` or
 * `{ "name": "cats", "quantile": "histogram" }`.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { Sparsifiers, activationPlugin } from '@sparse/activation';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [activationPlugin()] });
 * console.log(runtime.names(Sparsifiers)); // [ 'cats', 'chess', 'chess-plus', 'top-k' ]
 * const chess = runtime.resolve(Sparsifiers, { name: 'chess', aggregate: 'mean-of-batches' });
 * ```
 */
export const Sparsifiers = defineImplementationKind<Sparsifier>('sparsifier', '@sparse/activation/Sparsifier');

/**
 * The name table of the models the `activation` experiment trains: `gated-mlp`, `vit`,
 * `relu-mlp` (registered by {@link activationPlugin}), each with its sizes as options.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { ActivationModels, activationPlugin } from '@sparse/activation';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [activationPlugin()] });
 * const builder = runtime.resolve(ActivationModels, { name: 'gated-mlp', dModel: 64, hidden: 256, blocks: 2 });
 * const model = builder.create(0);
 * console.log(model.sites.map((site) => site.name)); // [ 'block0/gate', 'block1/gate' ]
 * model.dispose();
 * ```
 */
export const ActivationModels = defineImplementationKind<ModelBuilder>('activation model', '@sparse/activation/Model');
