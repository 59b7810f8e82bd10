import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';

/** tfjs-core's `NamedTensor` (a name and a tensor), which its index does not re-export. */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

/**
 * Options of {@link adamR}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { AdamROptions } from '@sparse/delta';
 *
 * const w = tf.variable(tf.zeros([4, 2]), true, 'fc1/kernel');
 * const options: AdamROptions = { learningRate: 1e-3, lambda: 1e-2, penalty: 'l2', reference: [w] };
 * ```
 */
export interface AdamROptions {
  /** Default 1e-3. */
  readonly learningRate?: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Added to `sqrt(v̂)`; default 1e-8 (as `AdamR.py`). */
  readonly epsilon?: number;
  /** `λ`, the strength of the pull toward the reference (AdamR.py's `weight_decay`); default 1e-4. */
  readonly lambda?: number;
  /** `l2` pulls by `θ − θ_pre` (DAREx-L2, then DARE); `l1` by `sign(θ − θ_pre)` (pairs with magnitude DPP). Default `l2`. */
  readonly penalty?: 'l2' | 'l1';
  /**
   * The pretrained weights `θ_pre`: a map from variable name (`variable.name`) to a tensor of its
   * shape (cloned; the optimizer owns the clones), or the variables themselves, whose current
   * values are snapshotted now (call before fine-tuning). Variables without a reference get a
   * plain Adam step (but still count in the mean of `v̂`).
   */
  readonly reference: ReadonlyMap<string, Tensor> | readonly Variable[];
}

interface Moments {
  readonly m: Variable;
  readonly v: Variable;
}

function check(ok: boolean, field: string, received: unknown, allowed: string): void {
  if (!ok) throw new SparseError('E_CONFIG', `adamR: ${field} must be ${allowed}; got ${String(received)}.`, { field, received, allowed });
}

/**
 * Adam with a decoupled, "stable" pull toward the pretrained weights (AdamR, DAREx-L2; spec D.4,
 * vengdeng/DAREx `AdamR.py`). Each step `t`, for the variables with a gradient:
 *
 * 1. `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `v̂ = v / (1 − β2^t)`;
 * 2. `s = sqrt(mean of v̂ over every entry of every variable)` (`s := 1` when it is 0);
 * 3. pull: `θ ← θ − lr·λ/s · (θ − θ_pre)` (`l2`) or `θ ← θ − lr·λ/s · sign(θ − θ_pre)` (`l1`);
 * 4. Adam: `θ ← θ − lr/(1 − β1^t) · m / (sqrt(v̂) + ε)`.
 *
 * The pull shrinks the mean and variance of the delta `θ − θ_pre`, so DARE survives higher drop
 * rates. It is a `tf.Optimizer`: use it with `minimize`, `@sparse/core`'s `train` and
 * `withMasks`, or `model.compile({ optimizer })`. A step keeps no tensor besides its moments.
 * {@link AdamR.dispose} frees the moments and the reference clones.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { adamR } from '@sparse/delta';
 *
 * const w = tf.variable(tf.randomNormal([784, 10]), true, 'w');
 * const optimizer = adamR({ learningRate: 1e-2, lambda: 1e-2, reference: [w] }); // θ_pre = w now
 * const x = tf.randomNormal([32, 784]);
 * optimizer.minimize(() => tf.mean(tf.square(tf.matMul(x, w))));
 * optimizer.dispose();
 * ```
 */
export class AdamR extends tf.Optimizer {
  /** Name under which tfjs would serialize this class. */
  static get className(): string {
    return 'AdamR';
  }

  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly lambda: number;
  readonly penalty: 'l2' | 'l1';
  private readonly reference = new Map<string, Tensor>();
  private moments = new Map<string, Moments>();

  constructor(options: AdamROptions) {
    super();
    const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, lambda = 1e-4, penalty = 'l2' } = options;
    check(Number.isFinite(learningRate) && learningRate >= 0, 'learningRate', learningRate, 'a finite number >= 0');
    check(beta1 >= 0 && beta1 < 1, 'beta1', beta1, 'in [0, 1)');
    check(beta2 >= 0 && beta2 < 1, 'beta2', beta2, 'in [0, 1)');
    check(Number.isFinite(epsilon) && epsilon >= 0, 'epsilon', epsilon, 'a finite number >= 0');
    check(Number.isFinite(lambda) && lambda >= 0, 'lambda', lambda, 'a finite number >= 0');
    check(penalty === 'l2' || penalty === 'l1', 'penalty', penalty, "'l2' or 'l1'");
    const { reference } = options;
    if (Array.isArray(reference)) {
      for (const variable of reference as readonly Variable[]) this.reference.set(variable.name, tf.keep(variable.clone()));
    } else if (reference instanceof Map) {
      for (const [name, tensor] of reference as ReadonlyMap<string, Tensor>) this.reference.set(name, tf.keep(tensor.clone()));
    } else {
      throw new SparseError('E_CONFIG', 'adamR: reference must be a Map from variable name to tensor, or an array of variables to snapshot.', { field: 'reference' });
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.lambda = lambda;
    this.penalty = penalty;
  }

