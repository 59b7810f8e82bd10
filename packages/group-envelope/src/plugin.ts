import { z } from 'zod';
import { Regularizers, configErrorFromIssues, definePlugin, optionIssuesFromZod, type SparsePlugin } from '@sparse/core';
import { ExperimentKinds, type ExperimentKind } from '@sparse/experiments';
import { groupEnvelopeKind } from './experiment/kind.js';
import type { GroupCompute } from './groups/group-data.js';
import { gsefOptionsSchema, groupLassoOptionsSchema, sefOptionsSchema } from './options/regularizer-schemas.js';
import { groupLasso, type GroupLassoOptions } from './regularizer/group-lasso.js';
import { gsef, type GsefOptions } from './regularizer/gsef-regularizer.js';
import { sef, type SefRegularizerOptions } from './regularizer/sef-regularizer.js';

/**
 * The id of the {@link groupEnvelopePlugin} plugin (the npm package name).
 *
 * @example
 * ```ts
 * import { GROUP_ENVELOPE_PLUGIN_ID } from '@sparse/group-envelope';
 *
 * console.log(GROUP_ENVELOPE_PLUGIN_ID); // '@sparse/group-envelope'
 * ```
 */
export const GROUP_ENVELOPE_PLUGIN_ID = '@sparse/group-envelope';

/**
 * Options of {@link groupEnvelopePlugin}: defaults for the regularizers it creates.
 *
 * @example
 * ```ts
 * import type { GroupEnvelopePluginOptions } from '@sparse/group-envelope';
 *
 * const options: GroupEnvelopePluginOptions = { compute: 'host' };
 * ```
 */
export interface GroupEnvelopePluginOptions {
  /** Default `compute` of every regularizer made by name (`backend` unless given). */
  readonly compute?: GroupCompute;
}

const pluginOptionsSchema = z.strictObject({ compute: z.enum(['host', 'backend']).optional() });

/**
 * The group-envelope family as a plugin. It registers, in core's `Regularizers` table, `gsef`
 * ({@link gsef}), `sef` ({@link sef}: GSEF with single weights as groups) and `group-lasso`
 * ({@link groupLasso}), each with its options' zod schema ({@link gsefOptionsSchema},
 * {@link sefOptionsSchema}, {@link groupLassoOptionsSchema}: a config naming them is checked
 * before any work, `E_CONFIG` naming the field), and the experiment kind `group-envelope`
 * ({@link groupEnvelopeKind}). Its own options are checked here (`E_CONFIG`).
 *
 * @example
 * ```ts
 * import { createRuntime, Regularizers } from '@sparse/core';
 * import { groupEnvelopePlugin } from '@sparse/group-envelope';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelopePlugin()] });
 * const regularizer = runtime.create(Regularizers, 'gsef', { lambda: 3, targetGroupSparsity: 0.75, warmupSteps: 430 });
 * const baseline = runtime.resolve(Regularizers, { name: 'group-lasso', lambda: 0.85 });
 * console.log(runtime.names(Regularizers)); // includes 'group-lasso', 'gsef', 'sef'
 * ```
 */
export function groupEnvelopePlugin(options: GroupEnvelopePluginOptions = {}): SparsePlugin {
  const parsed = pluginOptionsSchema.safeParse(options);
  if (!parsed.success) throw configErrorFromIssues(optionIssuesFromZod(parsed.error.issues, options, [], pluginOptionsSchema), 'groupEnvelopePlugin options');
  const { compute } = parsed.data;
  const defaults = compute === undefined ? {} : { compute };
  return definePlugin(GROUP_ENVELOPE_PLUGIN_ID, (registry) => {
    registry.provide(Regularizers, 'gsef', (config) => gsef({ ...defaults, ...(config as unknown as GsefOptions) }), {
      options: gsefOptionsSchema,
      summary: 'Group sparse envelope GSEF_k as a proximal step: at most k groups per set (neurons, filters…) stay nonzero, then an exact top-k selection',
    });
    registry.provide(Regularizers, 'sef', (config) => sef({ ...defaults, ...(config as unknown as SefRegularizerOptions) }), {
      options: sefOptionsSchema,
      summary: 'Sparse envelope SEF_k on single weights (GSEF with one weight per group, one set per kernel): unstructured k-sparsity',
    });
    registry.provide(Regularizers, 'group-lasso', (config) => groupLasso({ ...defaults, ...(config as unknown as GroupLassoOptions) }), {
      options: groupLassoOptionsSchema,
      summary: 'Group lasso as a proximal step (block soft thresholding of each group)',
    });
    registry.provide(ExperimentKinds, groupEnvelopeKind.name, () => groupEnvelopeKind as ExperimentKind, { summary: groupEnvelopeKind.summary });
  });
}
