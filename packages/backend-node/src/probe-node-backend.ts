import * as tf from '@tensorflow/tfjs-core';
import type { NodeBackendOptions } from './node-backend-options.js';
import { tensorflowBackendProvider } from './tensorflow-provider.js';

/**
 * Whether a backend can be used here, and why not when it cannot.
 *
 * @example
 * ```ts
 * import type { BackendAvailability } from '@sparse/backend-node';
 *
 * const availability: BackendAvailability = { available: false, reason: '@tensorflow/tfjs-node is not installed' };
 * ```
 */
export interface BackendAvailability {
  /** Whether the backend initialised. */
  readonly available: boolean;
  /** The one-sentence reason it did not, when it did not. */
  readonly reason?: string;
}

/**
 * Tries to load the native `tensorflow` backend and reports whether it can be used, without
 * throwing. The backend that was active before (if any) is active again afterwards, whether
 * the probe succeeded or not, so tests and conformance suites can call it while collecting.
 *
 * @param options - see {@link NodeBackendOptions}.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { probeNodeBackend } from '@sparse/backend-node';
 *
 * const probe = await probeNodeBackend();
 * describe.skipIf(!probe.available)(`tensorflow backend${probe.available ? '' : ` (skipped: ${probe.reason})`}`, () => {
 *   it('runs', () => {});
 * });
 * ```
 */
export async function probeNodeBackend(options: NodeBackendOptions = {}): Promise<BackendAvailability> {
  const previous = activeBackendName();
  try {
    await tensorflowBackendProvider(options).activate();
    return { available: true };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (previous !== null && activeBackendName() !== previous) await tf.setBackend(previous);
  }
}

/** The active backend's name without initialising one (`tf.getBackend()` would). */
function activeBackendName(): string | null {
  const name = tf.engine().backendName as string | null | undefined;
  return typeof name === 'string' ? name : null;
}
