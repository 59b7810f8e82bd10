import { z } from 'zod';
import { configErrorFromIssues, optionIssuesFromZod } from '@sparse/core';

/**
 * The options of the `set` and `rigl` mask update rules (RigL's defaults): `updateEvery` (ΔT,
 * 100), `dropFraction` (α, 0.3), `endFraction` (T_end as a fraction of the training's steps,
 * 0.75) and `beginStep` (0). Unknown options are refused.
 *
 * @example
 * ```ts
 * import { dstRuleOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(dstRuleOptionsSchema.parse({})); // { updateEvery: 100, dropFraction: 0.3, endFraction: 0.75, beginStep: 0 }
 * ```
 */
export const dstRuleOptionsSchema = z.strictObject({
  updateEvery: z.int().min(1).default(100).meta({ description: 'ΔT: steps between mask updates (RigL: 100).' }),
  dropFraction: z.number().min(0).max(1).default(0.3).meta({ description: 'α: fraction of each layer\'s active weights dropped (and regrown) at step 0, cosine-annealed to 0 at T_end.' }),
  endFraction: z.number().gt(0).max(1).default(0.75).meta({ description: 'T_end as a fraction of the training\'s steps: no update from then on (RigL: 0.75).' }),
  beginStep: z.int().min(0).default(0).meta({ description: 'The first step that may update (updates at beginStep + k·ΔT, never at step 0).' }),
});

/**
 * The parsed options of a `set` or `rigl` rule (see {@link dstRuleOptionsSchema}).
 *
 * @example
 * ```ts
 * import type { DstRuleOptions } from '@sparse/sparse-training';
 *
 * const options: DstRuleOptions = { updateEvery: 100, dropFraction: 0.3, endFraction: 0.75, beginStep: 0 };
 * ```
 */
export type DstRuleOptions = z.output<typeof dstRuleOptionsSchema>;

/**
 * Parses `set`/`rigl` options given in code (defaults filled in).
 *
 * @throws SparseError `E_CONFIG` naming the bad option and what is allowed.
 *
 * @example
 * ```ts
 * import { parseDstRuleOptions } from '@sparse/sparse-training';
 *
 * console.log(parseDstRuleOptions({ updateEvery: 50 }).dropFraction); // 0.3
 * ```
 */
export function parseDstRuleOptions(options: z.input<typeof dstRuleOptionsSchema> = {}, field = 'maskUpdates'): DstRuleOptions {
  const result = dstRuleOptionsSchema.safeParse(options);
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, options, field.split('.'), dstRuleOptionsSchema));
  return result.data;
}
