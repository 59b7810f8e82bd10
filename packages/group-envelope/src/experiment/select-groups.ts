import type { NamedParameter } from '@sparse/core';
import type { GroupProxRegularizer } from '../regularizer/group-prox-regularizer.js';
import { resolveTarget } from '../regularizer/k-target.js';
import { buildSelection, type GroupSelection } from '../selection/top-groups.js';

/** A hard selection and the `k` of each set it kept. */
export interface SelectedGroups {
  readonly selection: GroupSelection;
  /** `k` per set, in set order. */
  readonly k: readonly number[];
}

/**
 * The experiment's hard selection: in every set of the regularizer's groups, exactly
 * `k = round((1 − targetGroupSparsity)·m)` groups with the largest norms (ties to the lower
 * index), the same rule for every method so they are compared at matched group sparsity.
 */
export function selectGroups(regularizer: GroupProxRegularizer, parameters: readonly NamedParameter[], targetGroupSparsity: number): SelectedGroups {
  const resolved = regularizer.resolve(parameters);
  const target = resolveTarget({ targetGroupSparsity }, resolved, 'targetGroupSparsity');
  const k = target.scope === 'layerwise' ? target.perSet : [target.k];
  return { selection: buildSelection(resolved, regularizer.groupNorms(parameters), target), k };
}

/** The `k` of each set of the regularizer's groups for a target, checked (for the config check). */
export function selectionCounts(regularizer: GroupProxRegularizer, parameters: readonly NamedParameter[], targetGroupSparsity: number): readonly number[] {
  const target = resolveTarget({ targetGroupSparsity }, regularizer.resolve(parameters), 'targetGroupSparsity');
  return target.scope === 'layerwise' ? target.perSet : [target.k];
}
