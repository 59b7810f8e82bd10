import { Regularizers, SparseError, definePlugin, type SparsePlugin } from '@sparse/core';
import type { GroupCompute } from './groups/group-data.js';
import { groupLasso, type GroupLassoOptions } from './regularizer/group-lasso.js';
import { gsef, type GsefOptions } from './regularizer/gsef-regularizer.js';

/**
 * The id of the {@link groupEnvelope} plugin.
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
 * Options of {@link groupEnvelope}: defaults for the regularizers it creates.
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

/**
 * The plugin that registers `gsef` ({@link gsef}) and `group-lasso` ({@link groupLasso}) in
 * core's `Regularizers` kind, so a JSON configuration can name them. The options a configuration
 * passes are checked when the regularizer is created (`SparseError` `E_CONFIG` naming the field);
 * the plugin's own options are checked here.
 *
 * @example
 * ```ts
 * import { createRuntime, Regularizers } from '@sparse/core';
 * import { groupEnvelope } from '@sparse/group-envelope';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelope()] });
 * const regularizer = runtime.create(Regularizers, 'gsef', { lambda: 0.05, targetGroupSparsity: 0.75, warmupSteps: 500 });
 * console.log(runtime.names(Regularizers)); // includes 'gsef' and 'group-lasso'
 * ```
 */
export function groupEnvelope(options: GroupEnvelopePluginOptions = {}): SparsePlugin {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SparseError('E_CONFIG', 'groupEnvelope: expected an options object such as { compute: "host" }.', { field: 'options', received: options });
  }
  for (const key of Object.keys(options)) {
    if (key !== 'compute') {
      throw new SparseError('E_CONFIG', `groupEnvelope: unknown option '${key}'; allowed: compute.`, { field: key, allowed: ['compute'] });
    }
  }
  const { compute } = options;
  if (compute !== undefined && compute !== 'host' && compute !== 'backend') {
    throw new SparseError('E_CONFIG', `groupEnvelope: compute must be 'host' or 'backend'; got ${JSON.stringify(compute)}.`, {
      field: 'compute',
      received: compute,
      allowed: ['host', 'backend'],
    });
  }
  const defaults = compute === undefined ? {} : { compute };
  return definePlugin(GROUP_ENVELOPE_PLUGIN_ID, (registry) => {
    registry.provide(Regularizers, 'gsef', (config) => gsef({ ...defaults, ...(config as unknown as GsefOptions) }));
    registry.provide(Regularizers, 'group-lasso', (config) => groupLasso({ ...defaults, ...(config as unknown as GroupLassoOptions) }));
  });
}
