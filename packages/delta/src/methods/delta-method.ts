import type { AnalyticalQLayer } from '../choose-q/analytical-q.js';
import type { DeltaPruneOptions } from '../options/delta-prune-options.js';

/**
 * Which entries of a delta are dropped and what the kept ones are multiplied by: the part of
 * {@link DeltaPruneOptions} a {@link DeltaMethod} decides. The drop rate, the seed and the excluded
 * tensors are the caller's (a config's `rates` and `dropSeeds`, or `sparse dare`'s flags).
 *
 * @example
 * ```ts
 * import type { DeltaPruneRule } from '@sparse/delta';
 *
 * const darexQ: DeltaPruneRule = { method: 'random', rescale: { q: 0.2 } };
 * ```
 */
export type DeltaPruneRule = Readonly<Pick<DeltaPruneOptions, 'method' | 'rescale' | 'scope'>>;

/**
 * What a {@link DeltaMethod} decided for one delta at one drop rate: the rule, and for methods that
 * choose `q`, the `q` as reports show it and how many objective evaluations the choice took.
 *
 * @example
 * ```ts
 * import type { DeltaPlan } from '@sparse/delta';
 *
 * const plan: DeltaPlan = { rule: { method: 'random', rescale: { q: 0.145 } }, q: '0.145', evaluations: 36 };
 * ```
 */
export interface DeltaPlan {
  /** How the delta is pruned. */
  readonly rule: DeltaPruneRule;
  /** The `q` of the rescale `1/q`, as shown in reports (a number, or one per layer). */
  readonly q?: string;
  /** Objective evaluations spent choosing the rule (0 for fixed rules). */
  readonly evaluations: number;
}

/**
 * What a method that chooses its rescale from data can ask of the caller. The caller prunes with
 * the options given plus its own excluded tensors and evaluates the result.
 *
 * @example
 * ```ts
 * import type { DeltaPlanData } from '@sparse/delta';
 *
 * const data: DeltaPlanData = {
 *   dropSeeds: [0, 1, 2, 3],
 *   validationAccuracy: async (options) => (options.rate < 0.9 ? 0.85 : 0.5),
 * };
 * ```
 */
export interface DeltaPlanData {
  /** The drop seeds results are averaged over (label-free objectives average over them too). */
  readonly dropSeeds: readonly number[];
  /** Accuracy on labelled validation data of `base + δ̃` pruned with `options` (higher is better). */
  validationAccuracy?(options: DeltaPruneOptions): Promise<number>;
  /** Mean absolute change of the last hidden layer on unlabelled calibration inputs (lower is better). */
  outputChange?(options: DeltaPruneOptions): Promise<number>;
  /** The dense layers with the mean of their inputs on the calibration inputs, for the analytical `q`. */
  readonly layers?: readonly AnalyticalQLayer[];
}

/**
 * What a method needs besides the two models: labelled validation data (`validation`), or
 * unlabelled calibration inputs (`calibration`).
 *
 * @example
 * ```ts
 * import type { DeltaMethodNeed } from '@sparse/delta';
 *
 * const need: DeltaMethodNeed = 'calibration';
 * ```
 */
export type DeltaMethodNeed = 'validation' | 'calibration';

/**
 * A delta-pruning method as a runtime resolves it by name from {@link DeltaMethods} (`dare`,
 * `drop-only`, `darex-q`, `magnitude`, … or a plugin's own): given a drop rate, it decides which
 * entries are dropped and what the kept ones are multiplied by. The pruning itself is done by the
 * package's kernels, in memory ({@link pruneDeltas}) or streaming a checkpoint
 * ({@link dareCheckpoint}), so one method serves experiments and `sparse dare` alike.
 *
 * @example
 * ```ts
 * import { pruneDeltas, type DeltaMethod } from '@sparse/delta';
 *
 * declare const method: DeltaMethod;
 * declare const base: Map<string, Float32Array>, tuned: Map<string, Float32Array>;
 * method.check(0.9);
 * const { rule } = await method.plan(0.9);
 * const { tensors } = await pruneDeltas(base, tuned, { ...rule, rate: 0.9, seed: 0 });
 * ```
 */
export interface DeltaMethod {
  /** The registered name. */
  readonly name: string;
  /** A short description for tables, with its rescale (`DARE (rescale 1/(1−p))`). */
  readonly label: string;
  /** Whether its drops are random (results are averaged over drop seeds) or deterministic. */
  readonly stochastic: boolean;
  /** What {@link DeltaMethod.plan} needs in its `data` (empty: nothing). */
  readonly needs: readonly DeltaMethodNeed[];
  /** Throws `SparseError` `E_CONFIG` (naming its option) when it cannot prune at drop rate `rate`. */
  check(rate: number): void;
  /** Decides the rule for drop rate `rate`; methods with {@link DeltaMethod.needs} read `data`. */
  plan(rate: number, data?: DeltaPlanData): Promise<DeltaPlan>;
}
