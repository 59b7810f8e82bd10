import { SparseError } from '@sparse/core';
import { z } from 'zod';
import { outputChangeObjective } from '../choose-q/output-change.js';
import { searchQ } from '../choose-q/search-q.js';
import type { DeltaMethod, DeltaMethodNeed, DeltaPlan, DeltaPlanData } from './delta-method.js';
import { defineDeltaMethod } from './delta-method-definition.js';
import { requirePlanData } from './plan-data.js';

const gridShape = {
  upper: z.number().gt(0).max(1).default(0.5).meta({ description: 'Largest q tried; the grid starts at 1 − p (DARE itself).' }),
  step: z.number().gt(0).max(0.5).default(0.01).meta({ description: 'Coarse step of q; the fine search around the best uses step/10.' }),
};

function checkUpper(upper: number, rate: number): void {
  if (upper < 1 - rate - 1e-12) {
    throw new SparseError('E_CONFIG', `upper must be at least 1 − p = ${+(1 - rate).toPrecision(12)} for drop rate p = ${rate} (the search runs from 1 − p to upper); got ${upper}.`, {
      field: 'upper',
      received: upper,
      allowed: `[${+(1 - rate).toPrecision(12)}, 1]`,
    });
  }
}

function searchMethod(name: string, label: string, need: DeltaMethodNeed, upper: number, step: number, objective: (data: DeltaPlanData, rate: number) => (q: number) => Promise<number>): DeltaMethod {
  const has = need === 'validation' ? (data: DeltaPlanData) => data.validationAccuracy !== undefined : (data: DeltaPlanData) => data.outputChange !== undefined;
  return Object.freeze({
    name,
    label,
    stochastic: true,
    needs: Object.freeze([need]),
    check: (rate: number) => checkUpper(upper, rate),
    async plan(rate: number, data?: DeltaPlanData): Promise<DeltaPlan> {
      checkUpper(upper, rate);
      const given = requirePlanData(name, need, data, has);
      const result = await searchQ({ lower: 1 - rate, upper, step, objective: objective(given, rate) });
      return { rule: { method: 'random', rescale: { q: result.best } }, q: result.best.toFixed(3), evaluations: result.evaluations.length };
    },
  });
}

/**
 * `darex-q-validation`: DAREx-q with `q` chosen by labelled validation accuracy (Deng et al., 2025,
 * "DARE the Extreme"): the coarse-then-fine search of {@link searchQ} over `q ∈ [1 − p, upper]`,
 * each candidate pruned with the first drop seed.
 *
 * @example
 * ```ts
 * import { darexQValidationMethod } from '@sparse/delta';
 *
 * const method = darexQValidationMethod.create(darexQValidationMethod.options.parse({}));
 * const plan = await method.plan(0.99, { dropSeeds: [0], validationAccuracy: async (options) => 1 - Math.abs((options.rescale as { q: number }).q - 0.2) });
 * console.log(plan.q); // 0.200
 * ```
 */
export const darexQValidationMethod = defineDeltaMethod({
  name: 'darex-q-validation',
  summary: 'DAREx-q with q searched in [1 − p, upper] by validation accuracy (needs labelled data).',
  options: z.object(gridShape),
  create: (options) =>
    searchMethod('darex-q-validation', 'DAREx-q, q by validation accuracy (labels)', 'validation', options.upper, options.step, (data, rate) => {
      const seed = data.dropSeeds[0] ?? 0;
      return async (q) => (data.validationAccuracy as NonNullable<DeltaPlanData['validationAccuracy']>)({ rate, method: 'random', rescale: { q }, seed });
    }),
});

/**
 * `darex-q-output-change`: DAREx-q with `q` chosen without labels (Deng et al., 2025): the same
 * search minimizing the mean absolute change of the last hidden layer on calibration inputs,
 * averaged over the drop seeds with the farthest value removed ({@link outputChangeObjective}).
 *
 * @example
 * ```ts
 * import { darexQOutputChangeMethod } from '@sparse/delta';
 *
 * const method = darexQOutputChangeMethod.create(darexQOutputChangeMethod.options.parse({ upper: 0.3 }));
 * console.log(method.needs); // ['calibration']
 * ```
 */
export const darexQOutputChangeMethod = defineDeltaMethod({
  name: 'darex-q-output-change',
  summary: 'DAREx-q with q searched in [1 − p, upper] by the change of the last hidden layer (no labels).',
  options: z.object(gridShape),
  create: (options) =>
    searchMethod('darex-q-output-change', 'DAREx-q, q by output change (no labels)', 'calibration', options.upper, options.step, (data, rate) =>
      outputChangeObjective((q, seed) => (data.outputChange as NonNullable<DeltaPlanData['outputChange']>)({ rate, method: 'random', rescale: { q }, seed }), data.dropSeeds),
    ),
});
