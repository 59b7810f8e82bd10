import { SparseError, createRuntime, echoValue, type SparsePlugin, type SparseRuntime } from '@sparse/core';
import type { ResolvedPluginSpec } from './plugin-spec.js';
import { shortReason, shortText } from './short-text.js';

function isPlugin(value: unknown): value is SparsePlugin {
  return typeof value === 'object' && value !== null && typeof (value as SparsePlugin).id === 'string' && (value as SparsePlugin).module !== undefined;
}

/**
 * Imports a resolved plugin spec and calls its factory with the spec's options.
 *
 * @param spec - from {@link resolvePluginSpec}.
 * @param field - named in errors.
 * @throws SparseError `E_PLUGIN` when the module cannot be imported, has no such export, the export
 * is not a function, the factory throws, or it returns something that is not a plugin.
 *
 * @example
 * ```ts
 * import { loadPlugin, resolvePluginSpec } from '@sparse/experiments';
 *
 * const plugin = await loadPlugin(resolvePluginSpec('./plugins/inverse.js', process.cwd(), '--plugin'), '--plugin');
 * console.log(plugin.id);
 * ```
 */
export async function loadPlugin(spec: ResolvedPluginSpec, field: string): Promise<SparsePlugin> {
  let module: Record<string, unknown>;
  try {
    module = (await import(spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new SparseError('E_PLUGIN', `${shortText(field)}: cannot import the plugin ${echoValue(spec.specifier)}: ${shortReason(error)}`, { field, received: spec.specifier }, { cause: error });
  }
  const factory = module[spec.exportName];
  if (typeof factory !== 'function') {
    const exported = Object.keys(module).filter((key) => typeof module[key] === 'function');
    throw new SparseError(
      'E_PLUGIN',
      `${shortText(field)}: the plugin module ${echoValue(spec.specifier)} has no ${spec.exportName === 'default' ? 'default export' : `export '${spec.exportName}'`} that is a plugin factory (a function returning a plugin); its exported functions: ${exported.length === 0 ? 'none' : exported.join(', ')}.`,
      { field, received: spec.specifier, allowed: ['export default function (options) { return definePlugin(...) }'] },
    );
  }
  let plugin: unknown;
  try {
    plugin = await (factory as (options: unknown) => unknown)(spec.options);
  } catch (error) {
    if (error instanceof SparseError) throw error;
    throw new SparseError('E_PLUGIN', `${shortText(field)}: the plugin factory of ${echoValue(spec.specifier)} threw: ${shortReason(error)}`, { field, received: spec.specifier }, { cause: error });
  }
  if (!isPlugin(plugin)) {
    throw new SparseError('E_PLUGIN', `${shortText(field)}: the default export of ${echoValue(spec.specifier)} returned ${echoValue(plugin)}, not a plugin ({ id, module }, as definePlugin makes).`, { field, received: spec.specifier });
  }
  return plugin;
}

/**
 * Builds a runtime from plugin specs, as a worker thread does to resolve the same names as the
 * main thread: each spec imported and called, then `createRuntime` with the given backend.
 *
 * @param specs - the main thread's `ExperimentContext.plugins`.
 * @param backend - the main thread's `runtime.backend`.
 *
 * @example
 * ```ts
 * import { createRuntimeFromSpecs, type ExperimentContext } from '@sparse/experiments';
 *
 * declare const context: ExperimentContext;
 * const runtime = await createRuntimeFromSpecs(context.plugins, context.runtime.backend);
 * ```
 */
export async function createRuntimeFromSpecs(specs: readonly ResolvedPluginSpec[], backend: string): Promise<SparseRuntime> {
  const plugins: SparsePlugin[] = [];
  for (const [index, spec] of specs.entries()) plugins.push(await loadPlugin(spec, `plugins[${index}]`));
  return createRuntime({ backend, plugins, onWarning: () => {} });
}
