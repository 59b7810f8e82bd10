import { echoValue, SparseError, definePlugin, type SparsePlugin } from '@sparse/core';
import { ExperimentKinds } from '@sparse/experiments';
import { deltaExperimentKind } from './experiment/delta-kind.js';
import { BUILT_IN_DELTA_METHODS } from './methods/built-in-methods.js';
import { DeltaMethods } from './tokens.js';

/**
 * Options of {@link deltaPlugin}.
 *
 * @example
 * ```ts
 * import type { DeltaPluginOptions } from '@sparse/delta';
 *
 * // Register only these, e.g. to provide your own 'dare' beside the others:
 * const options: DeltaPluginOptions = { methods: ['random', 'magnitude', 'drop-only'] };
 * ```
 */
export interface DeltaPluginOptions {
  /** The built-in methods to register (default: all of {@link BUILT_IN_DELTA_METHODS}). */
  readonly methods?: readonly string[];
  /** Whether to register the experiment kind `delta` (default `true`). */
  readonly experiment?: boolean;
}

const KNOWN = BUILT_IN_DELTA_METHODS.map((method) => method.name);

function checkOptions(options: DeltaPluginOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SparseError('E_CONFIG', 'deltaPlugin: expected an options object such as { methods: ["dare", "magnitude"] }.', { field: 'options', received: options });
  }
  for (const key of Object.keys(options)) {
    if (key !== 'methods' && key !== 'experiment') throw new SparseError('E_CONFIG', `deltaPlugin: unknown option '${key}'; allowed: methods, experiment.`, { field: key, allowed: ['methods', 'experiment'] });
  }
  if (options.methods !== undefined) {
    if (!Array.isArray(options.methods)) throw new SparseError('E_CONFIG', 'deltaPlugin: methods must be an array of method names.', { field: 'methods', received: options.methods, allowed: KNOWN });
    for (const [index, name] of options.methods.entries()) {
      if (!KNOWN.includes(name)) throw new SparseError('E_CONFIG', `deltaPlugin: methods[${index}] ${echoValue(name)} is not a built-in delta method; allowed: ${KNOWN.join(', ')}.`, { field: `methods[${index}]`, received: name, allowed: KNOWN });
    }
  }
  if (options.experiment !== undefined && typeof options.experiment !== 'boolean') {
    throw new SparseError('E_CONFIG', 'deltaPlugin: experiment must be true or false.', { field: 'experiment', received: options.experiment, allowed: [true, false] });
  }
}

/**
 * The plugin of `@sparse/delta`: registers the delta methods in {@link DeltaMethods} (`random`,
 * `magnitude`, `dare`, `drop-only`, `darex-q`, `darex-q-validation`, `darex-q-output-change`,
 * `darex-q-analytical`, each with its options schema and a summary) and the experiment kind
 * `delta` in `ExperimentKinds`. It is the package's default export, so configs and `--plugin` can
 * load it by name.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { DeltaMethods, deltaPlugin } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin()] });
 * console.log(runtime.names(DeltaMethods)); // ['dare', 'darex-q', 'darex-q-analytical', …]
 * const magnitude = runtime.resolve(DeltaMethods, { name: 'magnitude', scope: 'global' });
 * ```
 */
export function deltaPlugin(options: DeltaPluginOptions = {}): SparsePlugin {
  checkOptions(options);
  const selected = options.methods === undefined ? BUILT_IN_DELTA_METHODS : BUILT_IN_DELTA_METHODS.filter((method) => options.methods?.includes(method.name));
  return definePlugin('@sparse/delta', (registry) => {
    for (const method of selected) registry.provide(DeltaMethods, method.name, method.create, { options: method.options, summary: method.summary });
    if (options.experiment !== false) registry.provide(ExperimentKinds, 'delta', () => deltaExperimentKind, { summary: deltaExperimentKind.summary });
  });
}
