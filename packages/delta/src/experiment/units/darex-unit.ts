import type { JsonValue, RunUnit } from '@sparse/experiments';
import type { DeltaMethod } from '../../methods/delta-method.js';
import type { DeltaRegimeConfig } from '../config.js';
import type { DarexResult } from '../results.js';
import type { DeltaRunState } from '../run-state.js';
import { methodSegment } from './unit-ids.js';

/**
 * The unit that lets one method choose its rule at the `darex` rate (searching `q` if it does),
 * then measures test accuracy and the output change of the last hidden layer over every drop
 * seed. Outputs a {@link DarexResult}.
 *
 * @example
 * ```ts
 * import { type DeltaMethod } from '@sparse/delta';
 * import { type DeltaRunState } from '../run-state.js';
 * import { darexUnit } from './darex-unit.js';
 *
 * declare const state: DeltaRunState, method: DeltaMethod;
 * console.log(darexUnit(state, state.config.finetune.regimes[0]!, method, 0, 0.99).id);
 * ```
 */
export function darexUnit(state: DeltaRunState, regime: DeltaRegimeConfig, method: DeltaMethod, index: number, rate: number): RunUnit {
  const seeds = method.stochastic ? state.config.dropSeeds : state.config.dropSeeds.slice(0, 1);
  return {
    id: `darex/${regime.id}/${methodSegment(index, method.name)}`,
    label: `${regime.id}: ${method.label} at p = ${rate}`,
    async run(unit) {
      const context = await state.regime(regime.id);
      unit.progress(0, seeds.length + 1);
      const plan = await method.plan(rate, context.planData);
      unit.progress(1, seeds.length + 1);
      const accuracy: number[] = [];
      const changes: number[] = [];
      for (const [s, seed] of seeds.entries()) {
        unit.signal.throwIfAborted();
        const pruned = await context.prune({ ...plan.rule, rate, seed });
        const value = context.testAccuracy(pruned);
        const change = context.outputChange(pruned);
        accuracy.push(value);
        changes.push(change);
        await unit.metric({ phase: 'darex', regime: regime.id, method: method.name, index, rate, seed, accuracy: value, outputChange: change });
        unit.progress(s + 2, seeds.length + 1);
      }
      const result: DarexResult = {
        index,
        method: method.name,
        label: method.label,
        q: plan.q ?? null,
        evaluations: plan.evaluations,
        accuracy,
        outputChange: changes.reduce((a, b) => a + b, 0) / changes.length,
      };
      state.log(`${regime.id}: p=${rate} ${method.label}: q ${result.q ?? '-'}, ${(100 * (accuracy.reduce((a, b) => a + b, 0) / accuracy.length)).toFixed(2)}%\n`);
      return result as unknown as JsonValue;
    },
  };
}
