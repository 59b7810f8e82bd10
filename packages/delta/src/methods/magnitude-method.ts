import { z } from 'zod';
import { defineDeltaMethod } from './delta-method-definition.js';
import { fixedRuleMethod } from './fixed-rule-method.js';
import { checkRescaleOptions, rescaleOptionsShape, rescaleRuleOf } from './rescale-options.js';

/**
 * `magnitude`: importance-based delta pruning: exactly `⌊p·n⌋` entries with the smallest `|δ|`
 * dropped, per tensor or ranked over all pruned tensors (`scope: 'global'`); no rescale unless
 * `rescale` or `q` says so. Deterministic (no seed).
 *
 * @example
 * ```ts
 * import { magnitudeMethod } from '@sparse/delta';
 *
 * const method = magnitudeMethod.create(magnitudeMethod.options.parse({ scope: 'global' }));
 * console.log(method.stochastic); // false
 * ```
 */
export const magnitudeMethod = defineDeltaMethod({
  name: 'magnitude',
  summary: 'Drop exactly floor(p·n) entries with the smallest |delta| (per tensor or global); rescale none (default), dare, q or l1.',
  options: z
    .object({
      ...rescaleOptionsShape,
      scope: z.enum(['tensor', 'global']).default('tensor').meta({ description: 'tensor: floor(p·n) per tensor; global: one ranking over all pruned tensors.' }),
    })
    .superRefine(checkRescaleOptions),
  create: (options) =>
    fixedRuleMethod('magnitude', { method: 'magnitude', rescale: rescaleRuleOf(options, 'none'), ...(options.scope === 'global' ? { scope: 'global' as const } : {}) }),
});
