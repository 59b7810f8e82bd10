import { createRuntime, type SparsePlugin, type SparseRuntime } from '@sparse/core';
import { loadPlugin, resolvePluginSpec } from '@sparse/experiments';
import type { CliIo } from '../io.js';
import { builtInPlugins } from './built-in-plugins.js';

/**
 * Loads the plugins a command line names with `--plugin SPEC`: each a package name or a path
 * relative to `cwd` whose default export is a plugin factory.
 *
 * @throws SparseError `E_PLUGIN` naming the spec that cannot be found, imported or called.
 *
 * @example
 * ```ts
 * import { loadCommandPlugins } from '@sparse/cli';
 *
 * const plugins = await loadCommandPlugins(['@my-org/power-magnitude', './plugins/inverse.js'], process.cwd());
 * ```
 */
export async function loadCommandPlugins(specs: readonly string[], cwd: string): Promise<SparsePlugin[]> {
  const plugins: SparsePlugin[] = [];
  for (const spec of specs) plugins.push(await loadPlugin(resolvePluginSpec(spec, cwd, '--plugin'), '--plugin'));
  return plugins;
}

/**
 * The `--plugin` values of an argument list, read leniently (for `--help`, whatever else is given).
 *
 * @example
 * ```ts
 * import { pluginFlagValues } from '@sparse/cli';
 *
 * console.log(pluginFlagValues(['--help', '--plugin', './p.js', '--plugin=q'])); // ['./p.js', 'q']
 * ```
 */
export function pluginFlagValues(argv: readonly string[]): string[] {
  const specs: string[] = [];
  argv.forEach((arg, index) => {
    if (arg === '--plugin' && argv[index + 1] !== undefined) specs.push(argv[index + 1] as string);
    else if (arg.startsWith('--plugin=')) specs.push(arg.slice('--plugin='.length));
  });
  return specs;
}

/**
 * The runtime a `sparse` command resolves names through: the built-in plugins (backends and the
 * four families) plus the command line's `--plugin`s.
 *
 * @param specs - the `--plugin` values.
 * @param io - where relative specs are resolved (`io.cwd`) and `SPARSE_BACKEND` is read (`io.env`).
 * @param options - the backend (omitted: `SPARSE_BACKEND`, else the highest-priority one) and where warnings go.
 *
 * @example
 * ```ts
 * import { commandRuntime, nodeIo } from '@sparse/cli';
 *
 * const runtime = await commandRuntime(['./plugins/inverse.js'], nodeIo(), { backend: 'cpu' });
 * ```
 */
export async function commandRuntime(
  specs: readonly string[],
  io: CliIo,
  options: { readonly backend?: string; readonly onWarning?: (message: string) => void } = {},
): Promise<SparseRuntime> {
  const plugins = [...builtInPlugins().map((builtIn) => builtIn.plugin), ...(await loadCommandPlugins(specs, io.cwd))];
  return createRuntime({
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    env: io.env,
    plugins,
    onWarning: options.onWarning ?? (() => {}),
  });
}
