import { SparseError, type BinaryMaskSet, type NamedParameter } from '@sparse/core';
import { assignParameterValues, type ParameterValues } from './parameter-values.js';

/**
 * Options of {@link instability}.
 *
 * @example
 * ```ts
 * import type { InstabilityOptions } from '@sparse/lth';
 *
 * declare const base: InstabilityOptions;
 * const options: InstabilityOptions = { ...base, points: 30 };
 * ```
 */
export interface InstabilityOptions {
  /** The parameters of the network (every one is interpolated). */
  readonly parameters: readonly NamedParameter[];
  /** The state W_k both copies start from. */
  readonly start: ParameterValues;
  /** The subnetwork's masks (both copies share them; interpolated weights are masked). */
  readonly masks?: BinaryMaskSet;
  /**
   * Trains the network, which holds W_k, to the end with the SGD noise of copy `copy` (0 or 1:
   * use a different data-order seed for each) and returns the trained values.
   */
  trainCopy(copy: 0 | 1): Promise<ParameterValues>;
  /** The classification error in `[0, 1]` of the network as it is (on test or train data). */
  error(): number;
  /** Number of evenly spaced α in `[0, 1]`; default 30. */
  readonly points?: number;
}

/**
 * The result of {@link instability}.
 *
 * @example
 * ```ts
 * import type { InstabilityResult } from '@sparse/lth';
 *
 * declare const result: InstabilityResult;
 * console.log(result.instability < 0.02 ? 'stable' : 'unstable');
 * ```
 */
export interface InstabilityResult {
  /** The α grid from 0 to 1 (α is the weight of copy 0). */
  readonly alphas: readonly number[];
  /** The error of `α·W⁰ + (1−α)·W¹` at each α. */
  readonly errors: readonly number[];
  /** `max_α E(α) − (E(W⁰) + E(W¹)) / 2`, the error barrier; "stable" when below 0.02. */
  readonly instability: number;
}

/**
 * Instability of a network state under SGD noise (linear mode connectivity, Frankle et al. 2020,
 * Algorithm 1; spec A.2): train two copies of W_k with different data orders, evaluate the error
 * along the straight line between them at `points` evenly spaced α in `[0, 1]`, and return the
 * height of the error barrier above the mean of the endpoints. The parameters end holding the
 * last interpolation (α = 1, i.e. copy 0).
 *
 * @throws SparseError `E_ARGUMENT` when `points < 2`.
 *
 * @example
 * ```ts
 * import { instability, readParameterValues, trainRound, type LthModel } from '@sparse/lth';
 *
 * declare const model: LthModel;
 * declare function trainWithSeed(seed: number): Promise<void>;
 * declare function testError(): number;
 * const start = readParameterValues(model.parameters);
 * const { instability: barrier } = await instability({
 *   parameters: model.parameters,
 *   start,
 *   trainCopy: async (copy) => (await trainWithSeed(copy), readParameterValues(model.parameters)),
 *   error: testError,
 * });
 * ```
 */
export async function instability(options: InstabilityOptions): Promise<InstabilityResult> {
  const points = options.points ?? 30;
  if (!Number.isSafeInteger(points) || points < 2) {
    throw new SparseError('E_ARGUMENT', `instability: points must be an integer >= 2, got ${String(points)}.`, { field: 'points', received: points, allowed: 'integers >= 2' });
  }
  const { parameters, start } = options;
  const masks = options.masks ?? new Map();
  const trained: ParameterValues[] = [];
  for (const copy of [0, 1] as const) {
    assignParameterValues(parameters, start, masks);
    trained.push(await options.trainCopy(copy));
  }
  const [w0, w1] = trained as [ParameterValues, ParameterValues];
  const alphas = Array.from({ length: points }, (_, i) => i / (points - 1));
  const errors: number[] = [];
  for (const alpha of alphas) {
    const mixed = new Map<string, Float32Array>();
    for (const { name } of parameters) {
      const a = w0.get(name);
      const b = w1.get(name);
      if (a === undefined || b === undefined || a.length !== b.length) {
        throw new SparseError('E_ARGUMENT', `instability: a trained copy has no value of the right size for '${name}'.`, { field: name });
      }
      const out = new Float32Array(a.length);
      for (let i = 0; i < a.length; i += 1) out[i] = alpha * (a[i] as number) + (1 - alpha) * (b[i] as number);
      mixed.set(name, out);
    }
    assignParameterValues(parameters, mixed, masks);
    errors.push(options.error());
  }
  const endpoints = ((errors[0] as number) + (errors[errors.length - 1] as number)) / 2;
  return { alphas, errors, instability: Math.max(...errors) - endpoints };
}
