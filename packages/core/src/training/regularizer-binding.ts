import type { NamedParameter } from '../contracts/parameter.js';
import { DEFAULT_PRUNABLE_ROLES } from '../contracts/parameter.js';
import type { Regularizer } from '../contracts/regularizer.js';

/**
 * A regularizer together with the parameters it acts on. A bare {@link Regularizer} given to
 * {@link withMasks} or {@link train} acts on the parameters whose role is in
 * {@link DEFAULT_PRUNABLE_ROLES} (the dense and convolution kernels).
 *
 * @example
 * ```ts
 * import type { Regularizer, RegularizerBinding, NamedParameter } from '@sparse/core';
 *
 * declare const groupLasso: Regularizer;
 * declare const parameters: NamedParameter[];
 * const binding: RegularizerBinding = {
 *   regularizer: groupLasso,
 *   parameters: parameters.filter((p) => p.name.startsWith('conv')),
 * };
 * ```
 */
export interface RegularizerBinding {
  /** The regularizer. */
  readonly regularizer: Regularizer;
  /** The parameters its penalty and proximal step see. */
  readonly parameters: readonly NamedParameter[];
}

/** Turns bare regularizers into bindings over the default prunable parameters. */
export function bindRegularizers(
  regularizers: readonly (Regularizer | RegularizerBinding)[],
  parameters: readonly NamedParameter[],
): RegularizerBinding[] {
  let kernels: readonly NamedParameter[] | undefined;
  return regularizers.map((entry) => {
    if ('regularizer' in entry) return entry;
    kernels ??= parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role));
    return { regularizer: entry, parameters: kernels };
  });
}
