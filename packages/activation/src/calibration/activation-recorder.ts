import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SparseError, assertSeed, deriveSeed } from '@sparse/core';
import type { ActivationHook, SiteContext } from '../hooks/activation-hook.js';
import { catsHistogramEdges } from './histogram.js';
import { MutableSiteStatistics, type SiteStatistics } from './site-statistics.js';

/**
 * Options of {@link ActivationRecorder}.
 *
 * @example
 * ```ts
 * import type { ActivationRecorderOptions } from '@sparse/activation';
 *
 * const options: ActivationRecorderOptions = { maxValuesPerSite: 1 << 22, seed: 0, histogram: true };
 * ```
 */
export interface ActivationRecorderOptions {
  /**
   * Most magnitudes kept per site (rounded down to whole rows). Beyond it, rows are reservoir-
   * sampled, uniformly and seeded. Default `2^22` (16 MiB of float32 per site).
   */
  readonly maxValuesPerSite?: number;
  /** Seed of the reservoir sampling (each site derives its own stream). Default `0`. */
  readonly seed?: number;
  /**
   * Also count every `|a|` into a streaming histogram (for `quantile: 'histogram'`): `true` for
   * CATS's edges ({@link catsHistogramEdges}), or your own edges. Default `false`.
   */
  readonly histogram?: boolean | ArrayLike<number>;
  /** Record only these sites (others pass through unrecorded). Default: every site. */
  readonly sites?: readonly string[];
}

/**
 * The calibration-mode hook: records statistics of each site's activation and returns the
 * activation unchanged, so a model run with it is exactly the dense model. It keeps, per site, the
 * magnitudes `|a|` row by row (reservoir-sampled beyond `maxValuesPerSite`), the per-channel sum
 * of `|up|` when the model passes its up-projection (CHESS), and optionally a histogram.
 * {@link computeThresholds} turns the statistics into thresholds.
 *
 * It reads activations back from the backend (`dataSync`), so it is meant for calibration
 * passes, not for training steps.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { ActivationRecorder, computeThresholds, createGatedMlp } from '@sparse/activation';
 *
 * const model = createGatedMlp({ seed: 0 });
 * const recorder = new ActivationRecorder({ seed: 0 });
 * tf.tidy(() => model.forward(tf.randomUniform([64, 784]), recorder));
 * const file = computeThresholds(recorder, { method: 'cats', target: 0.5, samples: 64 });
 * ```
 */
export class ActivationRecorder implements ActivationHook {
  private readonly stats = new Map<string, MutableSiteStatistics>();
  private readonly maxValues: number;
  private readonly seed: number;
  private readonly edges: ArrayLike<number> | undefined;
  private readonly only: ReadonlySet<string> | undefined;

  /** @throws SparseError `E_ARGUMENT` for a bad option. */
  constructor(options: ActivationRecorderOptions = {}) {
    const maxValues = options.maxValuesPerSite ?? 1 << 22;
    if (!Number.isInteger(maxValues) || maxValues < 1) {
      throw new SparseError('E_ARGUMENT', `maxValuesPerSite must be a positive integer, got ${String(maxValues)}.`, {
        field: 'maxValuesPerSite',
        received: maxValues,
      });
    }
    const seed = options.seed ?? 0;
    assertSeed(seed, 'seed');
    this.maxValues = maxValues;
    this.seed = seed;
    this.edges = options.histogram === true ? catsHistogramEdges() : options.histogram === false || options.histogram === undefined ? undefined : options.histogram;
    this.only = options.sites === undefined ? undefined : new Set(options.sites);
  }

  /** Records `|activation|` (and `|context.up|`), returns `activation` itself. */
  apply(site: string, activation: Tensor, context?: SiteContext): Tensor {
    if (this.only !== undefined && !this.only.has(site)) return activation;
    const width = activation.shape[activation.shape.length - 1] ?? 1;
    let stats = this.stats.get(site);
    if (stats === undefined) {
      stats = new MutableSiteStatistics(site, width, Math.max(1, Math.floor(this.maxValues / width)), deriveSeed(this.seed, 'reservoir', site), this.edges);
      this.stats.set(site, stats);
    } else if (stats.width !== width) {
      throw new SparseError('E_ARGUMENT', `Site '${site}' was recorded with width ${stats.width} and now gets width ${width}.`, {
        field: site,
        received: width,
        allowed: `${stats.width}`,
      });
    }
    const magnitudes = tf.tidy(() => tf.abs(activation));
    const values = magnitudes.dataSync() as Float32Array;
    stats.reservoir.add(values, stats.batches);
    stats.histogram?.add(values);
    magnitudes.dispose();
    if (context?.up !== undefined) {
      const up = context.up;
      if (up.size !== activation.size || (up.shape[up.shape.length - 1] ?? 1) !== width) {
        throw new SparseError('E_ARGUMENT', `Site '${site}': the up-projection has shape [${up.shape.join(', ')}], the activation [${activation.shape.join(', ')}].`, {
          field: `${site}.up`,
          received: up.shape,
          allowed: `[${activation.shape.join(', ')}]`,
        });
      }
      const sums = tf.tidy(() => tf.sum(tf.abs(tf.reshape(up, [-1, width])), 0));
      const data = sums.dataSync();
      sums.dispose();
      const target = stats.upAbsSum ?? new Float64Array(width);
      for (let i = 0; i < width; i += 1) target[i] = (target[i] as number) + (data[i] as number);
      stats.upAbsSum = target;
    }
    stats.tokens += activation.size / width;
    stats.batches += 1;
    return activation;
  }

  /** The sites recorded so far, in the order they were first seen. */
  sites(): string[] {
    return [...this.stats.keys()];
  }

  /**
   * The statistics of one site.
   *
   * @throws SparseError `E_NOT_FOUND` when the site was never recorded (the message lists those that were).
   */
  statistics(site: string): SiteStatistics {
    const stats = this.stats.get(site);
    if (stats === undefined) {
      throw new SparseError('E_NOT_FOUND', `No statistics for site '${site}'; recorded sites: ${this.sites().join(', ') || '(none)'}.`, {
        field: 'site',
        received: site,
        allowed: this.sites(),
      });
    }
    return stats;
  }

  /** Mean of `|up|` per channel at a site, or `undefined` when no up-projection was passed. */
  upMean(site: string): Float64Array | undefined {
    this.statistics(site);
    return this.stats.get(site)?.upMean();
  }

  /** The recorder's seed (written into threshold files). */
  get recordSeed(): number {
    return this.seed;
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.stats.clear();
  }
}
