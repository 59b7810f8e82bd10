/**
 * One prunable tensor as a {@link MaskUpdateRule} sees it at a mask update: its values now, its
 * mask now and, for rules that grow by gradient, the dense gradient of the current minibatch's
 * loss with respect to it (pruned entries included). All arrays are flat, row-major, and the
 * rule must not modify them.
 *
 * @example
 * ```ts
 * import type { MaskUpdateLayer } from '@sparse/core';
 *
 * const layer: MaskUpdateLayer = {
 *   name: 'fc1/kernel',
 *   shape: [2, 2],
 *   weights: Float32Array.of(0.5, 0, -0.1, 0.3),
 *   mask: Float32Array.of(1, 0, 1, 1),
 * };
 * ```
 */
export interface MaskUpdateLayer {
  /** The parameter's name (`fc1/kernel`). */
  readonly name: string;
  /** The parameter's shape. */
  readonly shape: readonly number[];
  /** Its current values (pruned entries are 0). */
  readonly weights: Float32Array;
  /** Its current `0`/`1` mask. */
  readonly mask: Float32Array;
  /** The dense gradient of the minibatch loss, when the rule `needsGradients`. */
  readonly gradients?: Float32Array;
}

/**
 * What a {@link MaskUpdateRule} is asked at a mask update.
 *
 * @example
 * ```ts
 * import type { MaskUpdateRequest, MaskUpdateLayer } from '@sparse/core';
 *
 * declare const layers: MaskUpdateLayer[];
 * const request: MaskUpdateRequest = { step: 300, totalSteps: 4600, layers, seed: 7 };
 * ```
 */
export interface MaskUpdateRequest {
  /** The step whose update follows the new masks (zero-based, absolute). */
  readonly step: number;
  /** Steps the whole training runs (schedules such as RigL's cosine drop fraction end relative to it). */
  readonly totalSteps: number;
  /** The masked tensors, in a stable order. */
  readonly layers: readonly MaskUpdateLayer[];
  /** The seed of this update (random growth, tie-breaking noise). */
  readonly seed: number;
}

/**
 * The outcome of a mask update: each layer's new mask and the flat indices of the entries that
 * became active (grown). The training engine zeroes every grown weight and resets its optimizer
 * slots (Adam's first and second moments); entries whose new mask is 0 are zeroed.
 *
 * @example
 * ```ts
 * import type { MaskUpdate } from '@sparse/core';
 *
 * const update: MaskUpdate = {
 *   masks: new Map([['fc1/kernel', Float32Array.of(1, 1, 0, 1)]]),
 *   grown: new Map([['fc1/kernel', Uint32Array.of(1)]]),
 * };
 * ```
 */
export interface MaskUpdate {
  /** The new mask of every layer of the request, by name. */
  readonly masks: ReadonlyMap<string, Float32Array>;
  /** Per layer, ascending flat indices whose mask went from 0 to 1. */
  readonly grown: ReadonlyMap<string, Uint32Array>;
}

/**
 * A rule that changes masks during training while keeping each layer's density (dynamic sparse
 * training: SET's random growth, RigL's gradient growth, or a plugin's own). The training loop
 * asks `isUpdateStep(step, totalSteps)` before every step and, when it says yes, reads the
 * weights, masks (and gradients when `needsGradients`), calls `update` and installs the result
 * through the engine's {@link EngineMaskAccess}. Registered by name in core's `MaskUpdateRules`.
 *
 * @example
 * ```ts
 * import type { MaskUpdateRule } from '@sparse/core';
 *
 * const frozen: MaskUpdateRule = {
 *   name: 'frozen',
 *   needsGradients: false,
 *   isUpdateStep: () => false,
 *   update: ({ layers }) => ({
 *     masks: new Map(layers.map((layer) => [layer.name, layer.mask.slice()])),
 *     grown: new Map(layers.map((layer) => [layer.name, new Uint32Array(0)])),
 *   }),
 * };
 * ```
 */
export interface MaskUpdateRule {
  /** The name it is registered under (`rigl`, `set`). */
  readonly name: string;
  /** Whether `update` needs each layer's dense gradient (RigL) or not (SET). */
  readonly needsGradients: boolean;
  /** Whether the masks change before step `step` of a training of `totalSteps` steps. */
  isUpdateStep(step: number, totalSteps: number): boolean;
  /** The new masks; each layer keeps its number of active entries. */
  update(request: MaskUpdateRequest): MaskUpdate;
}
