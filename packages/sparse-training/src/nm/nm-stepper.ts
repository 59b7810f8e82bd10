import * as tf from '@tensorflow/tfjs-core';
import { fusedDense, meanSoftmaxCrossEntropy, type Batch, type DenseMlp } from '@sparse/core';
import { nmEffectiveKernel } from './nm-effective-kernel.js';
import { nmMask } from './nm-mask.js';
import type { NmStepPhase } from './nm-schedule.js';

/**
 * What {@link NmStepper.step} reports of one step.
 *
 * @example
 * ```ts
 * import type { NmStepReport } from '@sparse/sparse-training';
 *
 * function onStep(report: NmStepReport): void {
 *   console.log(report.phase.kind, report.forwardKernels?.size);
 * }
 * ```
 */
export interface NmStepReport {
  /** The phase the step ran. */
  readonly phase: NmStepPhase;
  /**
   * The kernels the step's forward pass multiplied with (`w ⊙ factor`, downloaded from the very
   * factor tensors the step used), by parameter name; only when the step was asked to record them.
   */
  readonly forwardKernels?: ReadonlyMap<string, Float32Array>;
}

/**
 * One Adam step at a time of a `DenseMlp` whose kernels enter the forward pass through a
 * per-step N:M factor (the {@link NmStepPhase}): dense, MDGF-decayed, hard STE (SR-STE with
 * `srDecay > 0`) or a fixed mask. The mask is computed **on the host** every step ({@link nmMask}
 * of the downloaded kernels, then one upload per kernel): on the wasm backend of a loaded 2-core VM
 * this measured about twice as fast as a top-k mask built with tfjs ops (transpose, pad, reshape,
 * `topk`, `oneHot`, which also lacks the index tie-break), e.g. 3.4–11 ms against 11–22 ms per
 * step for LeNet-300-100's kernels at 2:4, and it is the code the tests check against core's
 * `nmPattern`. Biases are never masked.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createDenseMlp, glorotNormal } from '@sparse/core';
 * import { createNmStepper } from '@sparse/sparse-training';
 *
 * const model = createDenseMlp({ layerSizes: [8, 4, 2], initializer: glorotNormal, seed: 0 });
 * const stepper = createNmStepper(model, 1e-3);
 * const batch = { x: tf.ones([2, 8]), y: tf.tensor2d([[1, 0], [0, 1]]) };
 * stepper.step(batch, { kind: 'ste', stage: 'sparse', n: 2, m: 4, alpha: 0, srDecay: 2e-4 });
 * tf.dispose([batch.x, batch.y]);
 * stepper.dispose();
 * model.dispose();
 * ```
 */
export interface NmStepper {
  /** One step on `batch` (the caller disposes it) in `phase`; `record` downloads the forward kernels for the report. */
  step(batch: Batch, phase: NmStepPhase, record?: boolean): NmStepReport;
  /**
   * The kernels the forward pass of `phase` uses at the current weights, by name (for evaluation
   * and the final hard-masked model): `w ⊙ factor`, or the fixed-masked weights.
   */
  effectiveKernels(phase: NmStepPhase): Map<string, Float32Array>;
  /** Drops Adam's state (a fresh optimizer from the next step). */
  resetOptimizer(): void;
  /** Frees the optimizer and the fixed masks (not the model). */
  dispose(): void;
}

/**
 * Options of {@link createNmStepper} beyond the model and learning rate.
 *
 * @example
 * ```ts
 * import type { NmStepperOptions } from '@sparse/sparse-training';
 *
 * const options: NmStepperOptions = { resetOptimizerOnFixed: true };
 * ```
 */
export interface NmStepperOptions {
  /** Start a fresh Adam when a `fixed` phase begins (nm-retrain's "retrain with the original schedule"). Default false. */
  readonly resetOptimizerOnFixed?: boolean;
}

interface Kernel {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly inputs: number;
  readonly outputs: number;
}

/** The 0/1 mask with `(1 − m)·alpha` added: `m + (1 − m)·alpha`, in place. */
function decayFactor(mask: Float32Array, alpha: number): Float32Array {
  if (alpha === 0) return mask;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) mask[i] = alpha;
  return mask;
}

/**
 * Creates an {@link NmStepper} on `model`'s variables with `tf.train.adam(learningRate)`.
 *
 * @example
 * ```ts
 * import { createDenseMlp, glorotNormal } from '@sparse/core';
 * import { createNmStepper } from '@sparse/sparse-training';
 *
 * const model = createDenseMlp({ layerSizes: [8, 4, 2], initializer: glorotNormal, seed: 0 });
 * const stepper = createNmStepper(model, 1e-3, { resetOptimizerOnFixed: true });
 * stepper.dispose();
 * model.dispose();
 * ```
 */
