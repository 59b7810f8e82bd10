import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import { SparseError } from '../errors.js';
import { simdKernelsFor } from '../wasm/simd-kernels.js';
import {
  commitTarget,
  directStorage,
  float32View,
  heapMemory,
  heapOffset,
  invalidateCaches,
  readableView,
  writeTarget,
  type ReadableValues,
} from './backend-views.js';

/** tfjs-core's `NamedTensor` (a name and a tensor), which its index does not re-export. */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];
/** What tfjs's `AdamOptimizer.applyGradients` accepts (a map of variables' gradients, or a list). */
type AdamGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/**
 * An optimizer that applies masks itself, in the same pass as its update: for each masked variable
 * `g ← m ⊙ g`, the update, then `w ← m ⊙ w` — exactly what {@link MaskedOptimizer} does around a
 * plain optimizer, without the extra kernels. `MaskedOptimizer` hands its masks to such an inner
 * optimizer instead of masking around it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fusedAdam, isMaskAwareOptimizer } from '@sparse/core';
 *
 * console.log(isMaskAwareOptimizer(fusedAdam(1e-3)), isMaskAwareOptimizer(tf.train.adam(1e-3))); // true false
 * ```
 */
export interface MaskAwareOptimizer {
  /**
   * Applies one update with `masks` (keyed by `tf.Variable.name`, float32 0/1 tensors of the
   * variable's shape) folded in: gradients masked before the update, weights masked after it.
   */
  applyMaskedGradients(variableGradients: NamedTensorMap | NamedTensor[], masks: ReadonlyMap<string, Tensor>): void;
}

/**
 * Whether `value` is a tfjs optimizer that implements {@link MaskAwareOptimizer}.
 *
 * @example
 * ```ts
 * import { fusedAdam, isMaskAwareOptimizer } from '@sparse/core';
 *
 * console.log(isMaskAwareOptimizer(fusedAdam())); // true
 * ```
 */
export function isMaskAwareOptimizer(value: unknown): value is tf.Optimizer & MaskAwareOptimizer {
  return value instanceof tf.Optimizer && typeof (value as Partial<MaskAwareOptimizer>).applyMaskedGradients === 'function';
}

/** The state tfjs 4.22's `AdamOptimizer` keeps in (TypeScript-)private fields. */
interface AdamInternals {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: { originalName: string; variable: Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: Variable }[];
}

const NO_MASKS: ReadonlyMap<string, Tensor> = new Map();

