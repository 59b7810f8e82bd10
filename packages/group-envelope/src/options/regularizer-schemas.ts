import { z } from 'zod';
import { branchSchema, isPlainObject } from './branch-schema.js';
import { groupSelectorSchema } from './group-selector-schema.js';

/** A value for every set, or one per set name. */
function perSet(element: z.ZodType, what: string, description: string): z.ZodType<unknown> {
  return branchSchema(
    [
      { accepts: (value) => typeof value === 'number', schema: element },
      { accepts: isPlainObject, schema: z.record(z.string().min(1), element) },
    ],
    `${what}, or a record of one per set name ({ "fc1": …, "fc2": … })`,
    description,
  );
}

/** The options every group regularizer takes in a config (no functions: `lambda` is a number). */
const baseShape = {
  lambda: z.number().min(0).meta({ description: 'The weight λ ≥ 0; each proximal step has strength learning rate × λ.' }),
  groups: groupSelectorSchema.optional(),
  warmupSteps: z.int().min(0).optional().meta({ description: 'Steps without the prox at the start. Default 0.' }),
  endStep: z.int().min(0).optional().meta({ description: 'The first step without the prox. Default: never.' }),
  compute: z.enum(['host', 'backend']).optional().meta({ description: 'Where group norms and scaling run. Default: the plugin\'s, else backend.' }),
  weighting: z.enum(['uniform', 'sqrt-size']).optional().meta({ description: 'Weights d_j of sets that do not choose their own. Default uniform.' }),
};

const targetShape = {
  k: perSet(z.int().min(1), 'an integer ≥ 1 (groups kept)', 'Groups kept: one count for every set (or the total with scope global), or one per set name.').optional(),
  targetGroupSparsity: perSet(
    z.number().min(0).lt(1),
    'a fraction in [0, 1) (groups removed)',
    'Fraction of groups removed, in [0, 1): k = round((1 − s)·m) per set (or overall), or one per set name.',
  ).optional(),
  scope: z.enum(['layerwise', 'global']).optional().meta({ description: 'k per set (layerwise, default) or over all groups together (global).' }),
};

interface TargetFields {
  readonly k?: unknown;
  readonly targetGroupSparsity?: unknown;
  readonly scope?: unknown;
}

/** Exactly one of `k` and `targetGroupSparsity`; a single number with `scope: 'global'`. */
function checkTarget(options: TargetFields, context: z.RefinementCtx): void {
  const { k, targetGroupSparsity, scope } = options;
  if ((k === undefined) === (targetGroupSparsity === undefined)) {
    context.addIssue({
      code: 'custom',
      path: [k === undefined ? 'k' : 'targetGroupSparsity'],
      message: `give exactly one of k (groups kept) and targetGroupSparsity (fraction of groups removed); got ${k === undefined ? 'neither' : 'both'}`,
    });
    return;
  }
  const field = k === undefined ? 'targetGroupSparsity' : 'k';
  if (scope === 'global' && isPlainObject(k ?? targetGroupSparsity)) {
    context.addIssue({ code: 'custom', path: [field], message: `with scope "global", ${field} must be a single number, not one per set` });
  }
}

/**
 * The options of the `gsef` regularizer in a config (see {@link GsefOptions}): `lambda`,
 * exactly one of `k` and `targetGroupSparsity` (each a number or one per set name), `scope`,
 * `groups`, `warmupSteps`, `endStep`, `compute`, `weighting`. The plugin registers it with this
 * schema, so a config is checked in full before any work.
 *
 * @example
 * ```ts
 * import { gsefOptionsSchema } from '@sparse/group-envelope';
 *
 * console.log(gsefOptionsSchema.safeParse({ lambda: 3, targetGroupSparsity: 0.75 }).success); // true
 * console.log(gsefOptionsSchema.safeParse({ lambda: 3 }).success); // false: no k
 * ```
 */
export const gsefOptionsSchema: z.ZodObject = z.object({ ...baseShape, ...targetShape }).superRefine(checkTarget);

/**
 * The options of the `sef` regularizer in a config: those of `gsef` without `groups` and
 * `weighting` (every scalar of every dense and convolution kernel is its own group, one set per
 * kernel, so GSEF is the plain sparse envelope SEF).
 *
 * @example
 * ```ts
 * import { sefOptionsSchema } from '@sparse/group-envelope';
 *
 * console.log(sefOptionsSchema.safeParse({ lambda: 0.5, targetGroupSparsity: 0.9 }).success); // true
 * console.log(sefOptionsSchema.safeParse({ lambda: 0.5, k: 10, groups: 'output-units' }).success); // false
 * ```
 */
export const sefOptionsSchema: z.ZodObject = z
  .object({ lambda: baseShape.lambda, warmupSteps: baseShape.warmupSteps, endStep: baseShape.endStep, compute: baseShape.compute, ...targetShape })
  .strict()
  .superRefine(checkTarget);

/**
 * The options of the `group-lasso` regularizer in a config (see {@link GroupLassoOptions}):
 * `lambda`, `groups`, `warmupSteps`, `endStep`, `compute`, `weighting`.
 *
 * @example
 * ```ts
 * import { groupLassoOptionsSchema } from '@sparse/group-envelope';
 *
 * console.log(groupLassoOptionsSchema.safeParse({ lambda: 0.85 }).success); // true
 * console.log(groupLassoOptionsSchema.safeParse({ lambda: -1 }).success); // false
 * ```
 */
export const groupLassoOptionsSchema: z.ZodObject = z.object(baseShape);
