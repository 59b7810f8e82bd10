import type { SelectionMode } from '@sparse/core';

/**
 * The weight pattern a prune produces.
 *
 * - `unstructured`: any weights.
 * - `n:m`: in every group of `m` consecutive weights along the input dimension, `n` are kept.
 *
 * @example
 * ```ts
 * import type { PrunePattern } from '@sparse/cli';
 *
 * const twoFour: PrunePattern = { kind: 'n:m', n: 2, m: 4 };
 * ```
 */
export type PrunePattern = { readonly kind: 'unstructured' } | { readonly kind: 'n:m'; readonly n: number; readonly m: number };

/**
 * Validated options of `sparse prune`, with absolute paths.
 *
 * @example
 * ```ts
 * import { parsePruneArgs, type PruneOptions } from '@sparse/cli';
 *
 * const options: PruneOptions = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], process.cwd());
 * ```
 */
export interface PruneOptions {
  readonly input: string;
  readonly output: string;
  /** Where to write the masks (U8, 1 = kept), if asked. */
  readonly masks?: string;
  /** Fraction of each pruned tensor (layerwise) or of all pruned weights (global) to zero. */
  readonly sparsity: number;
  /** How the sparsity is shared: per tensor, or one ranking over all pruned tensors. */
  readonly scope: 'layerwise' | 'global';
  /** The scorer's name: any scorer registered by core or a loaded plugin (`magnitude` by default). */
  readonly scorer: string;
  /** The `--scorer-option KEY=VALUE` pairs, values parsed as JSON when they parse; checked against the scorer's schema once it is resolved. */
  readonly scorerOptions: Readonly<Record<string, unknown>>;
  /** The `--plugin` specs as given (package names or paths relative to the working directory). */
  readonly plugins: readonly string[];
  readonly pattern: PrunePattern;
  /** The core selection mode: how the sparsity becomes a count or threshold (default `pytorch`). */
  readonly mode: SelectionMode;
  /** Tensors whose name matches any of these are candidates (all when empty). */
  readonly include: readonly RegExp[];
  /** Tensors whose name matches any of these stay dense. */
  readonly exclude: readonly RegExp[];
  /** The run seed: `--seed`, else a `--scorer-option seed=N`, else 0. Scorers receive it as their input's seed. */
  readonly seed: number;
  /** `--backend`, when given. */
  readonly backend?: string;
}