/**
 * `tf.train.adam` with the update of each variable fused into one loop over its values, and with
 * masks folded in (see {@link MaskAwareOptimizer}).
 *
 * On the `wasm` and `cpu` backends each variable costs one pass over `w, g, m, v` (and the mask),
 * in place, with no kernel launch and no tensor allocated per step; the stock optimizer runs about
 * fourteen kernels per variable, each allocating its result. The arithmetic is tfjs's Adam
 * (`m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `w ← w − lr·m̂ / (√v̂ + ε)`), evaluated in
 * float64 and stored as float32, so results equal the stock optimizer's within float32 rounding.
 * On other backends it runs the stock kernels (plus mask products).
 *
 * It is an `AdamOptimizer`: the same state (`getWeights` / `setWeights`, moment names
 * `<variable>/m`, `<variable>/v`, `accBeta1`, `accBeta2`), configuration and serialization
 * (`className` `Adam`), so checkpoints move freely between the two.
 *
 * Buffers are written in place only when this optimizer allocated them and nothing else shares
 * them; a variable whose value came from elsewhere (a user array, a clone, an outside `assign`)
 * gets a fresh buffer on its first update (copy-on-write), so no other tensor ever changes.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { FusedAdamOptimizer } from '@sparse/core';
 *
 * const w = tf.variable(tf.randomNormal([784, 10]));
 * const optimizer = new FusedAdamOptimizer(1e-3, 0.9, 0.999);
 * const x = tf.randomNormal([60, 784]);
 * optimizer.minimize(() => tf.mean(tf.square(tf.matMul(x, w))));
 * ```
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer implements MaskAwareOptimizer {
  /** Applies one Adam update to every variable that has a gradient. */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    this.applyMaskedGradients(variableGradients, NO_MASKS);
  }

  /** One Adam update with `masks` folded in: `g ← m ⊙ g`, Adam, `w ← m ⊙ w`. */
  applyMaskedGradients(variableGradients: NamedTensorMap | NamedTensor[], masks: ReadonlyMap<string, Tensor>): void {
    const storage = directStorage();
    if (storage === undefined) {
      this.applyWithKernels(variableGradients, masks);
      return;
    }
    const state = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((entry) => entry.name) : Object.keys(variableGradients);
    const accBeta1 = float32View(storage, state.accBeta1);
    const accBeta2 = float32View(storage, state.accBeta2);
    if (accBeta1 === undefined || accBeta2 === undefined) {
      this.applyWithKernels(variableGradients, masks);
      return;
    }
    // As tfjs: 1 − β^t in float32.
    const correction1 = Math.fround(1 - (accBeta1[0] as number));
    const correction2 = Math.fround(1 - (accBeta2[0] as number));
    const settings = { beta1: this.beta1, beta2: this.beta2, learningRate: this.learningRate, epsilon: this.epsilon, correction1, correction2 };
    names.forEach((name, i) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new SparseError('E_ARGUMENT', `FusedAdamOptimizer: no variable named '${name}' is registered; gradients must be keyed by tf.Variable.name.`, {
          field: 'variableGradients',
          received: name,
        });
      }
      const moments = this.moments(state, i, name, variable);
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
      if (gradient === undefined || gradient === null) return;
      this.updateVariable(storage, variable, gradient, moments, masks.get(name), settings);
    });
    // β^t advances in float32, as tfjs's `accBeta.assign(mul(accBeta, β))`.
    this.advancePowers(storage, state);
    this.incrementIterations();
  }

  private moments(state: AdamInternals, i: number, name: string, variable: Variable): { m: Variable; v: Variable } {
    const first = state.accumulatedFirstMoment[i] ?? { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(variable).variable(false)) };
    const second = state.accumulatedSecondMoment[i] ?? { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(variable).variable(false)) };
    state.accumulatedFirstMoment[i] = first;
    state.accumulatedSecondMoment[i] = second;
    return { m: first.variable, v: second.variable };
  }

  private updateVariable(
    storage: NonNullable<ReturnType<typeof directStorage>>,
    variable: Variable,
    gradient: Tensor,
    moments: { m: Variable; v: Variable },
    mask: Tensor | undefined,
    settings: AdamSettings,
  ): void {
    // Allocate first (wasm memory may grow and detach earlier views), then take the views.
    const wTarget = writeTarget(storage, variable);
    const mTarget = writeTarget(storage, moments.m);
    const vTarget = writeTarget(storage, moments.v);
    const views = {
      w: float32View(storage, variable),
      g: readableView(storage, gradient),
      m: float32View(storage, moments.m),
      v: float32View(storage, moments.v),
      wOut: wTarget.fresh === undefined ? float32View(storage, variable) : float32View(storage, wTarget.fresh),
      mOut: mTarget.fresh === undefined ? float32View(storage, moments.m) : float32View(storage, mTarget.fresh),
      vOut: vTarget.fresh === undefined ? float32View(storage, moments.v) : float32View(storage, vTarget.fresh),
      mask: mask === undefined ? undefined : readableView(storage, mask),
    };
    const { w, g, m, v, wOut, mOut, vOut } = views;
    if (
      w === undefined ||
      g === undefined ||
      m === undefined ||
      v === undefined ||
      wOut === undefined ||
      mOut === undefined ||
      vOut === undefined ||
      (mask !== undefined && views.mask === undefined)
    ) {
      tf.dispose([wTarget.fresh, mTarget.fresh, vTarget.fresh].filter((t): t is Tensor => t !== undefined));
      this.updateWithKernels(variable, gradient, moments, mask, settings);
      return;
    }
    const inPlace = wTarget.fresh === undefined && mTarget.fresh === undefined && vTarget.fresh === undefined;
    const done = inPlace ? simdUpdate(storage, variable, gradient, moments, mask, settings) : 0;
    if (views.mask === undefined) adamLoop(w, g, m, v, wOut, mOut, vOut, settings, done);
    else maskedAdamLoop(w, g, m, v, wOut, mOut, vOut, views.mask, settings, done);
    for (const [target, tensor] of [
      [wTarget.fresh, variable],
      [mTarget.fresh, moments.m],
      [vTarget.fresh, moments.v],
    ] as const) {
      if (target === undefined) invalidateCaches(storage, tensor);
      else commitTarget(tensor, target);
    }
  }

  private advancePowers(storage: NonNullable<ReturnType<typeof directStorage>>, state: AdamInternals): void {
    for (const [power, beta] of [
      [state.accBeta1, this.beta1],
      [state.accBeta2, this.beta2],
    ] as const) {
      const target = writeTarget(storage, power);
      const from = float32View(storage, power);
      const to = target.fresh === undefined ? from : float32View(storage, target.fresh);
      if (from === undefined || to === undefined) {
        tf.dispose(target.fresh === undefined ? [] : [target.fresh]);
        tf.tidy(() => power.assign(tf.mul(power, beta)));
        continue;
      }
      to[0] = Math.fround(Math.fround(from[0] as number) * Math.fround(beta));
      if (target.fresh === undefined) invalidateCaches(storage, power);
      else commitTarget(power, target.fresh);
    }
  }

  /** The stock kernels, for backends without direct storage access. */
  private applyWithKernels(variableGradients: NamedTensorMap | NamedTensor[], masks: ReadonlyMap<string, Tensor>): void {
    if (masks.size === 0) {
      super.applyGradients(variableGradients as AdamGradients);
      return;
    }
    const mask = (name: string, gradient: Tensor): Tensor => {
      const m = masks.get(name);
      return m === undefined ? gradient : tf.mul(gradient, m);
    };
    tf.tidy(() => {
      const masked: NamedTensorMap | NamedTensor[] = Array.isArray(variableGradients)
        ? variableGradients.map(({ name, tensor }) => ({ name, tensor: mask(name, tensor) }))
        : Object.fromEntries(Object.entries(variableGradients).map(([name, tensor]) => [name, mask(name, tensor)]));
      super.applyGradients(masked as AdamGradients);
      for (const [name, m] of masks) {
        const variable = tf.engine().registeredVariables[name];
        if (variable !== undefined) variable.assign(tf.mul(variable, m));
      }
    });
  }

  /** One variable with kernels (a tensor the fused loop cannot address). */
  private updateWithKernels(variable: Variable, gradient: Tensor, moments: { m: Variable; v: Variable }, mask: Tensor | undefined, s: AdamSettings): void {
    tf.tidy(() => {
      const g = mask === undefined ? gradient : tf.mul(gradient, mask);
      const m = tf.add(tf.mul(moments.m, s.beta1), tf.mul(g, 1 - s.beta1));
      const v = tf.add(tf.mul(moments.v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
      moments.m.assign(m);
      moments.v.assign(v);
      const step = tf.div(tf.div(m, s.correction1), tf.add(tf.sqrt(tf.div(v, s.correction2)), s.epsilon));
      const w = tf.sub(variable, tf.mul(step, s.learningRate));
      variable.assign(mask === undefined ? w : tf.mul(w, mask));
    });
  }
}

/**
 * Runs the SIMD module on the first `n − n mod 4` elements, in place, when the backend is `wasm`
 * and its memory is reachable; returns how many elements it did (0 otherwise).
 */
function simdUpdate(
  storage: NonNullable<ReturnType<typeof directStorage>>,
  variable: Variable,
  gradient: Tensor,
  moments: { m: Variable; v: Variable },
  mask: Tensor | undefined,
  s: AdamSettings,
): number {
  const memory = heapMemory(storage);
  const simd = memory === undefined ? undefined : simdKernelsFor(memory);
  if (simd === undefined) return 0;
  const w = heapOffset(storage, variable);
  const g = heapOffset(storage, gradient);
  const m = heapOffset(storage, moments.m);
  const v = heapOffset(storage, moments.v);
  const k = mask === undefined ? 0 : heapOffset(storage, mask);
  if (w === undefined || g === undefined || m === undefined || v === undefined || k === undefined) return 0;
  const n = variable.size - (variable.size % 4);
  const a = s.learningRate / s.correction1;
  const scale = 1 / Math.sqrt(s.correction2);
  if (mask === undefined) simd.adam(w, g, m, v, n, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, a, scale, s.epsilon);
  else simd.adam_masked(w, g, m, v, k, n, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, a, scale, s.epsilon);
  return n;
}

interface AdamSettings {
  readonly beta1: number;
  readonly beta2: number;
  readonly learningRate: number;
  readonly epsilon: number;
  readonly correction1: number;
  readonly correction2: number;
}

function adamLoop(
  w: Float32Array,
  g: ReadableValues,
  m: Float32Array,
  v: Float32Array,
  wOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  s: AdamSettings,
  start: number,
): void {
  const { beta1, beta2, epsilon, correction1, correction2 } = s;
  const b1 = 1 - beta1;
  const b2 = 1 - beta2;
  const rate = s.learningRate;
  const n = w.length;
  for (let i = start; i < n; i++) {
    const gi = g[i] as number;
    const mi = beta1 * (m[i] as number) + b1 * gi;
    const vi = beta2 * (v[i] as number) + b2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = (w[i] as number) - (rate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
  }
}

function maskedAdamLoop(
  w: Float32Array,
  g: ReadableValues,
  m: Float32Array,
  v: Float32Array,
  wOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  mask: ReadableValues,
  s: AdamSettings,
  start: number,
): void {
  const { beta1, beta2, epsilon, correction1, correction2 } = s;
  const b1 = 1 - beta1;
  const b2 = 1 - beta2;
  const rate = s.learningRate;
  const n = w.length;
  for (let i = start; i < n; i++) {
    const keep = mask[i] as number;
    const gi = (g[i] as number) * keep;
    const mi = beta1 * (m[i] as number) + b1 * gi;
    const vi = beta2 * (v[i] as number) + b2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = ((w[i] as number) - (rate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon)) * keep;
  }
}

/**
 * Makes a {@link FusedAdamOptimizer}; the arguments and defaults of `tf.train.adam`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fusedAdam, train, type NamedParameter, type Batch } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * declare const batches: Batch[];
 * declare function loss(batch: Batch): tf.Scalar;
 * await train({ parameters, loss, optimizer: fusedAdam(1.2e-3), batches, epochs: 1 });
 * ```
 */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return epsilon === undefined ? new FusedAdamOptimizer(learningRate, beta1, beta2) : new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
