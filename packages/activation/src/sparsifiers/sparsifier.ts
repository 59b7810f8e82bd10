import type { ActivationRecorder } from '../calibration/activation-recorder.js';
import type { SiteInfo } from '../models/activation-model.js';
import type { ThresholdFile } from '../thresholds/threshold-file.js';

/**
 * One operating point of a sparsifier: a target sparsity in `[0, 1]` (the fraction of activations
 * zeroed, for the thresholds calibrated on the calibration data), or `k` entries kept per token
 * (top-k).
 *
 * @example
 * ```ts
 * import type { SparsityLevel } from '@sparse/activation';
 *
 * const half: SparsityLevel = { target: 0.5 };
 * const k64: SparsityLevel = { k: 64 };
 * ```
 */
export type SparsityLevel = { readonly target: number } | { readonly k: number };

/**
 * What {@link Sparsifier.thresholds} needs: the model's sites, the level, and (for sparsifiers
 * that calibrate) a recorder that has seen the calibration data.
 *
 * @example
 * ```ts
 * import { ActivationRecorder, createGatedMlp, type SparsifierInput } from '@sparse/activation';
 *
 * const model = createGatedMlp({ dModel: 16, hidden: 32, blocks: 2, seed: 0 });
 * const input: SparsifierInput = { sites: model.sites, level: { target: 0.5 }, recorder: new ActivationRecorder(), samples: 500 };
 * ```
 */
export interface SparsifierInput {
  /** Every activation site of the model (the sparsifier picks the ones it applies to). */
  readonly sites: readonly SiteInfo[];
  /** The operating point. */
  readonly level: SparsityLevel;
  /** The recorder after a calibration pass over the model; required when {@link Sparsifier.calibration} is set. */
  readonly recorder?: ActivationRecorder;
  /** Calibration examples, written into the threshold file. */
  readonly samples?: number;
}

/**
 * A named way of making activations sparse (CATS, CHESS, CHESS+, top-k): from a model's sites and
 * a level it makes the per-site sparsifiers as a {@link ThresholdFile}, which {@link thresholdHook}
 * applies. Registered in the {@link Sparsifiers} name table, so an experiment config names it as
 * `"cats"` or `{ "name": "cats", "quantile": "histogram" }`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { ActivationRecorder, Sparsifiers, activationPlugin, createGatedMlp, thresholdHook } from '@sparse/activation';
 * import { createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [activationPlugin()] });
 * const cats = runtime.create(Sparsifiers, 'cats', { quantile: 'exact' });
 * const model = createGatedMlp({ dModel: 16, hidden: 32, blocks: 2, seed: 0 });
 * const recorder = new ActivationRecorder({ histogram: cats.calibration?.histogram ?? false });
 * tf.tidy(() => model.forward(tf.randomUniform([64, 784]), recorder));
 * const hook = thresholdHook(cats.thresholds({ sites: model.sites, level: { target: 0.5 }, recorder, samples: 64 }));
 * ```
 */
export interface Sparsifier {
  /** The name it is registered under (`cats`). */
  readonly name: string;
  /** A short display name that tells its options apart (`CATS histogram`, `CHESS (MLP)`). */
  readonly label: string;
  /** One sentence on what it does with these options, for reports. */
  readonly description: string;
  /** What its calibration pass must record, or `undefined` when it needs none (top-k). */
  readonly calibration: { readonly histogram: boolean } | undefined;
  /** The levels it runs at: its own (`targets`, `k` options) or, without them, the given targets. */
  levels(targets: readonly number[]): readonly SparsityLevel[];
  /**
   * The sites it sparsifies among a model's sites.
   *
   * @throws SparseError `E_CONFIG` (field `sites`, `k`…) when the model lacks what it needs.
   */
  selectSites(sites: readonly SiteInfo[]): readonly SiteInfo[];
  /** The per-site sparsifiers at one level. */
  thresholds(input: SparsifierInput): ThresholdFile;
}
