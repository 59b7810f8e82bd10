import { defineImplementationKind } from '@sparse/core';
import type { DeltaPruner } from './plugin/delta-pruner.js';

/**
 * Delta pruners resolved by name from a runtime: `dare`, `drop-only`, `darex-q`, `magnitude` (from
 * {@link deltaPruning}), or a plugin's own.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { DeltaPruners, deltaPruning } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPruning()] });
 * const dare = runtime.create(DeltaPruners, 'dare', { rate: 0.9, seed: 1 });
 * ```
 */
export const DeltaPruners = defineImplementationKind<DeltaPruner>('delta pruner', '@sparse/delta/DeltaPruner');
