import { type NamedParameter } from '@sparse/core';
import type { ResolvedGroups } from '../groups/group-layout.js';
import { gsefScalesUnchecked } from '../sef/group-prox.js';
import { sefValueOfMagnitudes } from '../sef/sef-value.js';
import { buildSelection, type GroupSelection } from '../selection/top-groups.js';
import { GroupProxRegularizer } from './group-prox-regularizer.js';
import { checkTargetShape, resolveTarget, type GroupTarget, type ResolvedTarget } from './k-target.js';
import { BASE_OPTION_KEYS, checkBaseOptions, type GroupRegularizerOptions } from './options.js';

/**
 * Options of {@link gsef}: the groups, `λ`, warm-up and where to compute (see
 * {@link GroupRegularizerOptions}), and the number of groups `k` kept (see {@link GroupTarget}).
 *
 * @example
 * ```ts
 * import type { GsefOptions } from '@sparse/group-envelope';
 *
 * const options: GsefOptions = {
 *   groups: [
 *     { kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' },
 *     { kind: 'dense-neurons', kernel: 'fc2/kernel', bias: 'fc2/bias' },
 *   ],
 *   lambda: 0.05,
 *   targetGroupSparsity: 0.75, // k = 25 % of each layer's neurons
 *   warmupSteps: 470,
 * };
 * ```
 */
export interface GsefOptions extends GroupRegularizerOptions, GroupTarget {}

/** The option keys of {@link GsefOptions}. */
const GSEF_KEYS: readonly string[] = [...BASE_OPTION_KEYS, 'k', 'targetGroupSparsity', 'scope'];

function flatten(norms: readonly Float64Array[], total: number): Float64Array {
  const all = new Float64Array(total);
  let offset = 0;
  for (const n of norms) {
    all.set(n, offset);
    offset += n.length;
  }
  return all;
}

function flatWeights(resolved: ResolvedGroups): Float64Array | undefined {
  if (resolved.sets.every((set) => set.weights === undefined)) return undefined;
  const all = new Float64Array(resolved.totalGroups).fill(1);
  let offset = 0;
  for (const set of resolved.sets) {
    if (set.weights !== undefined) all.set(set.weights, offset);
    offset += set.count;
  }
  return all;
}

/**
 * The group sparse envelope regularizer (spec B.3–B.4) as a proximal step: after each optimizer
 * update, every set of groups (layerwise) or all groups together (global) is replaced by the exact
 * prox of `τ·GSEF_k`, `τ = learningRate·λ`, where
 * `GSEF_k(θ) = SEF_k(d_1‖θ_{G_1}‖, …, d_m‖θ_{G_m}‖)` is the convex envelope of
 * `½ Σ_j d_j² ‖θ_{G_j}‖² + δ(at most k nonzero groups)`. Groups below a common threshold become
 * exactly zero, the largest are shrunk like ridge, and the number of nonzero groups tends to `k`
 * (staying ≥ k) as `λ` grows; {@link GsefRegularizer.selectTopGroups} then keeps exactly `k`.
 *
 * Registered as `gsef` in the `Regularizers` kind by {@link groupEnvelopePlugin}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { train, type NamedParameter, type Batch } from '@sparse/core';
 * import { gsef } from '@sparse/group-envelope';
 *
 * declare const parameters: NamedParameter[]; // fc1/kernel, fc1/bias, fc2/kernel, fc2/bias, out/kernel, out/bias
 * declare const batches: Batch[];
 * declare const loss: (batch: Batch) => tf.Scalar;
 * const regularizer = gsef({ groups: 'output-units', lambda: 0.05, targetGroupSparsity: 0.75, warmupSteps: 500 });
 * await train({ parameters, loss, optimizer: tf.train.adam(1e-3), batches, epochs: 5, regularizers: [regularizer.bind(parameters)] });
 * const { masks } = regularizer.selectTopGroups(parameters); // exactly k groups per layer
 * await train({ parameters, loss, optimizer: tf.train.adam(1e-4), batches, epochs: 1, masks }); // fine-tune
 * ```
 */
export class GsefRegularizer extends GroupProxRegularizer<ResolvedTarget> {
  readonly name: string = 'gsef';
  /** The options it was made with. */
  readonly options: GsefOptions;

  constructor(options: GsefOptions) {
    checkBaseOptions(options, 'gsef', GSEF_KEYS);
    checkTargetShape(options, 'gsef');
    super(options);
    this.options = options;
  }

  /** `k` per set (`layerwise`) or overall (`global`) for these parameters. */
  target(parameters: readonly NamedParameter[]): ResolvedTarget {
    return this.resolveWithState(parameters).state;
  }

  /**
   * The penalty's value without `λ`: `Σ_sets GSEF_k` (layerwise) or `GSEF_k` over all groups.
   * For reports; the optimisation itself only uses the prox.
   */
  value(parameters: readonly NamedParameter[]): number {
    const { resolved, state } = this.resolveWithState(parameters);
    const norms = this.groupNorms(parameters);
    if (state.scope === 'global') return sefValueOfMagnitudes(flatten(norms, resolved.totalGroups), state.k, flatWeights(resolved));
    return resolved.sets.reduce((total, set, s) => total + sefValueOfMagnitudes(norms[s] ?? [], state.perSet[s] ?? set.count, set.weights), 0);
  }

  /**
   * The final hard selection (spec B.4): keeps exactly `k` groups per set (or overall) with the
   * largest norms, ties towards the lower index, and returns masks for every grouped parameter
   * (`1` kept, `0` removed). Pass them to `train({ masks })` or `withMasks` for the fine-tune; the
   * caller owns (and disposes) them.
   */
  selectTopGroups(parameters: readonly NamedParameter[]): GroupSelection {
    const { resolved, state } = this.resolveWithState(parameters);
    return buildSelection(resolved, this.groupNorms(parameters), state);
  }

  protected prepare(resolved: ResolvedGroups): ResolvedTarget {
    return resolveTarget(this.options, resolved, 'gsef');
  }

  protected scales(resolved: ResolvedGroups, state: ResolvedTarget, norms: readonly Float64Array[], strength: number): Float64Array[] {
    if (state.scope === 'layerwise') {
      return resolved.sets.map((set, s) => {
        const u = norms[s] ?? new Float64Array(set.count);
        return gsefScalesUnchecked(u, state.perSet[s] ?? set.count, strength, set.weights, new Float64Array(set.count));
      });
    }
    const all = gsefScalesUnchecked(flatten(norms, resolved.totalGroups), state.k, strength, flatWeights(resolved), new Float64Array(resolved.totalGroups));
    let offset = 0;
    return resolved.sets.map((set) => {
      const part = all.subarray(offset, offset + set.count);
      offset += set.count;
      return part;
    });
  }
}

/**
 * Creates a {@link GsefRegularizer}; options are checked at once (`SparseError` `E_CONFIG`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { withMasks } from '@sparse/core';
 * import { modelParameters } from '@sparse/layers';
 * import { gsef } from '@sparse/group-envelope';
 *
 * declare const model: tfl.LayersModel;
 * declare const xs: tf.Tensor;
 * declare const ys: tf.Tensor;
 * const parameters = modelParameters(model);
 * const regularizer = gsef({ lambda: 0.05, targetGroupSparsity: 0.75, warmupSteps: 400 });
 * const optimizer = withMasks(tf.train.adam(1e-3), { parameters, regularizers: [regularizer.bind(parameters)] });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * await model.fit(xs, ys, { epochs: 5, batchSize: 128 });
 * ```
 */
export function gsef(options: GsefOptions): GsefRegularizer {
  return new GsefRegularizer(options);
}
