import { z } from 'zod';
import type { RescaleRule } from '../options/rescale.js';

/**
 * The `rescale` and `q` options shared by `random` and `magnitude`: `rescale` is `dare`
 * (`1/(1−p)`), `none`, `q` (`1/q`, needs `q`) or `l1` (mergekit's norm-preserving factor);
 * giving `q` alone means `rescale: 'q'`.
 *
 * @example
 * ```ts
 * import { rescaleOptionsShape } from './rescale-options.js';
 *
 * console.log(Object.keys(rescaleOptionsShape)); // ['rescale', 'q']
 * ```
 */
export const rescaleOptionsShape = {
  rescale: z
    .enum(['dare', 'none', 'q', 'l1'])
    .optional()
    .meta({ description: "What kept deltas are multiplied by: dare 1/(1−p), none, q 1/q (needs q), l1 (the tensor's L1 norm kept, mergekit's rescale). Giving q alone means q." }),
  q: z.number().gt(0).max(1).optional().meta({ description: 'The q of rescale 1/q, in [1 − p, 1] for every drop rate it is used at.' }),
};

/**
 * Rejects contradictory `rescale` / `q` pairs (a `q` with `rescale: 'dare'`, `rescale: 'q'`
 * without `q`), as a zod refinement on the option object.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { checkRescaleOptions, rescaleOptionsShape } from './rescale-options.js';
 *
 * const schema = z.object(rescaleOptionsShape).superRefine(checkRescaleOptions);
 * console.log(schema.safeParse({ rescale: 'q' }).success); // false
 * ```
 */
export function checkRescaleOptions(options: { readonly rescale?: string | undefined; readonly q?: number | undefined }, context: z.RefinementCtx): void {
  if (options.rescale === 'q' && options.q === undefined) {
    context.addIssue({ code: 'custom', message: "rescale 'q' needs q, in [1 − p, 1] (kept deltas are multiplied by 1/q)", path: ['q'] });
  }
  if (options.q !== undefined && options.rescale !== undefined && options.rescale !== 'q') {
    context.addIssue({ code: 'custom', message: `q is only used with rescale 'q'; got rescale '${options.rescale}'`, path: ['q'] });
  }
}

/**
 * The {@link RescaleRule} of parsed `rescale` / `q` options, `fallback` when neither is given.
 *
 * @example
 * ```ts
 * import { rescaleRuleOf } from './rescale-options.js';
 *
 * console.log(rescaleRuleOf({ q: 0.3 }, 'dare')); // { q: 0.3 }
 * ```
 */
export function rescaleRuleOf(options: { readonly rescale?: string | undefined; readonly q?: number | undefined }, fallback: 'dare' | 'none'): RescaleRule {
  if (options.q !== undefined) return { q: options.q };
  if (options.rescale === 'dare' || options.rescale === 'none' || options.rescale === 'l1') return options.rescale;
  return fallback;
}
