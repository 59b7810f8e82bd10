import type { NamedParameter } from '@sparse/core';
import { outputUnitGroups } from '../groups/auto-groups.js';
import { GroupData } from '../groups/group-data.js';
import { resolveGroups } from '../groups/resolve-groups.js';
import { resolveTarget, type GroupTarget } from '../regularizer/k-target.js';
import { specsOf, type GroupSelector } from '../regularizer/options.js';
import { buildSelection, type GroupSelection } from './top-groups.js';

/**
 * Options of {@link selectTopGroups}: the groups and how many to keep.
 *
 * @example
 * ```ts
 * import type { SelectTopGroupsOptions } from '@sparse/group-envelope';
 *
 * const options: SelectTopGroupsOptions = { groups: 'output-units', targetGroupSparsity: 0.75 };
 * ```
 */
export interface SelectTopGroupsOptions extends GroupTarget {
  /** The groups. Default `output-units`. */
  readonly groups?: GroupSelector;
}

/**
 * Hard top-k selection of groups by Euclidean norm, for any trained weights (after GSEF, group
 * lasso, or none: structured magnitude pruning): exactly `k` groups per set (or overall), ties
 * towards the lower index. Returns the masks (caller-owned) and what each set kept.
 *
 * @throws SparseError `E_CONFIG` for bad groups or targets.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { applyMasks, type NamedParameter } from '@sparse/core';
 * import { selectTopGroups } from '@sparse/group-envelope';
 *
 * declare const parameters: NamedParameter[];
 * const { masks, sets } = selectTopGroups(parameters, { targetGroupSparsity: 0.75 });
 * applyMasks(parameters, masks); // zero the removed groups now
 * console.log(sets.map((s) => `${s.name}: ${s.kept}/${s.groups}`));
 * tf.dispose([...masks.values()]);
 * ```
 */
export function selectTopGroups(parameters: readonly NamedParameter[], options: SelectTopGroupsOptions): GroupSelection {
  const resolved = resolveGroups(specsOf(options.groups ?? 'output-units', parameters, (p) => outputUnitGroups(p)), parameters);
  const target = resolveTarget(options, resolved, 'selectTopGroups');
  const data = new GroupData('host');
  const norms = resolved.sets.map((set) => data.squaredNorms(set, new Float64Array(set.count)).map(Math.sqrt));
  return buildSelection(resolved, norms, target);
}
