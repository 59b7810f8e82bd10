import { z } from 'zod';
import { configErrorFromIssues, definePlugin, optionIssuesFromZod, type SparsePlugin } from '@sparse/core';
import { ExperimentKinds, type ExperimentKind } from '@sparse/experiments';
import { lthKind } from './experiment/kind.js';

/**
 * The id of the {@link lthPlugin} plugin (the npm package name).
 *
 * @example
 * ```ts
 * import { LTH_PLUGIN_ID } from '@sparse/lth';
 *
 * console.log(LTH_PLUGIN_ID); // '@sparse/lth'
 * ```
 */
export const LTH_PLUGIN_ID = '@sparse/lth';

/**
 * Options of {@link lthPlugin}: none yet (the scorer, the training engine and everything else are
 * chosen per config); an unknown key is an error.
 *
 * @example
 * ```ts
 * import type { LthPluginOptions } from '@sparse/lth';
 *
 * const options: LthPluginOptions = {};
 * ```
 */
export type LthPluginOptions = Readonly<Record<string, never>>;

const pluginOptionsSchema = z.strictObject({});

/**
 * The lottery-ticket family as a plugin: it registers the experiment kind `lth`
 * ({@link lthKind}) in the `ExperimentKinds` table. The scorers and training engines an `lth`
 * config names come from the runtime's own tables (core's toolkit, the wasm backend's
 * `dense-trainer`, any plugin's), so lth adds no names of its own. `sparse run` loads it;
 * `@sparse/lth` exports it as its default export too, so a config or `--plugin` can name the package.
 *
 * @param options - none yet; checked (`E_CONFIG` for an unknown key).
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { ExperimentKinds } from '@sparse/experiments';
 * import { lthPlugin } from '@sparse/lth';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [lthPlugin()] });
 * console.log(runtime.names(ExperimentKinds)); // ['lth']
 * ```
 */
export function lthPlugin(options: LthPluginOptions = {}): SparsePlugin {
  const parsed = pluginOptionsSchema.safeParse(options);
  if (!parsed.success) throw configErrorFromIssues(optionIssuesFromZod(parsed.error.issues, options, [], pluginOptionsSchema), 'lthPlugin options');
  return definePlugin(LTH_PLUGIN_ID, (registry) => {
    registry.provide(ExperimentKinds, lthKind.name, () => lthKind as ExperimentKind, { summary: lthKind.summary });
  });
}
