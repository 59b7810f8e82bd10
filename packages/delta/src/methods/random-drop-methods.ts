import { z } from 'zod';
import { defineDeltaMethod } from './delta-method-definition.js';
import { fixedRuleMethod } from './fixed-rule-method.js';
import { checkRescaleOptions, rescaleOptionsShape, rescaleRuleOf } from './rescale-options.js';

/**
 * `random`: each delta entry dropped independently with probability `p` (a Bernoulli mask, as
 * DARE), kept ones multiplied as `rescale` says (default `dare`, `1/(1−p)`).
 *
 * @example
 * ```ts
 * import { randomMethod } from '@sparse/delta';
 *
 * const l1 = randomMethod.create(randomMethod.options.parse({ rescale: 'l1' }));
 * console.log(l1.label);
 * ```
 */
export const randomMethod = defineDeltaMethod({
  name: 'random',
  summary: 'Drop each delta entry with probability p; rescale dare (default, 1/(1−p)), none, q (1/q) or l1.',
  options: z.object(rescaleOptionsShape).superRefine(checkRescaleOptions),
  create: (options) => fixedRuleMethod('random', { method: 'random', rescale: rescaleRuleOf(options, 'dare') }),
});

/**
 * `dare`: DARE (Yu et al., 2024, "Language Models are Super Mario"): random drops, kept deltas
 * multiplied by `1/(1−p)` so that `E[δ̃] = δ`.
 *
 * @example
 * ```ts
 * import { dareMethod } from '@sparse/delta';
 *
 * console.log(dareMethod.create({}).label); // DARE (rescale 1/(1−p))
 * ```
 */
export const dareMethod = defineDeltaMethod({
  name: 'dare',
  summary: 'DARE: drop each delta entry with probability p, multiply the kept ones by 1/(1−p).',
  options: z.object({}),
  create: () => fixedRuleMethod('dare', { method: 'random', rescale: 'dare' }),
});

/**
 * `drop-only`: random drops without any rescale (the ablation of DARE's rescale).
 *
 * @example
 * ```ts
 * import { dropOnlyMethod } from '@sparse/delta';
 *
 * console.log(dropOnlyMethod.create({}).label); // DropOnly (no rescale)
 * ```
 */
export const dropOnlyMethod = defineDeltaMethod({
  name: 'drop-only',
  summary: 'DropOnly: drop each delta entry with probability p, keep the others unscaled.',
  options: z.object({}),
  create: () => fixedRuleMethod('drop-only', { method: 'random', rescale: 'none' }),
});

/**
 * `darex-q`: DAREx-q (Deng et al., 2025, "DARE the Extreme") with a given `q`: random drops, kept
 * deltas multiplied by `1/q` with `1 − p ≤ q ≤ 1` (`q = 1 − p` is DARE).
 *
 * @example
 * ```ts
 * import { darexQMethod } from '@sparse/delta';
 *
 * const method = darexQMethod.create({ q: 0.2 });
 * method.check(0.99);
 * ```
 */
export const darexQMethod = defineDeltaMethod({
  name: 'darex-q',
  summary: 'DAREx-q: drop each delta entry with probability p, multiply the kept ones by 1/q (q in [1 − p, 1]).',
  options: z.object({ q: z.number().gt(0).max(1).meta({ description: 'Kept deltas are multiplied by 1/q; 1 − p ≤ q ≤ 1 (q = 1 − p is DARE).' }) }),
  create: (options) => fixedRuleMethod('darex-q', { method: 'random', rescale: { q: options.q } }),
});
