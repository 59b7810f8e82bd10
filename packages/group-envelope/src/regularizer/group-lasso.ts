import type { NamedParameter } from '@sparse/core';
import type { ResolvedGroups } from '../groups/group-layout.js';
import { groupLassoScalesUnchecked } from '../sef/group-prox.js';
import { buildSelection, type GroupSelection } from '../selection/top-groups.js';
import { GroupProxRegularizer } from './group-prox-regularizer.js';
import { resolveTarget, type GroupTarget } from './k-target.js';
import { BASE_OPTION_KEYS, checkBaseOptions, type GroupRegularizerOptions } from './options.js';

/**
 * Options of {@link groupLasso}: those of every group regularizer (see
 * {@link GroupRegularizerOptions}). The weights `d_j` come from `weighting` (or each set's own).
 *
 * @example
 * ```ts
 * import type { GroupLassoOptions } from '@sparse/group-envelope';
 *
 * const options: GroupLassoOptions = { groups: 'output-units', lambda: 0.02, warmupSteps: 470 };
 * ```
 */
export type GroupLassoOptions = GroupRegularizerOptions;

/**
 * Group lasso as a proximal step, the baseline of spec B.5: after each optimizer update every
 * group is block-soft-thresholded, `θ_G ← (1 − τ d_G / ‖θ_G‖)₊ θ_G` with `τ = learningRate·λ`,
 * the exact prox of `τ Σ_G d_G ‖θ_G‖₂`. The number of groups it zeroes depends on `λ`, not on a
 * target; use {@link GroupLassoRegularizer.selectTopGroups} with a target to compare at matched
 * group sparsity. Registered as `group-lasso` by {@link groupEnvelopePlugin}.
 *
 * @example
 * ```ts
 * import { groupLasso } from '@sparse/group-envelope';
 * import type { NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * const regularizer = groupLasso({ lambda: 0.02, weighting: 'sqrt-size' });
 * const binding = regularizer.bind(parameters); // for train({ regularizers: [binding] })
 * ```
 */
export class GroupLassoRegularizer extends GroupProxRegularizer<undefined> {
  readonly name = 'group-lasso';
  /** The options it was made with. */
  readonly options: GroupLassoOptions;

  constructor(options: GroupLassoOptions) {
    checkBaseOptions(options, 'group-lasso', BASE_OPTION_KEYS);
    super(options);
    this.options = options;
  }

  /** The penalty's value without `λ`: `Σ_G d_G ‖θ_G‖₂`. */
  value(parameters: readonly NamedParameter[]): number {
    const resolved = this.resolve(parameters);
    return this.groupNorms(parameters).reduce((total, norms, s) => {
      const weights = resolved.sets[s]?.weights;
      return total + norms.reduce((sum, u, j) => sum + u * (weights === undefined ? 1 : (weights[j] as number)), 0);
    }, 0);
  }

  /** Keeps exactly the groups a target asks for, by norm (see {@link GsefRegularizer.selectTopGroups}). */
  selectTopGroups(parameters: readonly NamedParameter[], target: GroupTarget): GroupSelection {
    const resolved = this.resolve(parameters);
    return buildSelection(resolved, this.groupNorms(parameters), resolveTarget(target, resolved, 'group-lasso'));
  }

  protected prepare(): undefined {
    return undefined;
  }

  protected scales(resolved: ResolvedGroups, _state: undefined, norms: readonly Float64Array[], strength: number): Float64Array[] {
    return resolved.sets.map((set, s) => groupLassoScalesUnchecked(norms[s] ?? new Float64Array(set.count), strength, set.weights, new Float64Array(set.count)));
  }
}

/**
 * Creates a {@link GroupLassoRegularizer}; options are checked at once (`SparseError` `E_CONFIG`).
 *
 * @example
 * ```ts
 * import { groupLasso } from '@sparse/group-envelope';
 *
 * const regularizer = groupLasso({ groups: 'output-units', lambda: 0.02, warmupSteps: 470 });
 * console.log(regularizer.name); // 'group-lasso'
 * ```
 */
export function groupLasso(options: GroupLassoOptions): GroupLassoRegularizer {
  return new GroupLassoRegularizer(options);
}
