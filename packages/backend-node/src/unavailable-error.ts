import { SparseError } from '@sparse/core';
import type { TfjsNodeFailure } from './classify-load-error.js';
import { TENSORFLOW_BACKEND_NAME } from './tfjs-node-package.js';

const PREFIX = `The native backend '${TENSORFLOW_BACKEND_NAME}' is unavailable:`;
const FALLBACK = "or use backend 'wasm' (@sparse/backend-wasm)";

/**
 * Builds the `E_BACKEND_UNAVAILABLE` error for a failure to load `@tensorflow/tfjs-node`: one
 * sentence that says why, and how to fix it, different for each {@link TfjsNodeFailureKind}.
 *
 * @param failure - the classified failure.
 * @param cause - the original error, kept as `cause`.
 *
 * @example
 * ```ts
 * import { tfjsNodeUnavailableError } from '@sparse/backend-node';
 *
 * const error = tfjsNodeUnavailableError({ kind: 'not-installed', detail: "Cannot find package '@tensorflow/tfjs-node'" });
 * console.log(error.code, error.message);
 * ```
 */
export function tfjsNodeUnavailableError(failure: TfjsNodeFailure, cause?: unknown): SparseError {
  return new SparseError('E_BACKEND_UNAVAILABLE', messageFor(failure), { field: 'backend', received: TENSORFLOW_BACKEND_NAME }, cause === undefined ? undefined : { cause });
}

function messageFor({ kind, detail }: TfjsNodeFailure): string {
  switch (kind) {
    case 'not-installed':
      return `${PREFIX} @tensorflow/tfjs-node is not installed; add it with \`npm install @tensorflow/tfjs-node@4.22.0\` (its install script downloads libtensorflow, so it needs network access), ${FALLBACK}.`;
    case 'native-library':
      return `${PREFIX} @tensorflow/tfjs-node is installed but its native library did not load (${detail}); run \`npm rebuild @tensorflow/tfjs-node\` with network access to download libtensorflow (with pnpm, first allow its install script with \`pnpm approve-builds\`), ${FALLBACK}.`;
    case 'other':
      return `${PREFIX} @tensorflow/tfjs-node failed to load (${detail}); reinstall @tensorflow/tfjs-node 4.22.0 so that it matches @tensorflow/tfjs-core 4.22.0, ${FALLBACK}.`;
  }
}
