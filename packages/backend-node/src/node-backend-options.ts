/**
 * Imports a module by specifier, as `import(specifier)` does. Injected in tests to simulate a
 * missing package or a native library that fails to load.
 *
 * @example
 * ```ts
 * import type { ModuleImporter } from '@sparse/backend-node';
 *
 * const notInstalled: ModuleImporter = (specifier) =>
 *   Promise.reject(Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' }));
 * ```
 */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/**
 * Options of {@link nodeBackend} and {@link probeNodeBackend}.
 *
 * @example
 * ```ts
 * import { nodeBackend, type NodeBackendOptions } from '@sparse/backend-node';
 *
 * const options: NodeBackendOptions = { importModule: (specifier) => import(specifier) };
 * const plugin = nodeBackend(options);
 * ```
 */
export interface NodeBackendOptions {
  /** Loads `@tensorflow/tfjs-node`; defaults to a dynamic `import()`. */
  readonly importModule?: ModuleImporter;
}
