import * as tf from '@tensorflow/tfjs-core';
import { SparseError, isSparseError } from '../errors.js';
import type { BackendProvider } from '../contracts/backend-provider.js';

/**
 * The outcome of trying one backend while selecting.
 *
 * @example
 * ```ts
 * import type { BackendAttempt } from '@sparse/core';
 *
 * const attempt: BackendAttempt = { name: 'tensorflow', ok: false, reason: 'tfjs-node is not installed.' };
 * ```
 */
export interface BackendAttempt {
  /** The backend tried. */
  readonly name: string;
  /** Whether it became the active backend. */
  readonly ok: boolean;
  /** Why it could not, when it could not. */
  readonly reason?: string;
}

/**
 * Where the backend request came from: the `backend` option, the `SPARSE_BACKEND` environment
 * variable, or nowhere (`auto`).
 *
 * @example
 * ```ts
 * import type { BackendRequestSource } from '@sparse/core';
 *
 * const source: BackendRequestSource = 'environment';
 * ```
 */
export type BackendRequestSource = 'option' | 'environment' | 'auto';

/**
 * The backend selected and how it was chosen.
 *
 * @example
 * ```ts
 * import type { BackendSelection } from '@sparse/core';
 *
 * const selection: BackendSelection = { name: 'wasm', source: 'auto', attempts: [{ name: 'wasm', ok: true }] };
 * ```
 */
export interface BackendSelection {
  /** The active backend. */
  readonly name: string;
  /** Where the request came from. */
  readonly source: BackendRequestSource;
  /** Every backend tried, in order. */
  readonly attempts: readonly BackendAttempt[];
}

/**
 * Activates a backend: the requested one if a name is given (failing with its reason when it
 * cannot load), else the highest-priority provider that initialises.
 *
 * @param providers - the candidates; names must be unique.
 * @param requested - a backend name, or `auto`.
 * @param source - where `requested` came from, for error messages.
 *
 * @example
 * ```ts
 * import { selectBackend, cpuBackendProvider } from '@sparse/core';
 *
 * const selection = await selectBackend([cpuBackendProvider], 'auto', 'auto');
 * console.log(selection.name); // 'cpu'
 * ```
 */
export async function selectBackend(
  providers: readonly BackendProvider[],
  requested: string,
  source: BackendRequestSource,
): Promise<BackendSelection> {
  const where = source === 'environment' ? 'SPARSE_BACKEND' : 'backend';
  if (requested !== 'auto') {
    const provider = providers.find((candidate) => candidate.name === requested);
    if (provider === undefined) {
      const allowed = ['auto', ...providers.map((candidate) => candidate.name)];
      throw new SparseError(
        'E_NOT_FOUND',
        `Unknown backend '${requested.length > 80 ? `${requested.slice(0, 80)}… (${requested.length} characters)` : requested}' (from ${where}); available: ${allowed.join(', ')}. Add the plugin that provides it (e.g. wasmBackend() from @sparse/backend-wasm).`,
        { field: where, received: requested, allowed },
      );
    }
    await activate(provider);
    return { name: provider.name, source, attempts: [{ name: provider.name, ok: true }] };
  }
  const attempts: BackendAttempt[] = [];
  const ordered = [...providers].sort((a, b) => b.priority - a.priority);
  for (const provider of ordered) {
    try {
      await activate(provider);
      attempts.push({ name: provider.name, ok: true });
      return { name: provider.name, source, attempts };
    } catch (error) {
      attempts.push({ name: provider.name, ok: false, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new SparseError(
    'E_BACKEND_UNAVAILABLE',
    `No backend could initialise: ${attempts.map((a) => `${a.name}: ${a.reason ?? 'failed'}`).join(' ')}`,
    { field: 'backend', received: 'auto', allowed: providers.map((p) => p.name) },
  );
}

async function activate(provider: BackendProvider): Promise<void> {
  try {
    await provider.activate();
  } catch (error) {
    if (isSparseError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SparseError('E_BACKEND_UNAVAILABLE', `The '${provider.name}' backend could not initialise: ${reason}`, {
      field: 'backend',
      received: provider.name,
    }, { cause: error });
  }
  await tf.ready();
  const active = tf.getBackend();
  if (active !== provider.name) {
    throw new SparseError(
      'E_INTERNAL',
      `The '${provider.name}' backend provider finished, but the active TensorFlow.js backend is '${active}'.`,
    );
  }
}
