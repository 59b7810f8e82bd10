import { z } from 'zod';
import { branchSchema } from './branch-schema.js';

const parameterName = z.string().min(1).max(1000);

/** `uniform`, `sqrt-size`, or one weight > 0 per group. */
const weighting = branchSchema(
  [
    { accepts: (value) => typeof value === 'string', schema: z.enum(['uniform', 'sqrt-size']) },
    { accepts: Array.isArray, schema: z.array(z.number().positive()).min(1) },
  ],
  '"uniform", "sqrt-size" or an array of weights > 0 (one per group)',
  'The weights d_j of this set\'s groups: "uniform" (d = 1), "sqrt-size" (d = √|G|) or one weight > 0 per group.',
);

const base = {
  name: z.string().min(1).max(200).optional().meta({ description: 'The set\'s name (per-set k, reports). Default: the kernel\'s name without /kernel.' }),
  weighting: weighting.optional(),
};

/**
 * The zod schema of one {@link GroupSpec} in a config: `kind` picks the shape (`dense-neurons`,
 * `dense-inputs`, `conv-filters`, `conv-channels`, `filter-shapes`, `tensors`, `unstructured`,
 * `custom`), unknown fields are rejected. Whether the parameters it names exist, fit and do not
 * overlap is checked against the model when the groups are resolved.
 *
 * @example
 * ```ts
 * import { groupSpecSchema } from '@sparse/group-envelope';
 *
 * console.log(groupSpecSchema.safeParse({ kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' }).success); // true
 * console.log(groupSpecSchema.safeParse({ kind: 'neurons', kernel: 'fc1/kernel' }).success); // false
 * ```
 */
export const groupSpecSchema: z.ZodType = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dense-neurons'), kernel: parameterName, bias: parameterName.optional(), outgoing: parameterName.optional(), ...base }),
  z.strictObject({ kind: z.literal('dense-inputs'), kernel: parameterName, ...base }),
  z.strictObject({ kind: z.literal('conv-filters'), kernel: parameterName, bias: parameterName.optional(), outgoing: parameterName.optional(), ...base }),
  z.strictObject({ kind: z.literal('conv-channels'), kernel: parameterName, ...base }),
  z.strictObject({ kind: z.literal('filter-shapes'), kernel: parameterName, ...base }),
  z.strictObject({ kind: z.literal('tensors'), parameters: z.array(parameterName).min(1), ...base }),
  z.strictObject({ kind: z.literal('unstructured'), parameters: z.array(parameterName).min(1), ...base }),
  z.strictObject({
    kind: z.literal('custom'),
    groups: z.array(z.array(z.strictObject({ parameter: parameterName, indices: z.array(z.int().min(0)).min(1) })).min(1)).min(1),
    ...base,
  }),
]);

/**
 * The zod schema of a regularizer's `groups` option ({@link GroupSelector}): `"output-units"`
 * (the neurons / filters of every kernel but the last, with their biases), `"unstructured"`
 * (every scalar of every kernel) or a non-empty list of group specifications
 * ({@link groupSpecSchema}).
 *
 * @example
 * ```ts
 * import { groupSelectorSchema } from '@sparse/group-envelope';
 *
 * console.log(groupSelectorSchema.safeParse('output-units').success); // true
 * console.log(groupSelectorSchema.safeParse([{ kind: 'dense-neurons', kernel: 'fc1/kernel' }]).success); // true
 * console.log(groupSelectorSchema.safeParse('neurons').success); // false
 * ```
 */
export const groupSelectorSchema: z.ZodType<unknown> = branchSchema(
  [
    { accepts: (value) => typeof value === 'string', schema: z.enum(['output-units', 'unstructured']) },
    { accepts: Array.isArray, schema: z.array(groupSpecSchema).min(1) },
  ],
  '"output-units", "unstructured" or a non-empty array of group specifications ({ "kind": "dense-neurons", "kernel": "fc1/kernel", … })',
  'The groups: "output-units" (default: the neurons / filters of every kernel but the last, with their biases), "unstructured" (every scalar), or a list of group specifications.',
);
