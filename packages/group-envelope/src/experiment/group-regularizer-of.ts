import { Regularizers, SparseError, refName, type ImplementationRef, type Regularizer, type SparseRuntime } from '@sparse/core';
import { GroupProxRegularizer } from '../regularizer/group-prox-regularizer.js';

/**
 * Builds a method's regularizer through the runtime and checks that it is a group regularizer
 * (groups, norms and a hard selection are what the experiment measures).
 *
 * @throws SparseError `E_CONFIG` naming the field when the name is unknown, an option is wrong,
 * or the regularizer has no groups.
 */
export function groupRegularizerOf(runtime: SparseRuntime, ref: ImplementationRef, field: string): GroupProxRegularizer {
  const regularizer: Regularizer = runtime.resolve(Regularizers, ref, field);
  if (!(regularizer instanceof GroupProxRegularizer)) {
    throw new SparseError(
      'E_CONFIG',
      `${field}: the regularizer '${refName(ref)}' has no groups to select from; the group-envelope experiment compares group regularizers (gsef, sef, group-lasso, or a plugin's GroupProxRegularizer).`,
      { field, received: refName(ref), allowed: ['gsef', 'sef', 'group-lasso'] },
    );
  }
  return regularizer;
}
