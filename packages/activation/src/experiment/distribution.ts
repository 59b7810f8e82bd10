import type { Tensor } from '@tensorflow/tfjs-core';
import { deriveSeed } from '@sparse/core';
import { RowReservoir } from '../calibration/reservoir.js';
import type { ActivationHook } from '../hooks/activation-hook.js';

/**
 * The distribution of one site's pre-threshold activation `a` (signed), over every entry seen:
 * moments (exact, in float64) and quantiles of `|a|` (from a seeded uniform sample of rows when
 * there are more than the cap). `kurtosis` is Pearson's (`E[(a-mean)^4] / sd^4`: 3 for a normal
 * distribution, above 3 for heavier tails). A field of the `train` rows of `ActivationRow`.
 *
 * @example
 * ```ts
 * import type { SiteDistribution } from '@sparse/activation';
 *
 * const heavyTailed = (d: SiteDistribution): boolean => d.kurtosis > 3;
 * ```
 */
export interface SiteDistribution {
  [key: string]: string | number;
  site: string;
  /** Entries seen. */
  count: number;
  mean: number;
  sd: number;
  kurtosis: number;
  /** Quantiles of `|a|` at 50, 90, 99 and 99.9 %, and the largest `|a|`. */
  absP50: number;
  absP90: number;
  absP99: number;
  absP999: number;
  absMax: number;
  /** Fraction of entries exactly zero. */
  zeros: number;
}

interface Moments {
  count: number;
  sum: number;
  sum2: number;
  sum3: number;
  sum4: number;
  max: number;
  zeros: number;
  sample: RowReservoir;
}

/**
 * A dense (identity) hook that records the distribution of every site's activation; read it with
 * {@link DistributionRecorder.report}. It reads activations back (`dataSync`): for a measurement
 * pass, not for training steps. @internal
 */
export class DistributionRecorder implements ActivationHook {
  private readonly sites = new Map<string, Moments>();

  constructor(
    private readonly seed: number,
    private readonly maxSampled = 1 << 20,
  ) {}

  apply(site: string, activation: Tensor): Tensor {
    const width = activation.shape[activation.shape.length - 1] ?? 1;
    let moments = this.sites.get(site);
    if (moments === undefined) {
      moments = { count: 0, sum: 0, sum2: 0, sum3: 0, sum4: 0, max: 0, zeros: 0, sample: new RowReservoir({ width, capacity: Math.max(1, Math.floor(this.maxSampled / width)), seed: deriveSeed(this.seed, 'distribution', site) }) };
      this.sites.set(site, moments);
    }
    const values = activation.dataSync() as Float32Array;
    let { sum, sum2, sum3, sum4, max, zeros } = moments;
    const magnitudes = new Float32Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] as number;
      const v2 = v * v;
      sum += v;
      sum2 += v2;
      sum3 += v2 * v;
      sum4 += v2 * v2;
      const m = Math.abs(v);
      magnitudes[i] = m;
      if (m > max) max = m;
      if (v === 0) zeros += 1;
    }
    Object.assign(moments, { count: moments.count + values.length, sum, sum2, sum3, sum4, max, zeros });
    moments.sample.add(magnitudes, 0);
    return activation;
  }

  /** Every recorded site's distribution, in the order first seen. */
  report(): SiteDistribution[] {
    return [...this.sites].map(([site, m]) => {
      const n = Math.max(1, m.count);
      const mean = m.sum / n;
      const e2 = m.sum2 / n;
      const e3 = m.sum3 / n;
      const e4 = m.sum4 / n;
      const variance = Math.max(0, e2 - mean * mean);
      const central4 = e4 - 4 * mean * e3 + 6 * mean * mean * e2 - 3 * mean ** 4;
      const sorted = Float32Array.from(m.sample.rows()).sort();
      const quantile = (q: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1] as number));
      return {
        site,
        count: m.count,
        mean,
        sd: Math.sqrt(variance),
        kurtosis: variance > 0 ? central4 / (variance * variance) : 0,
        absP50: quantile(0.5),
        absP90: quantile(0.9),
        absP99: quantile(0.99),
        absP999: quantile(0.999),
        absMax: m.max,
        zeros: m.zeros / n,
      };
    });
  }
}
