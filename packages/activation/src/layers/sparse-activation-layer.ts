import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { echoValue, SparseError } from '@sparse/core';
import type { ActivationHook } from '../hooks/activation-hook.js';
import { assertThreshold, catsSparsify } from '../sparsify/cats.js';
import { channelSparsify } from '../sparsify/channel-threshold.js';
import { assertTopK, topKSparsify, type TopKBy } from '../sparsify/top-k.js';
import type { SiteThresholds } from '../thresholds/threshold-file.js';

/**
 * What a {@link SparseActivation} layer does: `dense` (identity), `calibrate` (identity, and
 * records statistics into its recorder), `sparse` (applies its rule).
 *
 * @example
 * ```ts
 * import type { SparseActivationMode } from '@sparse/activation';
 *
 * const mode: SparseActivationMode = 'calibrate';
 * ```
 */
export type SparseActivationMode = 'dense' | 'calibrate' | 'sparse';

/**
 * The sparsifying rule of a {@link SparseActivation} layer: one `threshold` (CATS, CHESS+
 * attention inputs), one threshold per `channel` (CHESS), or `topk` per token.
 *
 * @example
 * ```ts
 * import type { SparseActivationRule } from '@sparse/activation';
 *
 * const rule: SparseActivationRule = 'channel';
 * ```
 */
export type SparseActivationRule = 'threshold' | 'channel' | 'topk';

/**
 * Options of {@link SparseActivation}.
 *
 * @example
 * ```ts
 * import type { SparseActivationArgs } from '@sparse/activation';
 *
 * const args: SparseActivationArgs = { site: 'block0/gate', rule: 'threshold', mode: 'calibrate' };
 * ```
 */
export interface SparseActivationArgs {
  /** The site name used in threshold files and by recorders. Default: the layer's name. */
  readonly site?: string;
  /** The rule. Default `threshold`. */
  readonly rule?: SparseActivationRule;
  /** The mode. Default `dense`. */
  readonly mode?: SparseActivationMode;
  /** For `topk`: entries kept per token. */
  readonly k?: number;
  /** For `topk`: rank by value (default) or magnitude. */
  readonly by?: TopKBy;
  /** The layer's name (tfjs-layers). */
  readonly name?: string;
  /** Whether the layer's weights are trainable (tfjs-layers); thresholds never are. */
  readonly trainable?: boolean;
}

/**
 * Activation sparsity as a tfjs-layers layer, for `LayersModel`s. With one input `a` it returns
 * the sparsified `a`; with two inputs `[gate, up]` it returns `sparsify(gate) ⊙ up` (the gated
 * product of a SwiGLU block, which CHESS calibration needs to see both halves of).
 *
 * Thresholds are non-trainable weights (a scalar for `threshold`, one per channel for `channel`),
 * so they are saved with the model; `k` and `by` are in the config. In `calibrate` mode the layer
 * is the identity (the dense gated product with two inputs) and passes what it sees to its
 * `recorder` (an {@link ActivationRecorder}) under its `site` name — only in eager calls such as
 * `predict`. Gradients are those of the masked function, so `fit` fine-tunes with the thresholds
 * in place. Registered for serialization as `SparseActivation`.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { SparseActivation, ActivationRecorder, computeThresholds, applyThresholdsToLayers } from '@sparse/activation';
 *
 * const input = tfl.input({ shape: [16] });
 * const gate = tfl.layers.dense({ units: 64, activation: 'swish', useBias: false }).apply(input) as tfl.SymbolicTensor;
 * const up = tfl.layers.dense({ units: 64, useBias: false }).apply(input) as tfl.SymbolicTensor;
 * const sparse = new SparseActivation({ site: 'block0/gate', mode: 'calibrate' });
 * const product = sparse.apply([gate, up]) as tfl.SymbolicTensor;
 * const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 16 }).apply(product) as tfl.SymbolicTensor });
 *
 * sparse.recorder = new ActivationRecorder();
 * // model.predict(calibrationBatch) …, then:
 * applyThresholdsToLayers(model, computeThresholds(sparse.recorder, { method: 'chess', target: 0.5 }));
 * ```
 */
export class SparseActivation extends tfl.layers.Layer {
  /** The name tfjs-layers serializes this class under. */
  static className = 'SparseActivation';
  /** The site name. */
  readonly site: string;
  /** The rule. */
  readonly rule: SparseActivationRule;
  /** The current mode. */
  mode: SparseActivationMode;
  /** Where `calibrate` mode records (set it before predicting). */
  recorder: ActivationHook | undefined;
  /** For `topk`. */
  k: number | undefined;
  /** For `topk`. */
  readonly by: TopKBy;
  private thresholdWeight: tfl.LayerVariable | undefined;

