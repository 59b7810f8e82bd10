/**
 * Whether a backend can run here and, when it cannot, the one-sentence reason. It has the shape
 * `probeNodeBackend()` from `@sparse/backend-node` returns, so a probe result can be passed as is.
 *
 * @example
 * ```ts
 * import type { BackendAvailability } from '@sparse/testing';
 *
 * const availability: BackendAvailability = { available: false, reason: 'tfjs-node is not installed.' };
 * ```
 */
export interface BackendAvailability {
  readonly available: boolean;
  readonly reason?: string;
}
