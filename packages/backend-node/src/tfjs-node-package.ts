/**
 * The npm package that provides the native backend, and the TensorFlow.js backend name it
 * registers.
 *
 * @example
 * ```ts
 * import { TFJS_NODE_PACKAGE, TENSORFLOW_BACKEND_NAME } from '@sparse/backend-node';
 *
 * console.log(`${TFJS_NODE_PACKAGE} registers the '${TENSORFLOW_BACKEND_NAME}' backend`);
 * ```
 */
export const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

/**
 * The name `@tensorflow/tfjs-node` registers its backend under, and the name a runtime asks
 * for with `backend: 'tensorflow'`.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { nodeBackend, TENSORFLOW_BACKEND_NAME } from '@sparse/backend-node';
 *
 * const runtime = await createRuntime({ backend: TENSORFLOW_BACKEND_NAME, plugins: [nodeBackend()] });
 * ```
 */
export const TENSORFLOW_BACKEND_NAME = 'tensorflow';
