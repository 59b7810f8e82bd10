import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Batch } from '../contracts/batch.js';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { EngineMaskAccess } from '../contracts/training-engine.js';
import { SparseError } from '../errors.js';
import { checkMaskReplacement, type MaskReplacementTarget } from './mask-replacement.js';
import type { MaskedOptimizer } from './masked-optimizer.js';
import { explainMissingGradient } from './missing-gradient.js';

/**
 * Options of {@link maskedOptimizerAccess}.
 *
 * @example
 * ```ts
 * import type { MaskedOptimizerAccessOptions, Batch } from '@sparse/core';
 * import type { Scalar } from '@tensorflow/tfjs-core';
 *
 * declare function loss(batch: Batch): Scalar;
 * const options: MaskedOptimizerAccessOptions = { loss, onMasksReplaced: (fresh, replaced) => console.log(fresh.size, replaced.size) };
 * ```
 */
export interface MaskedOptimizerAccessOptions {
  /** The loss the optimizer minimises; `denseGradients` differentiates it. */
  readonly loss: (batch: Batch) => Scalar;
  /**
   * Called after `replaceMasks` put new mask tensors in force (`fresh`, made by the access and now
   * owned by the callee) in place of `replaced` (the tensors they replaced, still in no use; the
   * callee disposes those it owns). Without it the access disposes nothing, so mask tensors it
   * made leak: pass it.
   */
  readonly onMasksReplaced?: (fresh: MaskSet, replaced: MaskSet) => void;
}

/** A `{ originalName, variable }` slot of a tfjs optimizer (Adam's `m`, `v`, momentum's accumulation, …). */
interface OptimizerSlot {
  readonly originalName: string;
  readonly variable: Variable;
}

function isSlot(value: unknown): value is OptimizerSlot {
  return typeof value === 'object' && value !== null && typeof (value as Partial<OptimizerSlot>).originalName === 'string' && (value as Partial<OptimizerSlot>).variable instanceof tf.Variable;
}

/**
 * The per-variable state slots of a tfjs 4.22 optimizer: its own array fields of
 * `{ originalName: '<variable>/<slot>', variable }` (Adam's `accumulatedFirstMoment` and
 * `accumulatedSecondMoment`, Momentum's `accumulations`, RMSProp's, Adagrad's, Adamax's).
 */
function optimizerSlots(optimizer: tf.Optimizer): OptimizerSlot[] {
  const slots: OptimizerSlot[] = [];
  for (const value of Object.values(optimizer as unknown as Record<string, unknown>)) {
    if (Array.isArray(value)) for (const entry of value) if (isSlot(entry)) slots.push(entry);
  }
  return slots;
}

/** `variable ← values` with `indices` (or entries where `keep` is 0) set to 0; nothing when none changes. */
function zeroEntries(variable: Variable, indices: Uint32Array, keep: Float32Array | undefined): void {
  const values = Float32Array.from(variable.dataSync() as Float32Array);
  let changed = false;
  if (keep !== undefined) {
    for (let i = 0; i < values.length; i++) {
      if (keep[i] === 0 && values[i] !== 0) {
        values[i] = 0;
        changed = true;
      }
    }
  }
  for (const index of indices) {
    if (values[index] !== 0) {
      values[index] = 0;
      changed = true;
    }
  }
  if (changed) tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
}

