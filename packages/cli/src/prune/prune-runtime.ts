import type { SparseRuntime } from '@sparse/core';
import type { CliIo } from '../io.js';
import { commandRuntime } from '../plugins/command-runtime.js';
import type { PruneOptions } from './prune-options.js';


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
  return commandRuntime(options.plugins, io, { ...backendRequest(options, io), onWarning });
}
