import { SparseError } from '@sparse/core';
import type { RescaleRule } from '../options/rescale.js';
import type { DeltaPruneRule } from './delta-method.js';

/**
 * The rescale of a rule as tables show it: `rescale 1/(1−p)`, `no rescale`, `rescale 1/q, q = 0.2`,
 * `rescale L1`.
 *
 * @example
 * ```ts
 * import { rescaleLabel } from '@sparse/delta';
 *
 * console.log(rescaleLabel({ q: 0.2 })); // rescale 1/q, q = 0.2
 * ```
 */
export function rescaleLabel(rescale: RescaleRule): string {
  if (rescale === 'dare') return 'rescale 1/(1−p)';
  if (rescale === 'none') return 'no rescale';
  if (rescale === 'l1') return 'rescale L1 (norm kept per tensor)';
  return typeof rescale.q === 'number' ? `rescale 1/q, q = ${rescale.q}` : 'rescale 1/q, q per tensor';
}

/**
 * A table label for a rule: `DARE (rescale 1/(1−p))`, `DropOnly (no rescale)`, `DAREx-q (…)`,
 * `magnitude DPP (…)`, with the scope when it is global.
 *
 * @example
 * ```ts
 * import { ruleLabel } from '@sparse/delta';
 *
 * console.log(ruleLabel({ method: 'random', rescale: 'none' })); // DropOnly (no rescale)
 * ```
 */
export function ruleLabel(rule: DeltaPruneRule): string {
  const method = rule.method ?? 'random';
  const rescale = rule.rescale ?? (method === 'random' ? 'dare' : 'none');
  if (method === 'magnitude') return `magnitude DPP (${rescaleLabel(rescale)}${rule.scope === 'global' ? ', global ranking' : ''})`;
  if (rescale === 'dare') return `DARE (${rescaleLabel(rescale)})`;
  if (rescale === 'none') return `DropOnly (${rescaleLabel(rescale)})`;
  if (rescale === 'l1') return `random drops (${rescaleLabel(rescale)})`;
  return `DAREx-q (${rescaleLabel(rescale)})`;
}

/**
 * Checks that a fixed `q` can rescale deltas dropped at rate `rate`: `1 − p ≤ q ≤ 1` (`q = 1 − p`
 * is DARE; a smaller `q` would inflate the kept deltas beyond unbiasedness).
 *
 * @throws SparseError `E_CONFIG` with field `q`.
 *
 * @example
 * ```ts
 * import { checkQAtRate } from '@sparse/delta';
 *
 * checkQAtRate(0.2, 0.99); // fine
 * ```
 */
export function checkQAtRate(q: number, rate: number): void {
  const low = +(1 - rate).toPrecision(12);
  if (!(q > 0 && q <= 1 && q >= 1 - rate - 1e-12)) {
    throw new SparseError('E_CONFIG', `q must be in [1 − p, 1] = [${low}, 1] for drop rate p = ${rate} (kept deltas are multiplied by 1/q; q = 1 − p is DARE); got ${q}.`, {
      field: 'q',
      received: q,
      allowed: `[${low}, 1]`,
    });
  }
}
