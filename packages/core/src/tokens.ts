import type { Allocator } from './contracts/allocation.js';
import type { PruningPattern } from './contracts/pattern.js';
import type { Pruner } from './contracts/pruner.js';
import type { TrainingEngine } from './contracts/training-engine.js';
import type { MaskUpdateRule } from './contracts/mask-update-rule.js';
import type { Regularizer } from './contracts/regularizer.js';
import type { Schedule } from './contracts/schedule.js';
import type { Scorer } from './contracts/scorer.js';
import { defineImplementationKind } from './runtime/implementation-kind.js';

/**
 * Scorers resolved by name (`magnitude`, `snip`, or a plugin's own).
 *
 * @example
 * ```ts
 * import { Scorers, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.names(Scorers)); // the scorers the loaded plugins provide
 * ```
 */
export const Scorers = defineImplementationKind<Scorer>('scorer', '@sparse/core/Scorer');

/**
 * Pruners resolved by name.
 *
 * @example
 * ```ts
 * import { Pruners, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.has(Pruners, 'magnitude'));
 * ```
 */
export const Pruners = defineImplementationKind<Pruner>('pruner', '@sparse/core/Pruner');

/**
 * Schedules resolved by name.
 *
 * @example
 * ```ts
 * import { Schedules, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.names(Schedules));
 * ```
 */
export const Schedules = defineImplementationKind<Schedule>('schedule', '@sparse/core/Schedule');

/**
 * Regularizers resolved by name.
 *
 * @example
 * ```ts
 * import { Regularizers, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.names(Regularizers));
 * ```
 */
export const Regularizers = defineImplementationKind<Regularizer>('regularizer', '@sparse/core/Regularizer');

/**
 * Sparsity patterns resolved by name (`unstructured`, `n:m`, `block`, `groups`, or a plugin's own).
 *
 * @example
 * ```ts
 * import { Patterns, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * const twoFour = runtime.resolve(Patterns, { name: 'n:m', n: 2, m: 4 });
 * ```
 */
export const Patterns = defineImplementationKind<PruningPattern>('pattern', '@sparse/core/Pattern');

/**
 * Allocations (how a target sparsity is shared between tensors) resolved by name (`layerwise`,
 * `global`, `erk`, `custom`, or a plugin's own).
 *
 * @example
 * ```ts
 * import { Allocations, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.create(Allocations, 'erk').name); // erk
 * ```
 */
export const Allocations = defineImplementationKind<Allocator>('allocation', '@sparse/core/Allocation');

/**
 * Training engines resolved by name: `stock` and `fused` (core), `dense-trainer` (the wasm
 * backend's plugin), or a plugin's own.
 *
 * @example
 * ```ts
 * import { TrainingEngines, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.names(TrainingEngines)); // ['fused', 'stock'] without the wasm backend's plugin
 * ```
 */
export const TrainingEngines = defineImplementationKind<TrainingEngine>('training engine', '@sparse/core/TrainingEngine');

/**
 * Mask update rules of dynamic sparse training resolved by name (`rigl`, `set` from
 * `@sparse/sparse-training`, or a plugin's own).
 *
 * @example
 * ```ts
 * import { MaskUpdateRules, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.names(MaskUpdateRules)); // empty until a plugin registers rules
 * ```
 */
export const MaskUpdateRules = defineImplementationKind<MaskUpdateRule>('mask update rule', '@sparse/core/MaskUpdateRule');

export { CoreTokens } from './runtime/core-tokens.js';
