import * as tf from '@tensorflow/tfjs-core';
import { fusedAdam, withMasks, type MaskSet } from '@sparse/core';
import type { LthModel } from '../model/mlp.js';
import { captureAdamState, restoreAdamState, type AdamState } from './adam-state.js';
import type { RoundStepper } from './round-stepper.js';

/**
 * A round's steps through a tfjs optimizer (internal module of `training/`): core's `fusedAdam`
 * on the model's `fusedLoss` (`fused`) or `tf.train.adam` on its `loss` (`stock`), wrapped by
 * `withMasks`, which also masks the variables at once.
 */
export async function optimizerStepper(
  model: LthModel,
  masks: MaskSet,
  options: { readonly learningRate: number; readonly fused: boolean; readonly initialStep: number; readonly adam?: AdamState },
): Promise<RoundStepper> {
  const adam = options.fused ? fusedAdam(options.learningRate) : tf.train.adam(options.learningRate);
  const lossOf = options.fused && model.fusedLoss !== undefined ? model.fusedLoss.bind(model) : model.loss.bind(model);
  const variables = model.parameters.map((p) => p.variable);
  try {
    if (options.adam !== undefined) await restoreAdamState(adam, options.adam);
  } catch (error) {
    adam.dispose();
    throw error;
  }
  const optimizer = withMasks(adam, { parameters: model.parameters, masks, initialStep: options.initialStep });
  return {
    step: async (batch) => {
      optimizer.minimize(() => lossOf(batch), false, variables);
    },
    sync: () => {},
    adamState: () => captureAdamState(adam),
    dispose: async () => {
      adam.dispose();
    },
  };
}
