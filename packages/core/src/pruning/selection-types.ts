/**
 * One tensor's part of a selection pool: a score per element and which elements are still alive
 * (`1`) and therefore candidates. Pruned elements (`0`) are never selected.
 *
 * @example
 * ```ts
 * import type { SelectionSegment } from '@sparse/core';
 *
 * const segment: SelectionSegment = {
 *   scores: Float32Array.of(0.3, 0.1, 0.2),
 *   alive: Uint8Array.of(1, 1, 0),
 * };
 * ```
 */
export interface SelectionSegment {
  /** One score per element; higher is kept. NaN counts as `-Infinity`. */
  readonly scores: Float32Array;
  /** `1` where the element is alive (a candidate), `0` where it is already pruned. */
  readonly alive: Uint8Array;
}

/**
 * Options of {@link pruneLowest} and {@link pruneLowestAcross}.
 *
 * @example
 * ```ts
 * import type { SelectionOptions } from '@sparse/core';
 *
 * const options: SelectionOptions = { onWarning: console.warn, label: 'dense_1/kernel' };
 * ```
 */
export interface SelectionOptions {
  /** Receives a message when NaN scores were found among the candidates (they are pruned first). */
  readonly onWarning?: (message: string) => void;
  /** Names the pool in warnings, e.g. the tensor name. */
  readonly label?: string;
}

/** Where a selection cuts: prune every candidate whose key is below `key`, plus the first `ties` equal to it. */
export interface Cut {
  readonly key: number;
  readonly ties: number;
}
