import type { JsonValue, RunUnit } from '@sparse/experiments';
import type { DeltaMethod } from '../../methods/delta-method.js';
import type { DeltaRegimeConfig } from '../config.js';
import type { CurvePoint, CurveResult } from '../results.js';
import type { DeltaRunState } from '../run-state.js';
import { methodSegment } from './unit-ids.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The unit that prunes one fine-tuned model's delta with one method at every rate of `rates` and
 * measures test accuracy, for every drop seed when the method is random (once, with the first
 * seed, when it is deterministic). Outputs a {@link CurveResult}.
 *
 * @example
 * ```ts
 * import { type DeltaMethod } from '@sparse/delta';
 * import { type DeltaRunState } from '../run-state.js';
 * import { curveUnit } from './curve-unit.js';
 *
 * declare const state: DeltaRunState, dare: DeltaMethod;
 * console.log(curveUnit(state, state.config.finetune.regimes[0]!, dare, 0).id); // curve/<regime>/m0-dare
 * ```
 */
export function curveUnit(state: DeltaRunState, regime: DeltaRegimeConfig, method: DeltaMethod, index: number): RunUnit {
  const { config } = state;
  const seeds = method.stochastic ? config.dropSeeds : config.dropSeeds.slice(0, 1);
  return {
    id: `curve/${regime.id}/${methodSegment(index, method.name)}`,
    label: `${regime.id}: ${method.label}`,
    async run(unit) {
      const context = await state.regime(regime.id);
      const points: CurvePoint[] = [];
      const total = config.rates.length * seeds.length;
      for (const [k, rate] of config.rates.entries()) {
        const plan = await method.plan(rate, context.planData);
        const accuracy: number[] = [];
        for (const [s, seed] of seeds.entries()) {
          unit.signal.throwIfAborted();
          const value = context.testAccuracy(await context.prune({ ...plan.rule, rate, seed }));
          accuracy.push(value);
          await unit.metric({ phase: 'curve', regime: regime.id, method: method.name, index, rate, seed, accuracy: value });
          unit.progress(k * seeds.length + s + 1, total);
        }
        points.push({ rate, q: plan.q ?? null, evaluations: plan.evaluations, accuracy });
      }
      state.log(`${regime.id}: ${method.label}: ${points.map((point) => `p=${point.rate} ${(100 * mean(point.accuracy)).toFixed(2)}%`).join(', ')}\n`);
      const result: CurveResult = { index, method: method.name, label: method.label, stochastic: method.stochastic, points };
      return result as unknown as JsonValue;
    },
  };
}
