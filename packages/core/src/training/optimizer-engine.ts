import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { TrainingEngine } from '../contracts/training-engine.js';
import { captureAdamState, restoreAdamState } from './adam-state.js';
import { fusedAdam } from './fused-adam.js';
import { withMasks } from './masked-optimizer.js';
import { maskedOptimizerAccess } from './masked-optimizer-access.js';

/**
 * The engines that step through a tfjs optimizer: `stock` (`tf.train.adam` on the model's `loss`,
 * tfjs's own gradients) and `fused` (core's one-pass `fusedAdam` with the masks folded in, on the
 * model's `fusedLoss` when it has one), both wrapped by `withMasks`, which masks the variables at
 * once and re-applies the masks after every update. They train any model.
 *
 * Their steppers `reload()` by re-applying the masks to the variables (which are the weights they
 * train). Their steppers have a `maskAccess` ({@link maskedOptimizerAccess}): dense gradients of the
 * loss the engine steps on (`fusedLoss` for `fused` when the model has one), and mask replacement
 * with the grown entries' Adam moments reset. Mask tensors it makes are the engine's, disposed
 * with it; the masks it was started with stay the caller's.
 *
 * @param kind - which of the two.
 *
 * @example
 * ```ts
 * import { optimizerEngine } from '@sparse/core';
 *
 * const fused = optimizerEngine('fused');
 * console.log(fused.name); // fused
 * ```
 */
export function optimizerEngine(kind: 'stock' | 'fused'): TrainingEngine {
  const fused = kind === 'fused';
  return Object.freeze({
    name: kind,
    refusal: () => undefined,
    async start(model, masks, options) {
      const adam = fused ? fusedAdam(options.learningRate) : tf.train.adam(options.learningRate);
      const lossOf = fused && model.fusedLoss !== undefined ? model.fusedLoss.bind(model) : model.loss.bind(model);
      const variables = model.parameters.map((p) => p.variable);
      try {
        if (options.adam !== undefined) await restoreAdamState(adam, options.adam);
      } catch (error) {
        adam.dispose();
        throw error;
      }
      const optimizer = withMasks(adam, { parameters: model.parameters, masks, initialStep: options.initialStep });
      // Mask tensors made by replaceMasks: the engine's until replaced or disposed.
      const owned = new Set<Tensor>();
      const maskAccess = maskedOptimizerAccess(optimizer, {
        loss: lossOf,
        onMasksReplaced: (fresh, replaced) => {
          for (const mask of fresh.values()) owned.add(mask);
          for (const mask of replaced.values()) {
            if (owned.delete(mask)) mask.dispose();
          }
        },
      });
      return {
        step: async (batch) => {
          optimizer.minimize(() => lossOf(batch), false, variables);
        },
        sync: () => {},
        // The variables are this engine's weights: only the masks need re-applying.
        reload: () => optimizer.setMasks(optimizer.masks),
        adamState: () => captureAdamState(adam),
        dispose: async () => {
          adam.dispose();
          tf.dispose([...owned]);
          owned.clear();
        },
        maskAccess,
      };
    },
  } satisfies TrainingEngine);
}
