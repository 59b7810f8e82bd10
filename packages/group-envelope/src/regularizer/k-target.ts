import { echoValue, SparseError } from '@sparse/core';
import type { ResolvedGroups } from '../groups/group-layout.js';

/**
 * Whether `k` applies to each set of groups separately (`layerwise`, the default) or to all
 * groups of all sets together (`global`: one envelope over every group, so layers compete).
 *
 * @example
 * ```ts
 * import type { GroupScope } from '@sparse/group-envelope';
 *
 * const scope: GroupScope = 'global';
 * ```
 */
export type GroupScope = 'layerwise' | 'global';

/**
 * How many groups stay nonzero: exactly one of `k` (counts) and `targetGroupSparsity` (the
 * fraction of groups to remove, `k = round((1 − s)·m)` as in spec B.4).
 *
 * - `layerwise`: a number applies to every set; a record gives one value per set name (every
 *   set must be listed).
 * - `global`: a single number over all groups.
 *
 * @example
 * ```ts
 * import type { GroupTarget } from '@sparse/group-envelope';
 *
 * const perLayer: GroupTarget = { targetGroupSparsity: 0.75 };          // each layer keeps 25 %
 * const counts: GroupTarget = { k: { fc1: 128, fc2: 64 } };             // explicit per-layer k
 * const global: GroupTarget = { targetGroupSparsity: 0.75, scope: 'global' };
 * ```
 */
export interface GroupTarget {
  /** Groups kept: one count for every set (or the total with `global`), or a count per set. */
  readonly k?: number | Readonly<Record<string, number>>;
  /** Fraction of groups removed, in `[0, 1)`: one for every set (or overall), or one per set. */
  readonly targetGroupSparsity?: number | Readonly<Record<string, number>>;
  /** Default `layerwise`. */
  readonly scope?: GroupScope;
}

/**
 * The resolved target: `k` per set (`layerwise`) or one `k` for all (`global`).
 *
 * @example
 * ```ts
 * import type { ResolvedTarget } from '@sparse/group-envelope';
 *
 * const describe = (t: ResolvedTarget) => (t.scope === 'global' ? `k = ${t.k}` : t.perSet.join(', '));
 * ```
 */
export type ResolvedTarget =
  | { readonly scope: 'layerwise'; readonly perSet: readonly number[] }
  | { readonly scope: 'global'; readonly k: number };

