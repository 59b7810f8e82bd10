import { echoValue, SparseError, assertSeed } from '@sparse/core';
import { DEFAULT_EXCLUDE } from './exclude.js';
import { resolveRescale, type RescaleRule, type ResolvedRescale } from './rescale.js';

/**
 * Which delta entries are dropped: `random` drops each entry independently with probability `p`
 * (DARE's Bernoulli mask, not an exact count); `magnitude` drops exactly `⌊p·n⌋` entries with the
 * smallest `|δ|` (ties broken by flat index, lower first; importance-based DPP).
 *
 * @example
 * ```ts
 * import type { DeltaPruneMethod } from '@sparse/delta';
 *
 * const method: DeltaPruneMethod = 'magnitude';
 * ```
 */
export type DeltaPruneMethod = 'random' | 'magnitude';

/**
 * Where magnitude pruning ranks `|δ|`: within each `tensor` (each drops `⌊p·n⌋` of its own), or
 * across all pruned tensors together (`global`: `⌊p·N⌋` of all; ties across tensors are broken by
 * tensor name, then index, so the result never depends on the order tensors are stored in).
 *
 * @example
 * ```ts
 * import type { DeltaPruneScope } from '@sparse/delta';
 *
 * const scope: DeltaPruneScope = 'global';
 * ```
 */
export type DeltaPruneScope = 'tensor' | 'global';

/**
 * Options of every delta-pruning entry point ({@link pruneDeltas}, {@link sparsifyDeltas},
 * {@link dareCheckpoint}, the methods of {@link deltaPlugin}).
 *
 * @example
 * ```ts
 * import type { DeltaPruneOptions } from '@sparse/delta';
 *
 * const dare: DeltaPruneOptions = { rate: 0.9, seed: 1 };                       // rescale 'dare'
 * const dropOnly: DeltaPruneOptions = { rate: 0.9, rescale: 'none', seed: 1 };
 * const darexQ: DeltaPruneOptions = { rate: 0.99, rescale: { q: 0.2 }, seed: 1 };
 * const magnitude: DeltaPruneOptions = { rate: 0.9, method: 'magnitude', scope: 'global' };
 * ```
 */
export interface DeltaPruneOptions {
  /** Drop rate `p` in `[0, 1]`: the probability (random) or fraction (magnitude) of entries dropped. */
  readonly rate: number;
  /** Default `random`. */
  readonly method?: DeltaPruneMethod;
  /** Default `'dare'` (`1/(1−p)`) for `random`, `'none'` for `magnitude`. See {@link RescaleRule}. */
  readonly rescale?: RescaleRule;
  /** Magnitude only; default `tensor`. */
  readonly scope?: DeltaPruneScope;
  /** Tensors kept as fine-tuned (their delta is never dropped). Default {@link DEFAULT_EXCLUDE}. */
  readonly exclude?: readonly RegExp[];
  /**
   * Seed of the random drops, an integer in `[0, 2^53)`; default `0`. Tensor `name` draws from
   * `Random(deriveSeed(seed, 'dare', name))`, so drops do not depend on the order of tensors.
   */
  readonly seed?: number;
}

/**
 * {@link DeltaPruneOptions} after validation, with every default filled in.
 *
 * @example
 * ```ts
 * import { resolveDeltaPruneOptions } from '@sparse/delta';
 *
 * const resolved = resolveDeltaPruneOptions({ rate: 0.9 });
 * console.log(resolved.method, resolved.rescale.kind, resolved.seed); // 'random' 'dare' 0
 * ```
 */
export interface ResolvedDeltaPruneOptions {
  readonly rate: number;
  readonly method: DeltaPruneMethod;
  readonly rescale: ResolvedRescale;
  readonly scope: DeltaPruneScope;
  readonly exclude: readonly RegExp[];
  readonly seed: number;
}

const METHODS: readonly DeltaPruneMethod[] = ['random', 'magnitude'];
const SCOPES: readonly DeltaPruneScope[] = ['tensor', 'global'];

function configError(field: string, received: unknown, allowed: readonly unknown[] | string, message: string): SparseError {
  return new SparseError('E_CONFIG', message, { field, received, allowed });
}

/**
 * Validates {@link DeltaPruneOptions} before any work starts and fills in the defaults. Every
 * problem is a `SparseError` `E_CONFIG` naming the option, the value and what is allowed.
 *
 * @example
 * ```ts
 * import { resolveDeltaPruneOptions } from '@sparse/delta';
 *
 * resolveDeltaPruneOptions({ rate: 0.99, rescale: { q: 0.2 } }); // fine
 * resolveDeltaPruneOptions({ rate: 0.99, rescale: { q: 0.001 } }); // throws: q must be in [0.01, 1]
 * ```
 */
export function resolveDeltaPruneOptions(options: DeltaPruneOptions): ResolvedDeltaPruneOptions {
  if (typeof options !== 'object' || options === null) {
    throw configError('options', options, 'an object with at least { rate }', 'Delta pruning options must be an object such as { rate: 0.9 }.');
  }
  const { rate } = options;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw configError('rate', rate, '[0, 1]', `rate (the drop rate p) must be a number in [0, 1]; got ${echoValue(rate)}.`);
  }
  const method = options.method ?? 'random';
  if (!METHODS.includes(method)) {
    throw configError('method', method, METHODS, `method must be one of ${METHODS.join(', ')}; got ${echoValue(method)}.`);
  }
  const scope = options.scope ?? 'tensor';
  if (!SCOPES.includes(scope)) {
    throw configError('scope', scope, SCOPES, `scope must be one of ${SCOPES.join(', ')}; got ${echoValue(scope)}.`);
  }
  if (scope === 'global' && method !== 'magnitude') {
    throw configError('scope', scope, ['tensor'], "scope 'global' only applies to method 'magnitude' (random drops are independent per entry); remove it or use method 'magnitude'.");
  }
  const exclude = options.exclude ?? DEFAULT_EXCLUDE;
  if (!Array.isArray(exclude) || !exclude.every((pattern) => pattern instanceof RegExp)) {
    throw configError('exclude', exclude, 'an array of RegExp', 'exclude must be an array of regular expressions (RegExp objects).');
  }
  const seed = options.seed ?? 0;
  try {
    assertSeed(seed, 'seed');
  } catch (error) {
    throw configError('seed', seed, '[0, 2^53) integers', error instanceof Error ? error.message : String(error));
  }
  const rescale = resolveRescale(options.rescale ?? (method === 'random' ? 'dare' : 'none'), rate);
  return Object.freeze({ rate, method, rescale, scope, exclude: Object.freeze([...exclude]), seed });
}

/**
 * A one-line description of resolved options, for logs and reports, e.g.
 * `random p=0.9 rescale=1/(1-p) = 10 seed=0`.
 *
 * @example
 * ```ts
 * import { describeDeltaPruning, resolveDeltaPruneOptions } from '@sparse/delta';
 *
 * console.log(describeDeltaPruning(resolveDeltaPruneOptions({ rate: 0.5, rescale: 'none' })));
 * ```
 */
export function describeDeltaPruning(options: ResolvedDeltaPruneOptions): string {
  const scope = options.method === 'magnitude' ? ` scope=${options.scope}` : '';
  const seed = options.method === 'random' ? ` seed=${options.seed}` : '';
  return `${options.method} p=${options.rate}${scope} rescale=${options.rescale.description}${seed}`;
}
