import type { DeltaMethodDefinition } from './delta-method-definition.js';
import { darexQAnalyticalMethod } from './darex-q-analytical-method.js';
import { darexQOutputChangeMethod, darexQValidationMethod } from './darex-q-search-methods.js';
import { magnitudeMethod } from './magnitude-method.js';
import { dareMethod, darexQMethod, dropOnlyMethod, randomMethod } from './random-drop-methods.js';

/**
 * The delta methods {@link deltaPlugin} registers, in listing order: the two drop rules with an
 * explicit rescale (`random`, `magnitude`), the named presets (`dare`, `drop-only`, `darex-q`) and
 * the methods that choose `q` from data (`darex-q-validation`, `darex-q-output-change`,
 * `darex-q-analytical`).
 *
 * @example
 * ```ts
 * import { BUILT_IN_DELTA_METHODS } from '@sparse/delta';
 *
 * console.log(BUILT_IN_DELTA_METHODS.map((method) => method.name));
 * ```
 */
export const BUILT_IN_DELTA_METHODS: readonly DeltaMethodDefinition[] = Object.freeze([
  randomMethod,
  magnitudeMethod,
  dareMethod,
  dropOnlyMethod,
  darexQMethod,
  darexQValidationMethod,
  darexQOutputChangeMethod,
  darexQAnalyticalMethod,
]);