  /** The names of the variables that have a reference (`θ_pre`). */
  get referenceNames(): readonly string[] {
    return [...this.reference.keys()];
  }

  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const entries: [string, Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((entry) => [entry.name, entry.tensor] as [string, Tensor])
      : Object.entries(variableGradients);
    const withGradient = entries.filter((entry): entry is [string, Tensor] => entry[1] !== null && entry[1] !== undefined);
    if (withGradient.length === 0) return;
    const t = this.iterations + 1;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    tf.tidy(() => {
      const registered = tf.engine().registeredVariables;
      const steps: { variable: Variable; m: Tensor; v: Tensor; reference: Tensor | undefined }[] = [];
      let sumV: Tensor = tf.scalar(0);
      let count = 0;
      for (const [name, gradient] of withGradient) {
        const variable = registered[name];
        if (variable === undefined) throw new SparseError('E_ARGUMENT', `adamR: no variable named '${name}' is registered.`, { field: 'variableGradients', received: name });
        let moments = this.moments.get(name);
        if (moments === undefined) {
          moments = { m: tf.keep(tf.zerosLike(variable).variable(false)), v: tf.keep(tf.zerosLike(variable).variable(false)) };
          this.moments.set(name, moments);
        }
        const reference = this.reference.get(name);
        if (reference !== undefined && !tf.util.arraysEqual(reference.shape, variable.shape)) {
          throw new SparseError('E_ARGUMENT', `adamR: the reference of '${name}' has shape [${reference.shape.join(', ')}], the variable [${variable.shape.join(', ')}].`, {
            field: `reference.${name}`,
            received: reference.shape,
          });
        }
        const m = tf.add(tf.mul(moments.m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(moments.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        moments.m.assign(m);
        moments.v.assign(v);
        sumV = tf.add(sumV, tf.sum(v));
        count += variable.size;
        steps.push({ variable, m, v, reference });
      }
      let coefficient: Tensor | undefined;
      if (this.lambda !== 0) {
        const s = tf.sqrt(tf.div(sumV, correction2 * count));
        const safe = tf.where(tf.equal(s, 0), tf.onesLike(s), s);
        coefficient = tf.div(tf.scalar(this.learningRate * this.lambda), safe);
      }
      for (const { variable, m, v, reference } of steps) {
        let theta: Tensor = variable;
        if (coefficient !== undefined && reference !== undefined) {
          const difference = tf.sub(variable, reference);
          theta = tf.sub(variable, tf.mul(coefficient, this.penalty === 'l1' ? tf.sign(difference) : difference));
        }
        const update = tf.div(tf.mul(m, this.learningRate / correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        variable.assign(tf.sub(theta, update));
      }
    });
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
    for (const tensor of this.reference.values()) tensor.dispose();
    this.reference.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    for (const [name, { m, v }] of this.moments) weights.push({ name: `${name}/m`, tensor: m }, { name: `${name}/v`, tensor: v });
    return weights;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const moments = new Map<string, { m?: Variable; v?: Variable }>();
    for (const { name, tensor } of rest) {
      const match = /^(.*)\/(m|v)$/.exec(name);
      if (match === null) throw new SparseError('E_FORMAT', `adamR.setWeights: unexpected weight '${name}'; expected '<variable>/m' or '<variable>/v'.`, { field: 'weightValues', received: name });
      const entry = moments.get(match[1] as string) ?? {};
      entry[match[2] as 'm' | 'v'] = tf.keep(tensor.variable(false));
      moments.set(match[1] as string, entry);
    }
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments = new Map();
    for (const [name, { m, v }] of moments) {
      if (m === undefined || v === undefined) throw new SparseError('E_FORMAT', `adamR.setWeights: '${name}' needs both '/m' and '/v'.`, { field: 'weightValues', received: name });
      this.moments.set(name, { m, v });
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      lambda: this.lambda,
      penalty: this.penalty,
    };
  }
}

/**
 * Creates an {@link AdamR} optimizer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { adamR } from '@sparse/delta';
 *
 * const pretrained = new Map([['fc1/kernel', tf.zeros([784, 256])]]);
 * const optimizer = adamR({ learningRate: 1e-2, lambda: 1e-3, penalty: 'l2', reference: pretrained });
 * ```
 */
export function adamR(options: AdamROptions): AdamR {
  return new AdamR(options);
}
