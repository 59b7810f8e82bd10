import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { denseHook, type ActivationHook, type SiteContext } from './activation-hook.js';

/**
 * Realized sparsity at one site: the fraction of exactly-zero entries of what the hook returned.
 *
 * @example
 * ```ts
 * import type { SiteSparsity } from '@sparse/activation';
 *
 * const s: SiteSparsity = { site: 'block0/gate', zeros: 512, total: 1024, sparsity: 0.5, tokens: 2, width: 512 };
 * ```
 */
export interface SiteSparsity {
  /** The site. */
  readonly site: string;
  /** Exactly-zero entries seen. */
  readonly zeros: number;
  /** Entries seen. */
  readonly total: number;
  /** `zeros / total`. */
  readonly sparsity: number;
  /** Tokens (rows) seen. */
  readonly tokens: number;
  /** Entries per token. */
  readonly width: number;
}

/**
 * The relative error of a block's output, aggregated over everything observed:
 * `sqrt(Σ‖y_sparse − y_dense‖² / Σ‖y_dense‖²)`.
 *
 * @example
 * ```ts
 * import type { BlockError } from '@sparse/activation';
 *
 * const e: BlockError = { block: 'block0/mlp', relativeError: 0.12, errorSquared: 1.44, referenceSquared: 100 };
 * ```
 */
export interface BlockError {
  /** The block. */
  readonly block: string;
  /** `sqrt(errorSquared / referenceSquared)`. */
  readonly relativeError: number;
  /** `Σ‖y_sparse − y_dense‖²`. */
  readonly errorSquared: number;
  /** `Σ‖y_dense‖²`. */
  readonly referenceSquared: number;
}

/**
 * What a {@link SparsityMeter} measured.
 *
 * @example
 * ```ts
 * import type { SparsityReport } from '@sparse/activation';
 *
 * const mean = (r: SparsityReport) => r.sites.reduce((s, x) => s + x.sparsity, 0) / r.sites.length;
 * ```
 */
export interface SparsityReport {
  /** Per site, in the order first seen. */
  readonly sites: readonly SiteSparsity[];
  /** Per block (empty unless `blockErrors`). */
  readonly blocks: readonly BlockError[];
}

/**
 * A measuring hook: wraps another hook, counts the exact zeros of what it returns at every site
 * (realized activation sparsity on whatever data the model is run on), and, with `blockErrors`,
 * accumulates each block's output error against the dense block.
 *
 * @example
 * ```ts
 * import type { SparsityMeter } from '@sparse/activation';
 *
 * const print = (meter: SparsityMeter) => console.table(meter.report().sites);
 * ```
 */
export interface SparsityMeter extends ActivationHook {
  /** What was measured so far. */
  report(): SparsityReport;
  /** Forgets it. */
  reset(): void;
}

/**
 * Options of {@link createSparsityMeter}.
 *
 * @example
 * ```ts
 * import type { SparsityMeterOptions } from '@sparse/activation';
 *
 * const options: SparsityMeterOptions = { blockErrors: true };
 * ```
 */
export interface SparsityMeterOptions {
  /** Ask models for dense block outputs and measure the relative error (costs a second block evaluation). Default `false`. */
  readonly blockErrors?: boolean;
}

/**
 * Creates a {@link SparsityMeter} around `inner` (default: {@link denseHook}, which measures the
 * natural sparsity, e.g. of post-ReLU activations). It reads counts back from the backend after
 * every site, so use it for evaluation, not training.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createSparsityMeter, thresholdHook, createGatedMlp, type ThresholdFile } from '@sparse/activation';
 *
 * declare const file: ThresholdFile;
 * const model = createGatedMlp({ seed: 0 });
 * const hook = thresholdHook(file);
 * const meter = createSparsityMeter(hook, { blockErrors: true });
 * tf.tidy(() => model.forward(tf.randomUniform([100, 784]), meter));
 * console.log(meter.report().sites.map((s) => s.sparsity), meter.report().blocks);
 * hook.dispose();
 * ```
 */
export function createSparsityMeter(inner: ActivationHook = denseHook, options: SparsityMeterOptions = {}): SparsityMeter {
  const sites = new Map<string, { zeros: number; total: number; tokens: number; width: number }>();
  const blocks = new Map<string, { error: number; reference: number }>();
  const meter: SparsityMeter = {
    apply(site: string, activation: Tensor, context?: SiteContext): Tensor {
      const out = inner.apply(site, activation, context);
      const zeros = tf.tidy(() => tf.sum(tf.cast(tf.equal(out, 0), 'int32')));
      const count = zeros.dataSync()[0] as number;
      zeros.dispose();
      const width = out.shape[out.shape.length - 1] ?? 1;
      const entry = sites.get(site) ?? { zeros: 0, total: 0, tokens: 0, width };
      entry.zeros += count;
      entry.total += out.size;
      entry.tokens += out.size / width;
      sites.set(site, entry);
      return out;
    },
    report(): SparsityReport {
      return {
        sites: [...sites].map(([site, s]) => ({ site, zeros: s.zeros, total: s.total, sparsity: s.total === 0 ? 0 : s.zeros / s.total, tokens: s.tokens, width: s.width })),
        blocks: [...blocks].map(([block, b]) => ({
          block,
          relativeError: b.reference === 0 ? (b.error === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.sqrt(b.error / b.reference),
          errorSquared: b.error,
          referenceSquared: b.reference,
        })),
      };
    },
    reset(): void {
      sites.clear();
      blocks.clear();
    },
  };
  if (options.blockErrors === true) {
    meter.observeBlock = (block: string, dense: Tensor, sparse: Tensor): void => {
      const sums = tf.tidy(() => tf.stack([tf.sum(tf.square(tf.sub(sparse, dense))), tf.sum(tf.square(dense))]));
      const [error, reference] = sums.dataSync();
      sums.dispose();
      const entry = blocks.get(block) ?? { error: 0, reference: 0 };
      entry.error += error as number;
      entry.reference += reference as number;
      blocks.set(block, entry);
    };
  }
  return meter;
}