/**
 * The {@link EngineMaskAccess} of a {@link MaskedOptimizer} (core's `stock` and `fused` engines,
 * and {@link train} with `optimizer` and `maskUpdates`): its masked parameters' values and masks
 * read from the backend, dense gradients by `tf.variableGrads` of `loss` (unmasked, no update),
 * and new masks installed with `setMasks`, the weights of pruned and grown entries zeroed, and
 * those entries reset to 0 in every per-variable slot of the wrapped optimizer (Adam's first and
 * second moments; a momentum's accumulation: see `EngineMaskAccess.replaceMasks`). The wrapped
 * optimizer's iteration count and Adam's running powers `β^t` are unchanged. The masked parameters are those with a mask in force, in the
 * order of the optimizer's parameters.
 *
 * A mask update copies each masked tensor and its optimizer slots to the host and back; between
 * updates it costs nothing.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fusedAdam, maskedOptimizerAccess, withMasks, type Batch, type NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * declare const masks: Map<string, tf.Tensor>;
 * declare const batch: Batch;
 * declare function loss(batch: Batch): tf.Scalar;
 * const optimizer = withMasks(fusedAdam(1e-3), { parameters, masks });
 * const access = maskedOptimizerAccess(optimizer, { loss, onMasksReplaced: (_fresh, replaced) => console.log(replaced.size) });
 * const gradients = await access.denseGradients(batch);
 * console.log([...gradients.keys()]);
 * ```
 */
export function maskedOptimizerAccess(optimizer: MaskedOptimizer, options: MaskedOptimizerAccessOptions): EngineMaskAccess {
  if (typeof options?.loss !== 'function') {
    throw new SparseError('E_ARGUMENT', 'maskedOptimizerAccess: loss must be a function (batch) => scalar.', { field: 'loss' });
  }
  const masked = (): NamedParameter[] => optimizer.parameters.filter((parameter) => optimizer.masks.has(parameter.name));
  const maskOf = (name: string): Tensor => optimizer.masks.get(name) as Tensor;
  return {
    get names() {
      return masked().map((parameter) => parameter.name);
    },
    get shapes() {
      return new Map(masked().map((parameter) => [parameter.name, [...parameter.variable.shape]]));
    },
    readWeights: () => new Map(masked().map((parameter) => [parameter.name, Float32Array.from(parameter.variable.dataSync() as Float32Array)])),
    readMasks: () => new Map(masked().map((parameter) => [parameter.name, Float32Array.from(maskOf(parameter.name).dataSync() as Float32Array)])),
    async denseGradients(batch) {
      const parameters = masked();
      if (parameters.length === 0) return new Map();
      const variables = parameters.map((parameter) => parameter.variable);
      let gradients: Tensor[];
      try {
        gradients = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => options.loss(batch), variables);
          return variables.map((variable) => grads[variable.name] as Tensor);
        });
      } catch (error) {
        throw explainMissingGradient(error);
      }
      try {
        const values = await Promise.all(gradients.map((gradient) => gradient.data()));
        return new Map(parameters.map((parameter, i) => [parameter.name, Float32Array.from(values[i] as Float32Array)]));
      } finally {
        tf.dispose(gradients);
      }
    },
    replaceMasks(masks, grown) {
      const parameters = masked();
      const targets = new Map<string, MaskReplacementTarget>(
        parameters.map((parameter) => [parameter.name, { size: parameter.variable.size, mask: maskOf(parameter.name).dataSync() as Float32Array }]),
      );
      checkMaskReplacement(targets, masks, grown, 'replaceMasks');
      if (masks.size === 0) return;
      const slots = optimizerSlots(optimizer.inner);
      const fresh = new Map<string, Tensor>();
      const replaced = new Map<string, Tensor>();
      const next = new Map(optimizer.masks);
      for (const parameter of parameters) {
        const mask = masks.get(parameter.name);
        if (mask === undefined) continue;
        const indices = grown.get(parameter.name) ?? new Uint32Array(0);
        zeroEntries(parameter.variable, indices, mask);
        for (const slot of slots) {
          const owner = slot.originalName.slice(0, slot.originalName.lastIndexOf('/'));
          if (owner === parameter.variable.name && slot.variable.size === parameter.variable.size) zeroEntries(slot.variable, indices, mask);
        }
        const tensor = tf.tensor(mask, parameter.variable.shape, 'float32');
        fresh.set(parameter.name, tensor);
        replaced.set(parameter.name, maskOf(parameter.name));
        next.set(parameter.name, tensor);
      }
      // The weights are already masked: no second pass.
      optimizer.setMasks(next, { apply: false });
      options.onMasksReplaced?.(fresh, replaced);
    },
  };
}
