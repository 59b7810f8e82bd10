import { SparseError } from '@sparse/core';
import { z } from 'zod';
import { analyticalQMap } from '../choose-q/analytical-q.js';
import { outputChangeObjective } from '../choose-q/output-change.js';
import { searchQ } from '../choose-q/search-q.js';
import type { DeltaMethod, DeltaPlan, DeltaPlanData } from './delta-method.js';
import { defineDeltaMethod } from './delta-method-definition.js';
import { requirePlanData } from './plan-data.js';

function qText(map: ReadonlyMap<string, number>, names: readonly string[]): string {
  return names.map((name) => `${name.replace(/\/kernel$/, '')}: ${(map.get(name) as number).toFixed(3)}`).join(', ');
}

/**
 * `darex-q-analytical`: DAREx's analytical per-layer `q` (Deng et al., 2025) from the mean input of
 * each dense layer on calibration inputs ({@link analyticalQMap}); `η` is given (`eta`) or searched
 * on a log grid with the label-free output-change objective.
 *
 * @example
 * ```ts
 * import { darexQAnalyticalMethod } from '@sparse/delta';
 *
 * const fixed = darexQAnalyticalMethod.create(darexQAnalyticalMethod.options.parse({ eta: 0.45 }));
 * console.log(fixed.needs); // ['calibration']
 * ```
 */
export const darexQAnalyticalMethod = defineDeltaMethod({
  name: 'darex-q-analytical',
  summary: 'DAREx-q with an analytical q per layer from mean calibration inputs; eta given or searched by output change (no labels).',
  options: z
    .object({
      eta: z.number().gt(0).optional().meta({ description: 'η balancing the bias and variance terms; omitted: searched on the log grid.' }),
      log10EtaLower: z.number().default(-1).meta({ description: 'Smallest log10 η of the search.' }),
      log10EtaUpper: z.number().default(3).meta({ description: 'Largest log10 η of the search.' }),
      log10EtaStep: z.number().gt(0).default(0.25).meta({ description: 'Coarse step of log10 η; the fine search uses step/10.' }),
    })
    .superRefine((options, context) => {
      if (options.log10EtaUpper < options.log10EtaLower) context.addIssue({ code: 'custom', message: `log10EtaUpper must be at least log10EtaLower (${options.log10EtaLower})`, path: ['log10EtaUpper'] });
    }),
  create: (options): DeltaMethod => {
    const name = 'darex-q-analytical';
    const check = (rate: number): void => {
      if (!(rate > 0 && rate < 1)) {
        throw new SparseError('E_CONFIG', `The analytical q needs a drop rate in (0, 1); got ${rate}.`, { field: 'rate', received: rate, allowed: '(0, 1)' });
      }
    };
    const has = (data: DeltaPlanData) => data.layers !== undefined && data.layers.length > 0 && (options.eta !== undefined || data.outputChange !== undefined);
    return Object.freeze({
      name,
      label: options.eta === undefined ? 'DAREx-q, analytical per-layer q (η by output change)' : `DAREx-q, analytical per-layer q (η = ${options.eta})`,
      stochastic: true,
      needs: Object.freeze(['calibration' as const]),
      check,
      async plan(rate: number, data?: DeltaPlanData): Promise<DeltaPlan> {
        check(rate);
        const given = requirePlanData(name, 'calibration', data, has);
        const layers = given.layers ?? [];
        const qMap = (eta: number) => analyticalQMap(layers, { rate, eta });
        let eta = options.eta;
        let evaluations = 0;
        if (eta === undefined) {
          const outputChange = given.outputChange as NonNullable<DeltaPlanData['outputChange']>;
          const search = await searchQ({
            lower: options.log10EtaLower,
            upper: options.log10EtaUpper,
            step: options.log10EtaStep,
            objective: outputChangeObjective((t, seed) => outputChange({ rate, method: 'random', rescale: { q: qMap(10 ** t) }, seed }), given.dropSeeds),
          });
          eta = 10 ** search.best;
          evaluations = search.evaluations.length;
        }
        const map = qMap(eta);
        return { rule: { method: 'random', rescale: { q: map } }, q: `${qText(map, layers.map((layer) => layer.name))} (η = ${+eta.toPrecision(3)})`, evaluations };
      },
    });
  },
});
