import { createRuntime, type SparsePlugin, type SparseRuntime } from '@sparse/core';
import { loadPlugin, resolvePluginSpec } from '@sparse/experiments';
import type { CliIo } from '../io.js';
import { builtInPlugins } from '../plugins/built-in-plugins.js';
import type { PruneOptions } from './prune-options.js';

/**
 * Loads the plugins of a command's repeatable `--plugin SPEC`: each a package name (resolved as
 * Node would import it from `cwd`) or a path relative to `cwd`, whose default export is a plugin
 * factory, called with no options.
 *
 * @param specs - the `--plugin` values, in order.
 * @param cwd - the folder they are resolved from (the command's working directory).
 * @throws SparseError `E_PLUGIN` naming `--plugin` when one cannot be found, imported or called.
 *
 * @example
 * ```ts
 * import { loadCommandPlugins } from '@sparse/cli';
 *
 * const plugins = await loadCommandPlugins(['@my-org/power-magnitude', './plugins/inverse.js'], process.cwd());
 * console.log(plugins.map((plugin) => plugin.id));
 * ```
 */
export async function loadCommandPlugins(specs: readonly string[], cwd: string): Promise<SparsePlugin[]> {
  const plugins: SparsePlugin[] = [];
  for (const spec of specs) plugins.push(await loadPlugin(resolvePluginSpec(spec, cwd, '--plugin'), '--plugin'));
  return plugins;
}

/** `--backend`, else `SPARSE_BACKEND` (read by createRuntime from `io.env`), else `wasm`, the command line's default. */
function backendRequest(options: Pick<PruneOptions, 'backend'>, io: CliIo): { backend?: string } {
  if (options.backend !== undefined) return { backend: options.backend };
  const fromEnv = io.env['SPARSE_BACKEND'];
  return fromEnv !== undefined && fromEnv !== '' ? {} : { backend: 'wasm' };
}

/**
 * The runtime `sparse prune` builds its scorer with: the command line's built-in plugins (the
 * backends and families of `builtInPlugins()`, beside core's own scorers) plus every `--plugin`,
 * on the backend `--backend` names, else `SPARSE_BACKEND`, else `wasm`.
 *
 * @param options - the parsed `--plugin` specs and `--backend`; `backend` may also be forced (help listings use `cpu`).
 * @param io - its working directory resolves the plugins, its environment gives `SPARSE_BACKEND`.
 * @param onWarning - receives the runtime's warnings (skipped backends, duplicate plugins).
 *
 * @example
 * ```ts
 * import { Scorers } from '@sparse/core';
 * import { createPruneRuntime, nodeIo } from '@sparse/cli';
 *
 * const runtime = await createPruneRuntime({ plugins: ['@my-org/power-magnitude'], backend: 'cpu' }, nodeIo(), console.warn);
 * console.log(runtime.names(Scorers));
 * ```
 */
export async function createPruneRuntime(
  options: Pick<PruneOptions, 'plugins' | 'backend'>,
  io: CliIo,
  onWarning: (message: string) => void,
): Promise<SparseRuntime> {
  const plugins = [...builtInPlugins().map((builtIn) => builtIn.plugin), ...(await loadCommandPlugins(options.plugins, io.cwd))];
  return createRuntime({ ...backendRequest(options, io), env: io.env, plugins, onWarning });
}