  /** @throws SparseError `E_CONFIG` for a bad rule, mode or `k`. */
  constructor(args: SparseActivationArgs = {}) {
    super({ ...(args.name === undefined ? {} : { name: args.name }), ...(args.trainable === undefined ? {} : { trainable: args.trainable }) });
    const rule = args.rule ?? 'threshold';
    const mode = args.mode ?? 'dense';
    if (!['threshold', 'channel', 'topk'].includes(rule)) {
      throw new SparseError('E_CONFIG', `rule must be 'threshold', 'channel' or 'topk', got ${echoValue(rule)}.`, { field: 'rule', received: rule, allowed: ['threshold', 'channel', 'topk'] });
    }
    if (!['dense', 'calibrate', 'sparse'].includes(mode)) {
      throw new SparseError('E_CONFIG', `mode must be 'dense', 'calibrate' or 'sparse', got ${echoValue(mode)}.`, { field: 'mode', received: mode, allowed: ['dense', 'calibrate', 'sparse'] });
    }
    if (rule === 'topk' && args.k !== undefined && (!Number.isInteger(args.k) || args.k < 0)) {
      throw new SparseError('E_CONFIG', `k must be an integer >= 0, got ${String(args.k)}.`, { field: 'k', received: args.k });
    }
    this.site = args.site ?? this.name;
    this.rule = rule;
    this.mode = mode;
    this.k = args.k;
    this.by = args.by ?? 'value';
    this.recorder = undefined;
  }

  /** Creates the threshold weight (scalar, or one per channel of the last axis). */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const width = shape[shape.length - 1];
    if (this.rule === 'threshold') {
      this.thresholdWeight = this.addWeight('threshold', [], 'float32', tfl.initializers.zeros(), undefined, false);
    } else if (this.rule === 'channel') {
      if (typeof width !== 'number') throw new SparseError('E_CONFIG', `Layer '${this.name}': rule 'channel' needs a known last dimension.`, { field: 'inputShape', received: shape });
      this.thresholdWeight = this.addWeight('channel_thresholds', [width], 'float32', tfl.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  /** Sets the layer's sparsifier from a threshold-file entry (the rule must match). */
  setThresholds(entry: SiteThresholds): void {
    if ('k' in entry) {
      if (this.rule !== 'topk') throw this.ruleMismatch('k');
      this.k = entry.k;
      return;
    }
    if (this.thresholdWeight === undefined) throw new SparseError('E_ARGUMENT', `Layer '${this.name}' is not built yet (or its rule is 'topk'); apply it to an input first.`, { field: this.site });
    if ('threshold' in entry) {
      if (this.rule !== 'threshold') throw this.ruleMismatch('threshold');
      this.thresholdWeight.write(tf.scalar(assertThreshold(entry.threshold, `${this.site}.threshold`)));
    } else {
      if (this.rule !== 'channel') throw this.ruleMismatch('channelThresholds');
      const width = this.thresholdWeight.shape[0];
      if (entry.channelThresholds.length !== width) {
        throw new SparseError('E_ARGUMENT', `Layer '${this.name}' has ${String(width)} channels, the entry ${entry.channelThresholds.length} thresholds.`, {
          field: `${this.site}.channelThresholds`,
          received: entry.channelThresholds.length,
          allowed: `${String(width)}`,
        });
      }
      this.thresholdWeight.write(tf.tensor1d(Array.from(entry.channelThresholds), 'float32'));
    }
  }

  /** Identity, recording, or sparsification, by mode (see the class description). */
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const a = list[0] as tf.Tensor;
      const up = list[1];
      let out = a;
      if (this.mode === 'calibrate') {
        this.recorder?.apply(this.site, a, up === undefined ? {} : { up });
      } else if (this.mode === 'sparse') {
        out = this.sparsify(a);
      }
      return up === undefined ? (out === a ? tf.clone(a) : out) : tf.mul(out, up);
    });
  }

  /** The shape of the first input. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  }

  /** The serializable config: site, rule, mode, k, by, and the base layer's fields. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), site: this.site, rule: this.rule, mode: this.mode, by: this.by, ...(this.k === undefined ? {} : { k: this.k }) };
  }

  private sparsify(a: tf.Tensor): tf.Tensor {
    if (this.rule === 'topk') {
      const width = a.shape[a.shape.length - 1] ?? 1;
      return topKSparsify(a, assertTopK(this.k, width, `${this.site}.k`), { by: this.by });
    }
    const weight = this.thresholdWeight?.read();
    if (weight === undefined) throw new SparseError('E_ARGUMENT', `Layer '${this.name}' is not built.`, { field: this.site });
    return this.rule === 'threshold' ? catsSparsify(a, weight) : channelSparsify(a, weight);
  }

  private ruleMismatch(kind: string): SparseError {
    return new SparseError('E_ARGUMENT', `Layer '${this.name}' (site '${this.site}') has rule '${this.rule}' and cannot take "${kind}".`, {
      field: this.site,
      received: kind,
      allowed: this.rule,
    });
  }
}
tf.serialization.registerClass(SparseActivation);
