import type { NamedParameter } from '@sparse/core';
import type { GroupSpec } from './group-spec.js';

/**
 * One parameter's part in a set of groups. The parameter is viewed as `[outer, axis, inner]`
 * (row-major), and the element at `(o, a, i)` belongs to group `groupOf[a]` of the set, or to
 * none when that is `-1`. Every structured kind fits this view: a dense kernel's neurons are
 * `[in, out, 1]`, a convolution's input channels `[kh·kw, cin, cout]`, single scalars `[1, n, 1]`.
 *
 * @example
 * ```ts
 * import type { GroupMember } from '@sparse/group-envelope';
 *
 * const describe = (m: GroupMember) => `${m.parameter.name} as [${m.outer}, ${m.axis}, ${m.inner}]`;
 * ```
 */
export interface GroupMember {
  /** The parameter. */
  readonly parameter: NamedParameter;
  /** Product of the axes before the grouped one. */
  readonly outer: number;
  /** Length of the grouped axis. */
  readonly axis: number;
  /** Product of the axes after the grouped one. */
  readonly inner: number;
  /** The group (within the set) of each index along the grouped axis; `-1` for none. */
  readonly groupOf: Int32Array;
}

/**
 * One resolved {@link GroupSpec}: a named set of disjoint, non-empty groups (a layer's neurons,
 * say), the parameters they live in, their sizes and weights.
 *
 * @example
 * ```ts
 * import type { GroupSet } from '@sparse/group-envelope';
 *
 * const summary = (set: GroupSet) => `${set.name}: ${set.count} ${set.kind} groups over ${set.members.length} tensors`;
 * ```
 */
export interface GroupSet {
  /** The set's name (per-layer `k`, reports, errors). */
  readonly name: string;
  /** The kind of the specification it came from. */
  readonly kind: GroupSpec['kind'];
  /** The number of groups `m`. */
  readonly count: number;
  /** Where the groups live. */
  readonly members: readonly GroupMember[];
  /** Elements per group (all ≥ 1). */
  readonly sizes: Float64Array;
  /** The weights `d_j`, or `undefined` for all ones. */
  readonly weights: Float64Array | undefined;
}

/**
 * Group specifications resolved against a model's parameters and checked: names exist, shapes fit,
 * groups are non-empty and pairwise disjoint.
 *
 * @example
 * ```ts
 * import { resolveGroups, type ResolvedGroups } from '@sparse/group-envelope';
 * import type { NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * const resolved: ResolvedGroups = resolveGroups([{ kind: 'dense-neurons', kernel: 'fc1/kernel' }], parameters);
 * console.log(resolved.totalGroups);
 * ```
 */
export interface ResolvedGroups {
  /** The sets, in the order of the specifications. */
  readonly sets: readonly GroupSet[];
  /** Σ of the sets' group counts. */
  readonly totalGroups: number;
  /** The parameters that belong to some group. */
  readonly parameters: readonly NamedParameter[];
}
