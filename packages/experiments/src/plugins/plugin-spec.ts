import { existsSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import { z } from 'zod';
import { SparseError, echoValue } from '@sparse/core';
import { shortReason, shortText } from './short-text.js';

/**
 * How a config or a command names a plugin: a module specifier (a package name such as
 * `@my-org/power-magnitude`, or a path such as `./plugins/inverse.js`, relative to the config's
 * folder) whose default export is a plugin factory, optionally with the options to call it with.
 *
 * @example
 * ```ts
 * import type { PluginSpec } from '@sparse/experiments';
 *
 * const specs: PluginSpec[] = ['@my-org/power-magnitude', { module: './plugins/inverse.js', options: { power: 2 } }];
 * ```
 */
export type PluginSpec = string | { readonly module: string; readonly options?: Readonly<Record<string, unknown>> };

/**
 * The zod schema of a config's `"plugins"` list.
 *
 * @example
 * ```ts
 * import { pluginSpecsSchema } from '@sparse/experiments';
 *
 * console.log(pluginSpecsSchema.safeParse(['./my-plugin.js']).success); // true
 * ```
 */
export const pluginSpecsSchema = z
  .array(
    z.union([
      z.string().min(1).max(4096),
      z.strictObject({ module: z.string().min(1).max(4096), options: z.record(z.string(), z.unknown()).optional() }),
    ]),
  )
  .max(64)
  .meta({ description: "Plugins to load: module specifiers (relative paths from the config's folder) whose default export is a plugin factory." });

/**
 * A plugin spec resolved to something a worker thread can import: an absolute `file:` URL (or,
 * when it could not be resolved from here, the bare specifier), the export to call and its options.
 *
 * @example
 * ```ts
 * import type { ResolvedPluginSpec } from '@sparse/experiments';
 *
 * const spec: ResolvedPluginSpec = { specifier: './p.js', module: 'file:///work/p.js', exportName: 'default', options: {} };
 * ```
 */
export interface ResolvedPluginSpec {
  /** As written. */
  readonly specifier: string;
  /** What `import()` loads. */
  readonly module: string;
  /** The export holding the plugin factory (`default` for specs from configs and commands). */
  readonly exportName: string;
  /** The factory's options. */
  readonly options: Readonly<Record<string, unknown>>;
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:');
}

/**
 * Resolves a plugin spec against a folder (the config's, or the working directory for a command's
 * `--plugin`): paths relative to it, package names as Node would import them from it.
 *
 * @param spec - as written.
 * @param fromDir - the folder it is relative to.
 * @param field - named in errors (`plugins[0]`, `--plugin`).
 * @throws SparseError `E_PLUGIN` when the file or package cannot be found.
 *
 * @example
 * ```ts
 * import { resolvePluginSpec } from '@sparse/experiments';
 *
 * const resolved = resolvePluginSpec('./plugins/inverse.js', '/work/experiments', 'plugins[0]');
 * console.log(resolved.module); // file:///work/experiments/plugins/inverse.js
 * ```
 */
export function resolvePluginSpec(spec: PluginSpec, fromDir: string, field: string): ResolvedPluginSpec {
  const specifier = typeof spec === 'string' ? spec : spec.module;
  const options = typeof spec === 'string' ? {} : (spec.options ?? {});
  if (isPath(specifier)) {
    const path = specifier.startsWith('file:') ? new URL(specifier).pathname : resolvePath(fromDir, specifier);
    if (!existsSync(path)) {
      throw new SparseError('E_PLUGIN', `${shortText(field)}: the plugin file ${echoValue(specifier)} does not exist (looked at ${shortText(path)}).`, { field, received: specifier });
    }
    return { specifier, module: pathToFileURL(path).href, exportName: 'default', options };
  }
  try {
    return { specifier, module: resolveModule(specifier, pathToFileURL(`${resolvePath(fromDir)}/`).href), exportName: 'default', options };
  } catch (error) {
    throw new SparseError(
      'E_PLUGIN',
      `${shortText(field)}: cannot find the plugin package ${echoValue(specifier)} from ${fromDir} (${shortReason(error)}); install it there (pnpm add ${shortText(specifier)}) or give a path.`,
      { field, received: specifier },
      { cause: error },
    );
  }
}

/**
 * The spec of a plugin a command imports itself (a dependency of the command's package): its
 * package name resolved from the command's module, so worker threads import the same file. When
 * it cannot be resolved from there (tests running TypeScript sources), the bare name is kept.
 *
 * @param specifier - the package name, whose default export is the plugin factory.
 * @param parentUrl - `import.meta.url` of the module that imports it.
 *
 * @example
 * ```ts
 * import { builtInSpec } from '@sparse/experiments';
 *
 * const spec = builtInSpec('@sparse/backend-wasm', import.meta.url);
 * console.log(spec.exportName); // default
 * ```
 */
export function builtInSpec(specifier: string, parentUrl: string): ResolvedPluginSpec {
  let module = specifier;
  try {
    module = resolveModule(specifier, parentUrl);
  } catch {
    // kept bare: the worker's own resolution (or its preloaded hooks) finds it
  }
  return { specifier, module, exportName: 'default', options: {} };
}
