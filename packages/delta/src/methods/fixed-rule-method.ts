import { checkQAtRate, ruleLabel } from './rule-label.js';
import type { DeltaMethod, DeltaPruneRule } from './delta-method.js';

/**
 * A {@link DeltaMethod} with one rule whatever the data: its checks are those of the rule's `q`
 * (if any) against the drop rate.
 *
 * @param name - the registered name.
 * @param rule - the rule it always plans.
 * @param label - the table label (default {@link ruleLabel}).
 *
 * @example
 * ```ts
 * import { fixedRuleMethod } from '@sparse/delta';
 *
 * const dare = fixedRuleMethod('dare', { method: 'random', rescale: 'dare' });
 * console.log(dare.label, dare.stochastic); // DARE (rescale 1/(1−p)) true
 * ```
 */
export function fixedRuleMethod(name: string, rule: DeltaPruneRule, label = ruleLabel(rule)): DeltaMethod {
  const frozen: DeltaPruneRule = Object.freeze({ ...rule });
  const q = typeof frozen.rescale === 'object' && typeof frozen.rescale.q === 'number' ? frozen.rescale.q : undefined;
  return Object.freeze({
    name,
    label,
    stochastic: (frozen.method ?? 'random') === 'random',
    needs: Object.freeze([]),
    check(rate: number): void {
      if (q !== undefined) checkQAtRate(q, rate);
    },
    async plan(rate: number) {
      if (q !== undefined) checkQAtRate(q, rate);
      return { rule: frozen, ...(q === undefined ? {} : { q: String(q) }), evaluations: 0 };
    },
  });
}
