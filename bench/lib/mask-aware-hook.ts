/**
 * The MaskedOptimizer → MaskAwareOptimizer hand-off proposed in bench/patches/
 * masked-optimizer-mask-aware.diff, applied at run time when the library does not have it yet, so
 * that the benchmark can measure the proposed path through the real `train()` loop.
 *
 * With the hook, `MaskedOptimizer.applyGradients` gives its masks to an inner optimizer that
 * implements `applyMaskedGradients` (such as `fusedAdam`) instead of multiplying gradients before
 * and weights after the update with separate kernels. Regularizers with proximal steps keep the
 * original code path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MaskedOptimizer, withMasks } from '@sparse/core';
import { isMaskAwareOptimizer } from '../../packages/core/src/training/fused-adam.js';

/** Whether `MaskedOptimizer` hands its masks to a mask-aware inner optimizer by itself. */
export function libraryDelegatesMasks(): boolean {
  class Probe extends tf.Optimizer {
    called = false;
    override applyGradients(): void {}
    applyMaskedGradients(): void {
      this.called = true;
    }
    override getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  }
  const variable = tf.variable(tf.ones([2]));
  const mask = tf.tensor1d([1, 0]);
  const gradient = tf.ones([2]);
  const probe = new Probe();
  try {
    const optimizer = withMasks(probe, { parameters: [{ name: 'w', role: 'dense-kernel', variable }], masks: new Map([['w', mask]]) });
    optimizer.applyGradients({ [variable.name]: gradient });
    return probe.called;
  } finally {
    tf.dispose([variable, mask, gradient]);
  }
}

interface MaskedOptimizerInternals {
  readonly inner: tf.Optimizer;
  readonly entries: readonly { readonly variable: tf.Variable; readonly mask: tf.Tensor }[];
  readonly proximal: readonly unknown[];
  currentStep: number;
}

let installed = false;
const masksByEntries = new WeakMap<object, ReadonlyMap<string, tf.Tensor>>();

/**
 * Makes `MaskedOptimizer` delegate to mask-aware optimizers. Returns `native` when the library
 * already does, `installed` when the hook was added to this process.
 */
export function ensureMaskAwareHandOff(): 'native' | 'installed' {
  if (installed) return 'installed';
  if (libraryDelegatesMasks()) return 'native';
  const original = MaskedOptimizer.prototype.applyGradients;
  MaskedOptimizer.prototype.applyGradients = function applyGradients(this: MaskedOptimizer, gradients) {
    const self = this as unknown as MaskedOptimizerInternals;
    if (self.entries.length === 0 || self.proximal.length > 0 || !isMaskAwareOptimizer(self.inner)) {
      original.call(this, gradients);
      return;
    }
    let masks = masksByEntries.get(self.entries);
    if (masks === undefined) {
      masks = new Map(self.entries.map(({ variable, mask }) => [variable.name, mask]));
      masksByEntries.set(self.entries, masks);
    }
    self.inner.applyMaskedGradients(gradients, masks);
    self.currentStep += 1;
  };
  installed = true;
  return 'installed';
}
