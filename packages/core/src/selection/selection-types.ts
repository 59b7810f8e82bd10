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

/**
 * Where a selection cuts: it takes every alive candidate whose key is below `key`, plus the first
 * `ties` equal to it in visiting order. A key is the order-preserving int32 image of a float32
 * score (`bits ^ ((bits >> 31) & 0x7fffffff)`, NaN as the key of `-Infinity`, `-0` as `+0`), so
 * keys compare like the scores. Found by {@link RadixSelect}; applied by {@link markCut} and
 * {@link countCut}.
 *
 * @example
 * ```ts
 * import type { Cut } from '@sparse/core';
 *
 * const cut: Cut = { key: 0x3f800000, ties: 2 }; // every score below 1, and the first two equal to 1
 * ```
 */
export interface Cut {
  /** The key of the last score taken (the `count`-th lowest). */
  readonly key: number;
  /** How many candidates with exactly that key are taken, first ones first. */
  readonly ties: number;
}
