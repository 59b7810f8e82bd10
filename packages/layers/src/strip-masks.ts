import type * as tfl from '@tensorflow/tfjs-layers';
import { applyMasks, type MaskSet, type NamedParameter } from '@sparse/core';
import { modelParameters } from './model-parameters.js';

/**
 * Writes masked weights into the model as plain weights (`w ← m ⊙ w`) and returns the model.
 *
 * `@sparse` never wraps layers (unlike tfmot's `prune_low_magnitude`), so there is nothing else
 * to strip: the result is an ordinary `LayersModel` whose pruned weights are exact zeros, savable
 * with `model.save` and loadable without `@sparse`. The masks are not disposed; the model is
 * modified in place.
 *
 * @param masks - masks keyed by parameter name, as {@link modelParameters} names them.
 * @param options.parameters - the parameters the mask names refer to; default {@link modelParameters}(model).
 * @throws SparseError `E_ARGUMENT` when a mask names no trainable weight or has the wrong shape.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-layers';
 * import type { MaskSet } from '@sparse/core';
 * import { stripMasks } from '@sparse/layers';
 *
 * declare const model: tf.LayersModel;
 * declare const masks: MaskSet;
 * await stripMasks(model, masks).save('file://./sparse-model');
 * ```
 */
export function stripMasks(
  model: tfl.LayersModel,
  masks: MaskSet,
  options: { readonly parameters?: readonly NamedParameter[] } = {},
): tfl.LayersModel {
  applyMasks(options.parameters ?? modelParameters(model), masks);
  return model;
}
