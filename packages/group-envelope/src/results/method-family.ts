import { refName, type ImplementationRef } from '@sparse/core';

/**
 * The method a results row belongs to, whatever its λ: the regularizer's name, with its
 * `weighting` when not uniform (`gsef`, `gsef-sqrt-size`, `group-lasso`), or `dense`.
 *
 * @example
 * ```ts
 * import { methodFamily } from '@sparse/group-envelope';
 *
 * console.log(methodFamily({ name: 'gsef', lambda: 0.01, weighting: 'sqrt-size' })); // gsef-sqrt-size
 * console.log(methodFamily(null)); // dense
 * ```
 */
export function methodFamily(ref: ImplementationRef | null): string {
  if (ref === null) return 'dense';
  const weighting = typeof ref === 'object' ? ref['weighting'] : undefined;
  return typeof weighting === 'string' && weighting !== 'uniform' ? `${refName(ref)}-${weighting}` : refName(ref);
}

/**
 * The `lambda` option of a method's ref (`undefined` for dense or a ref without one).
 *
 * @example
 * ```ts
 * import { lambdaOf } from '@sparse/group-envelope';
 *
 * console.log(lambdaOf({ name: 'group-lasso', lambda: 2.5 })); // 2.5
 * ```
 */
export function lambdaOf(ref: ImplementationRef | null): number | undefined {
  const value = ref !== null && typeof ref === 'object' ? ref['lambda'] : undefined;
  return typeof value === 'number' ? value : undefined;
}
