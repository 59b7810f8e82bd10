import { Histogram } from './histogram.js';
import { RowReservoir } from './reservoir.js';

/**
 * What an {@link ActivationRecorder} kept about one site: a sample of rows of magnitudes `|a|`
 * (all of them while they fit), per-channel sums of `|up|` over every token (exact, never
 * sampled), and optionally a streaming histogram of every `|a|`.
 *
 * @example
 * ```ts
 * import type { SiteStatistics } from '@sparse/activation';
 *
 * const describe = (s: SiteStatistics) => `${s.tokens} tokens in ${s.batches} batches, width ${s.width}`;
 * ```
 */
export interface SiteStatistics {
  /** The site's name. */
  readonly site: string;
  /** Channels per token (size of the activation's last axis). */
  readonly width: number;
  /** Tokens (rows) observed. */
  readonly tokens: number;
  /** Calls (batches) observed. */
  readonly batches: number;
  /** The kept rows of `|a|` and the batch each came from. */
  readonly reservoir: RowReservoir;
  /** Sum of `|up|` per channel over all tokens, when an up-projection was passed. */
  readonly upAbsSum: Float64Array | undefined;
  /** Histogram of every `|a|`, when enabled. */
  readonly histogram: Histogram | undefined;
}

/** Mutable per-site state of the recorder. */
export class MutableSiteStatistics implements SiteStatistics {
  tokens = 0;
  batches = 0;
  upAbsSum: Float64Array | undefined;
  readonly reservoir: RowReservoir;
  readonly histogram: Histogram | undefined;

  constructor(
    readonly site: string,
    readonly width: number,
    capacityRows: number,
    seed: number,
    histogramEdges: ArrayLike<number> | undefined,
  ) {
    this.reservoir = new RowReservoir({ width, capacity: capacityRows, seed });
    this.histogram = histogramEdges === undefined ? undefined : new Histogram(histogramEdges);
  }

  /** The mean of `|up|` per channel, when recorded. */
  upMean(): Float64Array | undefined {
    if (this.upAbsSum === undefined || this.tokens === 0) return undefined;
    const tokens = this.tokens;
    return this.upAbsSum.map((sum) => sum / tokens);
  }
}