export function createNmStepper(model: DenseMlp, learningRate: number, options: NmStepperOptions = {}): NmStepper {
  const kernels: Kernel[] = model.denseLayers.map(({ kernel }) => {
    const [inputs = 0, outputs = 0] = kernel.variable.shape;
    return { name: kernel.name, variable: kernel.variable, inputs, outputs };
  });
  const variables = model.parameters.map((p) => p.variable);
  const last = model.denseLayers.length - 1;
  let optimizer = tf.train.adam(learningRate);
  let fixed: { key: string; masks: Map<string, tf.Tensor2D> } | undefined;

  const disposeFixed = (): void => {
    if (fixed !== undefined) for (const mask of fixed.masks.values()) mask.dispose();
    fixed = undefined;
  };

  /** Host masks (with the decay added) at the current weights. */
  const hostFactors = (phase: NmStepPhase): Map<string, Float32Array> =>
    new Map(kernels.map((k) => [k.name, decayFactor(nmMask(k.variable.dataSync() as Float32Array, k.inputs, k.outputs, phase.n, phase.m), phase.kind === 'decay' ? phase.alpha : 0)]));

  const ensureFixed = (phase: NmStepPhase): Map<string, tf.Tensor2D> => {
    const key = `${phase.n}:${phase.m}`;
    if (fixed?.key !== key) {
      disposeFixed();
      const masks = new Map<string, tf.Tensor2D>();
      for (const [name, mask] of hostFactors({ ...phase, kind: 'ste' })) {
        const k = kernels.find((kernel) => kernel.name === name) as Kernel;
        masks.set(name, tf.tensor2d(mask, [k.inputs, k.outputs]));
      }
      fixed = { key, masks };
      for (const k of kernels) tf.tidy(() => k.variable.assign(tf.mul(k.variable, masks.get(k.name) as tf.Tensor2D)));
      if (options.resetOptimizerOnFixed === true) resetOptimizer();
    }
    return fixed.masks;
  };

  const resetOptimizer = (): void => {
    optimizer.dispose();
    optimizer = tf.train.adam(learningRate);
  };

  const step = (batch: Batch, phase: NmStepPhase, record = false): NmStepReport => {
    let factors: Map<string, tf.Tensor2D> | undefined;
    let owned = false;
    if (phase.kind === 'fixed') {
      factors = ensureFixed(phase);
    } else if (phase.kind !== 'dense') {
      disposeFixed();
      owned = true;
      factors = new Map();
      for (const [name, factor] of hostFactors(phase)) {
        const k = kernels.find((kernel) => kernel.name === name) as Kernel;
        factors.set(name, tf.tensor2d(factor, [k.inputs, k.outputs]));
      }
    } else {
      disposeFixed();
    }
    try {
      let forwardKernels: Map<string, Float32Array> | undefined;
      if (record) {
        forwardKernels = new Map(
          kernels.map((k) => {
            const factor = factors?.get(k.name);
            if (factor === undefined) return [k.name, k.variable.dataSync().slice() as Float32Array];
            const product = tf.mul(k.variable, factor);
            const values = product.dataSync() as Float32Array;
            product.dispose();
            return [k.name, values];
          }),
        );
      }
      const loss = (): tf.Scalar =>
        tf.tidy(() => {
          let h: tf.Tensor = batch.x;
          model.denseLayers.forEach(({ kernel, bias }, i) => {
            const factor = factors?.get(kernel.name);
            const w = factor === undefined ? kernel.variable : nmEffectiveKernel(kernel.variable, factor, phase.kind === 'fixed' ? 'masked' : 'straight-through', phase.kind === 'ste' ? phase.srDecay : 0);
            // core's fused layer (the `fused` engine's): no gradient with respect to the data in the first layer.
            h = fusedDense(h, w, bias.variable, { activation: i === last ? 'linear' : 'relu', inputGradient: i > 0 });
          });
          return meanSoftmaxCrossEntropy(batch.y, h);
        });
      optimizer.minimize(loss, false, variables);
      if (phase.kind === 'fixed' && factors !== undefined) {
        // Adam's moments can move a masked weight: re-apply w ← m ⊙ w after every step (spec §0).
        for (const k of kernels) tf.tidy(() => k.variable.assign(tf.mul(k.variable, factors.get(k.name) as tf.Tensor2D)));
      }
      return forwardKernels === undefined ? { phase } : { phase, forwardKernels };
    } finally {
      if (owned && factors !== undefined) for (const factor of factors.values()) factor.dispose();
    }
  };

  return {
    step,
    effectiveKernels(phase) {
      if (phase.kind === 'dense') return new Map(kernels.map((k) => [k.name, k.variable.dataSync().slice() as Float32Array]));
      if (phase.kind === 'fixed' && fixed?.key === `${phase.n}:${phase.m}`) {
        // The variables already hold m ⊙ w.
        return new Map(kernels.map((k) => [k.name, k.variable.dataSync().slice() as Float32Array]));
      }
      const factors = hostFactors(phase);
      return new Map(
        kernels.map((k) => {
          const w = k.variable.dataSync();
          const factor = factors.get(k.name) as Float32Array;
          const out = new Float32Array(factor.length);
          for (let i = 0; i < out.length; i++) out[i] = (w[i] as number) * (factor[i] as number);
          return [k.name, out];
        }),
      );
    },
    resetOptimizer,
    dispose() {
      disposeFixed();
      optimizer.dispose();
    },
  };
}
