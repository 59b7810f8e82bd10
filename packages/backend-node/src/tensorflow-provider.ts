import * as tf from '@tensorflow/tfjs-core';
import { SparseError, type BackendProvider } from '@sparse/core';
import { classifyTfjsNodeError } from './classify-load-error.js';
import type { ModuleImporter, NodeBackendOptions } from './node-backend-options.js';
import { TENSORFLOW_BACKEND_NAME, TFJS_NODE_PACKAGE } from './tfjs-node-package.js';
import { tfjsNodeUnavailableError } from './unavailable-error.js';
import { installUtilShim } from './util-shim.js';

/** Higher than wasm (2) and cpu (1): `auto` tries the native backend first. */
const TENSORFLOW_PRIORITY = 3;

const defaultImporter: ModuleImporter = (specifier) => import(specifier) as Promise<unknown>;

/**
 * The {@link BackendProvider} for the native `tensorflow` backend. `activate()` installs the
 * `node:util` shim, imports `@tensorflow/tfjs-node` dynamically (a static import would switch
 * the global backend as a side effect) and makes `tensorflow` the active backend. When it
 * cannot, it throws a `SparseError` (`E_BACKEND_UNAVAILABLE`) whose one sentence tells a
 * missing package from a native library that did not load, with the fix for each.
 *
 * @param options - see {@link NodeBackendOptions}.
 *
 * @example
 * ```ts
 * import { tensorflowBackendProvider } from '@sparse/backend-node';
 *
 * const provider = tensorflowBackendProvider();
 * await provider.activate().catch((error: Error) => console.warn(error.message));
 * ```
 */
export function tensorflowBackendProvider(options: NodeBackendOptions = {}): BackendProvider {
  const importModule = options.importModule ?? defaultImporter;
  if (typeof importModule !== 'function') {
    throw new SparseError('E_CONFIG', `nodeBackend(): importModule must be a function (specifier) => Promise<module>, got ${typeof importModule}.`, {
      field: 'importModule',
      received: typeof importModule,
      allowed: 'a function',
    });
  }
  return Object.freeze({
    name: TENSORFLOW_BACKEND_NAME,
    priority: TENSORFLOW_PRIORITY,
    activate: () => activateTensorflow(importModule),
  });
}

async function activateTensorflow(importModule: ModuleImporter): Promise<void> {
  installUtilShim();
  try {
    await importModule(TFJS_NODE_PACKAGE);
  } catch (error) {
    throw tfjsNodeUnavailableError(classifyTfjsNodeError(error), error);
  }
  if (!tf.engine().registryFactory[TENSORFLOW_BACKEND_NAME]) {
    throw tfjsNodeUnavailableError({
      kind: 'other',
      detail: `it loaded but did not register the '${TENSORFLOW_BACKEND_NAME}' backend with this copy of @tensorflow/tfjs-core`,
    });
  }
  let initialised: boolean;
  try {
    initialised = await tf.setBackend(TENSORFLOW_BACKEND_NAME);
  } catch (error) {
    throw tfjsNodeUnavailableError(classifyTfjsNodeError(error), error);
  }
  if (!initialised) {
    throw tfjsNodeUnavailableError({ kind: 'other', detail: `the '${TENSORFLOW_BACKEND_NAME}' backend is registered but failed to initialise` });
  }
}
