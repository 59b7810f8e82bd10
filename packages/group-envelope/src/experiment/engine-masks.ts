import * as tf from '@tensorflow/tfjs-core';
import type { MaskSet, NamedParameter, Regularizer, RegularizerBinding, TrainableModel } from '@sparse/core';

/** The fine-tune's masks as a training engine takes them (see {@link masksForEngine}). */
export interface EngineMasks {
  /** The masks on kernels, which every engine holds (the same tensors, still the caller's). */
  readonly engineMasks: MaskSet;
  /** A proximal step keeping the biases that could move masked; absent when none could. */
  readonly keeper?: RegularizerBinding;
}

/** Whether every masked-out entry of a hidden layer's bias belongs to a neuron whose whole kernel column is masked out. */
function inertBias(biasMask: tf.Tensor, kernelMask: tf.Tensor | undefined): boolean {
  if (kernelMask === undefined) return false;
  const bias = biasMask.dataSync();
  const kernel = kernelMask.dataSync();
  const columns = bias.length;
  for (let j = 0; j < columns; j++) {
    if (bias[j] !== 0) continue;
    for (let i = j; i < kernel.length; i += columns) if (kernel[i] !== 0) return false;
  }
  return true;
}

/**
 * Splits the hard selection's masks for a training engine, whose masks are on kernels only
 * (`dense-trainer` holds no other). Masks on dense kernels go to the engine. A masked bias needs
 * nothing more when it cannot move: in a hidden layer (ReLU after it), each masked-out bias entry
 * whose neuron's whole kernel column is masked out has pre-activation 0 at every step, so ReLU's
 * gradient there is 0 (tfjs's and the trainer's alike) and Adam, from moments that are 0, leaves it
 * at 0 — provided it is 0 when training starts (the caller applies the masks first). Any other
 * masked bias is kept by a proximal step that multiplies it by its mask after every engine step
 * (core's `train` runs it between the steps, then the engine reloads the weights); a masked entry
 * is then 0 in every forward pass, so the update the engine made to it reaches no other weight.
 * Either way the weights follow the masked optimizer path's.
 *
 * @param model - the model, with its `denseLayers` (input first; ReLU after all but the last).
 * @param masks - the selection's masks, by parameter name.
 */
export function masksForEngine(model: Pick<TrainableModel, 'parameters' | 'denseLayers'>, masks: MaskSet): EngineMasks {
  const layers = model.denseLayers ?? [];
  const hiddenBiases = new Map(layers.slice(0, -1).map(({ kernel, bias }) => [bias.name, kernel.name] as const));
  const engineMasks = new Map<string, tf.Tensor>();
  const kept: NamedParameter[] = [];
  for (const parameter of model.parameters) {
    const mask = masks.get(parameter.name);
    if (mask === undefined) continue;
    if (parameter.role === 'dense-kernel') {
      engineMasks.set(parameter.name, mask);
      continue;
    }
    const kernel = hiddenBiases.get(parameter.name);
    if (!(kernel !== undefined && inertBias(mask, masks.get(kernel)))) kept.push(parameter);
  }
  if (kept.length === 0) return { engineMasks };
  const regularizer: Regularizer = {
    name: 'selection-masks',
    proximalStep(bound) {
      for (const parameter of bound) {
        const mask = masks.get(parameter.name);
        if (mask !== undefined) parameter.variable.assign(tf.mul(parameter.variable, mask));
      }
    },
  };
  return { engineMasks, keeper: { regularizer, parameters: kept } };
}