/** Checks a target's shape without the groups (options validation). */
export function checkTargetShape(target: GroupTarget, caller: string): void {
  const { k, targetGroupSparsity, scope } = target;
  if (scope !== undefined && scope !== 'layerwise' && scope !== 'global') {
    throw new SparseError('E_CONFIG', `${caller}: scope must be 'layerwise' or 'global'; got ${echoValue(scope)}.`, {
      field: 'scope',
      received: scope,
      allowed: ['layerwise', 'global'],
    });
  }
  if ((k === undefined) === (targetGroupSparsity === undefined)) {
    throw new SparseError('E_CONFIG', `${caller}: give exactly one of k (groups kept) and targetGroupSparsity (fraction of groups removed).`, {
      field: k === undefined ? 'k' : 'targetGroupSparsity',
    });
  }
  const field = k === undefined ? 'targetGroupSparsity' : 'k';
  const value = k ?? targetGroupSparsity;
  const entries: [string, unknown][] =
    typeof value === 'number' ? [[field, value]] : typeof value === 'object' && value !== null ? Object.entries(value).map(([name, v]) => [`${field}.${name}`, v]) : [[field, value]];
  if (typeof value === 'object' && value !== null && scope === 'global') {
    throw new SparseError('E_CONFIG', `${caller}: with scope 'global', ${field} must be a single number, not one per set.`, { field, received: value });
  }
  if (entries.length === 0) throw new SparseError('E_CONFIG', `${caller}: ${field} lists no set.`, { field, received: value });
  for (const [path, v] of entries) {
    if (field === 'k' && !(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
      throw new SparseError('E_CONFIG', `${caller}: ${path} must be an integer ≥ 1 (groups kept); got ${echoValue(v)}.`, {
        field: path,
        received: v,
        allowed: 'an integer ≥ 1',
      });
    }
    if (field === 'targetGroupSparsity' && !(typeof v === 'number' && v >= 0 && v < 1)) {
      throw new SparseError('E_CONFIG', `${caller}: ${path} must be a number in [0, 1) (fraction of groups removed); got ${echoValue(v)}.`, {
        field: path,
        received: v,
        allowed: '[0, 1)',
      });
    }
  }
}

/**
 * Turns a {@link GroupTarget} into group counts for resolved sets: `k = round((1 − s)·m)`,
 * which must be at least 1, and an explicit `k` must not exceed the groups available.
 *
 * @throws SparseError `E_CONFIG` naming the set and the value.
 *
 * @example
 * ```ts
 * import { resolveGroups, resolveTarget } from '@sparse/group-envelope';
 * import type { NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[]; // fc1/kernel [784, 512], fc2/kernel [512, 256], …
 * const groups = resolveGroups([{ kind: 'dense-neurons', kernel: 'fc1/kernel' }, { kind: 'dense-neurons', kernel: 'fc2/kernel' }], parameters);
 * console.log(resolveTarget({ targetGroupSparsity: 0.75 }, groups)); // { scope: 'layerwise', perSet: [128, 64] }
 * ```
 */
export function resolveTarget(target: GroupTarget, groups: ResolvedGroups, caller = 'resolveTarget'): ResolvedTarget {
  checkTargetShape(target, caller);
  const scope = target.scope ?? 'layerwise';
  const fromSparsity = (s: number, m: number): number => Math.round((1 - s) * m);
  const check = (k: number, m: number, label: string, field: string): number => {
    if (k < 1) {
      throw new SparseError('E_CONFIG', `${caller}: ${label} would keep no group (k = ${k} of ${m}); lower the target sparsity.`, { field, received: k });
    }
    if (k > m) {
      throw new SparseError('E_CONFIG', `${caller}: ${label} asks to keep ${k} groups but has only ${m}.`, { field, received: k, allowed: `1 … ${m}` });
    }
    return k;
  };
  if (scope === 'global') {
    const m = groups.totalGroups;
    const k = target.k !== undefined ? (target.k as number) : fromSparsity(target.targetGroupSparsity as number, m);
    return { scope, k: check(k, m, 'the global target', target.k !== undefined ? 'k' : 'targetGroupSparsity') };
  }
  const names = groups.sets.map((set) => set.name);
  const value = target.k ?? target.targetGroupSparsity;
  const field = target.k !== undefined ? 'k' : 'targetGroupSparsity';
  if (typeof value === 'object' && value !== null) {
    const extra = Object.keys(value).filter((name) => !names.includes(name));
    if (extra.length > 0) {
      throw new SparseError('E_CONFIG', `${caller}: ${field} names ${extra.map((n) => `'${n}'`).join(', ')}, which is not a set of groups (sets: ${names.join(', ')}).`, {
        field: `${field}.${extra[0] ?? ''}`,
        received: extra,
        allowed: names,
      });
    }
  }
  const perSet = groups.sets.map((set) => {
    const v = typeof value === 'number' ? value : (value as Readonly<Record<string, number>>)[set.name];
    if (v === undefined) {
      throw new SparseError('E_CONFIG', `${caller}: ${field} has no entry for the set '${set.name}'; give one for every set (${names.join(', ')}).`, {
        field: `${field}.${set.name}`,
        allowed: names,
      });
    }
    const k = field === 'k' ? v : fromSparsity(v, set.count);
    return check(k, set.count, `the set '${set.name}'`, `${field}.${set.name}`);
  });
  return { scope, perSet };
}
