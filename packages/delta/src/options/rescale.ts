import { echoValue, SparseError } from '@sparse/core';

/**
 * How kept delta entries are rescaled after the drop, always explicit (never hidden):
 *
 * | rule | factor on kept entries | use |
 * |---|---|---|
 * | `'dare'` | `1 / (1 − p)` | DARE: `E[δ̃] = δ` (Yu et al.); `1` when `p = 1` (all dropped) |
 * | `'none'` | `1` | DropOnly; the usual choice for magnitude pruning |
 * | `{ q }` | `1 / q` | DAREx-q, `q ∈ [1 − p, 1]`; a map gives one `q` per tensor |
 * | `'l1'` | `‖δ‖₁ / ‖δ̃_kept‖₁` per tensor | what mergekit calls `rescale: true` (its default for DARE methods): the kept entries are scaled so the tensor's L1 norm is unchanged; skipped (factor 1) when either norm is below `1e-7`, as mergekit does |
 *
 * With a per-tensor map (from {@link analyticalQMap}), tensors absent from the map use
 * `fallbackQ`, by default the mean of the map's values (DAREx `rescale_q`).
 *
 * @example
 * ```ts
 * import type { RescaleRule } from '@sparse/delta';
 *
 * const dare: RescaleRule = 'dare';
 * const darexQ: RescaleRule = { q: 0.2 };
 * const perLayer: RescaleRule = { q: new Map([['fc1/kernel', 0.12], ['fc2/kernel', 0.3]]), fallbackQ: 0.2 };
 * ```
 */
export type RescaleRule =
  | 'dare'
  | 'none'
  | 'l1'
  | { readonly q: number | ReadonlyMap<string, number>; readonly fallbackQ?: number };

/**
 * A {@link RescaleRule} after validation: `qOf` gives the `q` of a tensor for the `q` rule.
 *
 * @example
 * ```ts
 * import { resolveRescale } from '@sparse/delta';
 *
 * const rule = resolveRescale({ q: 0.25 }, 0.9);
 * if (rule.kind === 'q') console.log(rule.qOf('fc1/kernel')); // 0.25
 * ```
 */
export type ResolvedRescale =
  | { readonly kind: 'dare' | 'none' | 'l1'; readonly description: string }
  | { readonly kind: 'q'; readonly description: string; qOf(name: string): number };

function checkQ(q: unknown, rate: number, field: string): number {
  const low = 1 - rate;
  if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0 || q > 1 || q < low - 1e-12) {
    throw new SparseError(
      'E_CONFIG',
      `${field} must be a number in [1 − p, 1] = [${+low.toPrecision(12)}, 1] (and > 0) for drop rate p = ${rate}: the kept entries are multiplied by 1/q, and q = 1 − p is DARE; got ${echoValue(q)}.`,
      { field, received: q, allowed: `[${+low.toPrecision(12)}, 1]` },
    );
  }
  return q;
}

/**
 * Validates a {@link RescaleRule} for drop rate `rate` (every `q` in `[1 − rate, 1]`, `q > 0`).
 *
 * @param rule - the rule.
 * @param rate - the drop rate `p`.
 * @param field - the option name used in error messages.
 * @throws SparseError `E_CONFIG` naming the field, the value and what is allowed.
 *
 * @example
 * ```ts
 * import { resolveRescale } from '@sparse/delta';
 *
 * console.log(resolveRescale('dare', 0.9).description); // '1/(1-p) = 10'
 * ```
 */
export function resolveRescale(rule: RescaleRule, rate: number, field = 'rescale'): ResolvedRescale {
  if (rule === 'dare') {
    return Object.freeze({ kind: 'dare', description: rate < 1 ? `1/(1-p) = ${+(1 / (1 - rate)).toPrecision(6)}` : '1/(1-p) (p = 1: all dropped)' });
  }
  if (rule === 'none') return Object.freeze({ kind: 'none', description: 'none (factor 1)' });
  if (rule === 'l1') return Object.freeze({ kind: 'l1', description: 'l1 (per tensor: ||delta||_1 / ||kept delta||_1)' });
  if (typeof rule !== 'object' || rule === null || !('q' in rule)) {
    throw new SparseError('E_CONFIG', `${field} must be 'dare', 'none', 'l1' or { q }; got ${echoValue(rule)}.`, {
      field,
      received: rule,
      allowed: ['dare', 'none', 'l1', '{ q: number | Map<string, number> }'],
    });
  }
  const { q } = rule;
  if (typeof q === 'number') {
    const value = checkQ(q, rate, `${field}.q`);
    return Object.freeze({ kind: 'q', description: `1/q, q = ${value}`, qOf: () => value });
  }
  if (!(q instanceof Map)) {
    throw new SparseError('E_CONFIG', `${field}.q must be a number or a Map from tensor name to q; got ${typeof q}.`, { field: `${field}.q`, received: typeof q });
  }
  const table = new Map<string, number>();
  for (const [name, value] of q) table.set(name, checkQ(value, rate, `${field}.q['${name}']`));
  if (table.size === 0 && rule.fallbackQ === undefined) {
    throw new SparseError('E_CONFIG', `${field}.q is an empty map and no fallbackQ is given: no tensor would have a q.`, { field: `${field}.q` });
  }
  const mean = table.size === 0 ? Number.NaN : [...table.values()].reduce((sum, value) => sum + value, 0) / table.size;
  const fallback = checkQ(rule.fallbackQ ?? mean, rate, `${field}.fallbackQ`);
  return Object.freeze({
    kind: 'q',
    description: `1/q, q per tensor (${table.size} given, others ${+fallback.toPrecision(6)})`,
    qOf: (name: string) => table.get(name) ?? fallback,
  });
}
