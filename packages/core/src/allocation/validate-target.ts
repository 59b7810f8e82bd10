import { echoValue } from '../runtime/options-issues.js';
import type { SparsityScope, SparsityTarget } from '../contracts/sparsity-target.js';
import { SparseError } from '../errors.js';

/**
 * The scopes a {@link SparsityTarget} may name.
 *
 * @example
 * ```ts
 * import { SPARSITY_SCOPES } from '@sparse/core';
 *
 * console.log(SPARSITY_SCOPES); // ['layerwise', 'global', 'erk', 'custom']
 * ```
 */
export const SPARSITY_SCOPES: readonly SparsityScope[] = Object.freeze(['layerwise', 'global', 'erk', 'custom']);

function checkFraction(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new SparseError('E_CONFIG', `${field} must be a number in [0, 1], got ${echoValue(value)}.`, {
      field,
      received: value,
      allowed: '[0, 1]',
    });
  }
}

/**
 * Checks a {@link SparsityTarget} before any work starts: sparsities in `[0, 1]`, a known scope
 * and basis, `perParameter` naming only known tensors, `erk` with a total basis.
 *
 * @param target - the target to check.
 * @param names - the names of the tensors being pruned.
 * @throws SparseError `E_CONFIG` naming the offending field and the allowed values.
 *
 * @example
 * ```ts
 * import { validateSparsityTarget } from '@sparse/core';
 *
 * validateSparsityTarget({ sparsity: 0.9, scope: 'erk' }, ['fc1', 'fc2']); // fine
 * validateSparsityTarget({ sparsity: 0.9, scope: 'layerwise', perParameter: { fc9: 0.5 } }, ['fc1']); // throws
 * ```
 */
export function validateSparsityTarget(target: SparsityTarget, names: readonly string[]): void {
  if (typeof target !== 'object' || target === null) {
    throw new SparseError('E_CONFIG', 'target must be an object { sparsity, scope }.', { field: 'target', received: target });
  }
  checkFraction(target.sparsity, 'target.sparsity');
  if (!SPARSITY_SCOPES.includes(target.scope)) {
    throw new SparseError('E_CONFIG', `target.scope must be one of ${SPARSITY_SCOPES.join(', ')}; got ${echoValue(target.scope)}.`, {
      field: 'target.scope',
      received: target.scope,
      allowed: SPARSITY_SCOPES,
    });
  }
  const basis = target.basis ?? 'total';
  if (basis !== 'total' && basis !== 'remaining') {
    throw new SparseError('E_CONFIG', `target.basis must be 'total' or 'remaining'; got ${echoValue(basis)}.`, {
      field: 'target.basis',
      received: basis,
      allowed: ['total', 'remaining'],
    });
  }
  if (target.scope === 'erk' && basis !== 'total') {
    throw new SparseError('E_CONFIG', "target.basis must be 'total' with the erk scope: ERK shares an overall sparsity, not a rate.", {
      field: 'target.basis',
      received: basis,
      allowed: ['total'],
    });
  }
  if (target.erkPowerScale !== undefined && (!Number.isFinite(target.erkPowerScale) || target.erkPowerScale < 0)) {
    throw new SparseError('E_CONFIG', `target.erkPowerScale must be a finite number >= 0, got ${target.erkPowerScale}.`, {
      field: 'target.erkPowerScale',
      received: target.erkPowerScale,
      allowed: '[0, ∞)',
    });
  }
  const known = new Set(names);
  for (const [name, value] of Object.entries(target.perParameter ?? {})) {
    if (!known.has(name)) {
      throw new SparseError(
        'E_CONFIG',
        `target.perParameter names '${name}', which is not among the pruned parameters (${[...known].join(', ') || 'none'}).`,
        { field: `target.perParameter.${name}`, received: name, allowed: [...known] },
      );
    }
    checkFraction(value, `target.perParameter.${name}`);
  }
}
