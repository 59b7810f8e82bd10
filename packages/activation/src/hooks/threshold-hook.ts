import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { catsSparsify } from '../sparsify/cats.js';
import { channelSparsify } from '../sparsify/channel-threshold.js';
import { topKSparsify } from '../sparsify/top-k.js';
import { THRESHOLD_FILE_FORMAT, THRESHOLD_FILE_VERSION, validateThresholdFile, type SiteThresholds, type ThresholdFile } from '../thresholds/threshold-file.js';
import type { ActivationHook } from './activation-hook.js';

/**
 * A hook that applies thresholds: it owns the channel-threshold tensors it uploads, so dispose
 * it when done.
 *
 * @example
 * ```ts
 * import type { ThresholdHook } from '@sparse/activation';
 *
 * const release = (hook: ThresholdHook) => hook.dispose();
 * ```
 */
export interface ThresholdHook extends ActivationHook {
  /** The per-site sparsifiers in force. */
  readonly layers: Readonly<Record<string, SiteThresholds>>;
  /** Frees the uploaded threshold tensors. */
  dispose(): void;
}

/**
 * Options of {@link thresholdHook}.
 *
 * @example
 * ```ts
 * import type { ThresholdHookOptions } from '@sparse/activation';
 *
 * const options: ThresholdHookOptions = { strict: true };
 * ```
 */
export interface ThresholdHookOptions {
  /** Throw when the model calls a site that has no entry (default `false`: such sites stay dense). */
  readonly strict?: boolean;
}

/**
 * The sparse-mode hook: applies a {@link ThresholdFile} (or a plain map of site → sparsifier) at
 * the model's sites — {@link catsSparsify} for `threshold`, {@link channelSparsify} for
 * `channelThresholds`, {@link topKSparsify} for `k`. Sites without an entry stay dense. Gradients
 * are those of the masked functions, so the hook also serves fine-tuning with thresholds in place.
 *
 * @throws SparseError `E_FORMAT` for an invalid file or map (each bad entry named); at `apply`, `E_ARGUMENT` when a site's
 * channel count differs from the activation's width (or, with `strict`, a site has no entry).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { loadThresholds, thresholdHook, createGatedMlp } from '@sparse/activation';
 *
 * const model = createGatedMlp({ seed: 0 });
 * const hook = thresholdHook(await loadThresholds('thresholds/cats-50.json'));
 * const logits = tf.tidy(() => model.forward(tf.zeros([1, 784]), hook));
 * hook.dispose();
 * ```
 */
export function thresholdHook(thresholds: ThresholdFile | Readonly<Record<string, SiteThresholds>>, options: ThresholdHookOptions = {}): ThresholdHook {
  const isFile = 'format' in thresholds && typeof thresholds.format === 'string';
  const layers: Readonly<Record<string, SiteThresholds>> = isFile
    ? validateThresholdFile(thresholds).layers
    : validateThresholdFile(
        { format: THRESHOLD_FILE_FORMAT, version: THRESHOLD_FILE_VERSION, method: 'custom', target: 0, layers: thresholds, calibration: { samples: 0, seed: 0 } },
        'threshold map',
      ).layers;
  const uploaded = new Map<string, Tensor>();
  let disposed = false;
  return {
    layers,
    apply(site: string, activation: Tensor): Tensor {
      if (disposed) throw new SparseError('E_ARGUMENT', 'This threshold hook was disposed; create a new one.');
      const entry = Object.hasOwn(layers, site) ? layers[site] : undefined;
      if (entry === undefined) {
        if (options.strict === true) {
          throw new SparseError('E_ARGUMENT', `No thresholds for site '${site}'; the file has: ${Object.keys(layers).join(', ') || '(none)'}.`, {
            field: 'site',
            received: site,
            allowed: Object.keys(layers),
          });
        }
        return activation;
      }
      if ('threshold' in entry) return catsSparsify(activation, entry.threshold);
      if ('k' in entry) return topKSparsify(activation, entry.k, entry.by === undefined ? {} : { by: entry.by });
      let tensor = uploaded.get(site);
      if (tensor === undefined) {
        const width = activation.shape[activation.shape.length - 1] ?? 1;
        if (entry.channelThresholds.length !== width) {
          throw new SparseError('E_ARGUMENT', `Site '${site}' has ${entry.channelThresholds.length} channel thresholds but the activation has ${width} channels.`, {
            field: `layers.${site}.channelThresholds`,
            received: entry.channelThresholds.length,
            allowed: `${width}`,
          });
        }
        tensor = tf.keep(tf.tensor1d(Array.from(entry.channelThresholds), 'float32'));
        uploaded.set(site, tensor);
      }
      return channelSparsify(activation, tensor);
    },
    dispose(): void {
      for (const tensor of uploaded.values()) tensor.dispose();
      uploaded.clear();
      disposed = true;
    },
  };
}
