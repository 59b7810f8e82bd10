import { echoValue, SparseError } from '@sparse/core';
import type { JsonValue } from '@sparse/experiments';
import type { CalibrationInfo, SiteThresholds, ThresholdFile } from '../thresholds/threshold-file.js';
import { THRESHOLD_FILE_FORMAT, THRESHOLD_FILE_VERSION, ZEROING_RULE } from '../thresholds/threshold-file.js';
import type { ActivationRecorder } from './activation-recorder.js';
import { chessChannelThresholds, channelQuantiles } from './channel-thresholds.js';
import { Histogram, catsHistogramEdges } from './histogram.js';
import { assertTarget, chessQuantile, exactQuantile } from './quantile.js';
import type { SiteStatistics } from './site-statistics.js';

/**
 * Options of {@link computeThresholds}.
 *
 * @example
 * ```ts
 * import type { ThresholdOptions } from '@sparse/activation';
 *
 * const chess: ThresholdOptions = { method: 'chess', target: 0.5, aggregate: 'mean-of-batches', samples: 2000 };
 * ```
 */
export interface ThresholdOptions {
  /**
   * `cats`: one threshold per site on `|a|` (or per channel with `granularity: 'channel'`).
   * `chess`: channel thresholds from the importance `|g_i| · mean|up_i|`; every site must have
   * been recorded with its up-projection. `chess-plus`: `chess` where an up-projection was
   * recorded (gated MLPs), one threshold on `|a|` elsewhere (the attention inputs).
   */
  readonly method: 'cats' | 'chess' | 'chess-plus';
  /** Target sparsity in `[0, 1]`. */
  readonly target: number;
  /** Sites to calibrate. Default: every recorded site. */
  readonly sites?: readonly string[];
  /** `exact` (default): selection over the recorded values. `histogram`: CATS's histogram method. */
  readonly quantile?: 'exact' | 'histogram';
  /** `pooled` (default): one quantile over all recorded values. `mean-of-batches`: CHESS's mean of per-batch quantiles. */
  readonly aggregate?: 'pooled' | 'mean-of-batches';
  /** For `cats`: one threshold per site (`layer`, default) or per channel (`channel`, exact pooled only). */
  readonly granularity?: 'layer' | 'channel';
  /** Calibration examples, written into the file. Default: the largest token count of the sites. */
  readonly samples?: number;
  /** More JSON fields for the file's `calibration` object. */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

function configError(field: string, message: string, received: unknown, allowed?: readonly unknown[] | string): SparseError {
  return new SparseError('E_CONFIG', message, { field, received, ...(allowed === undefined ? {} : { allowed }) });
}

function batchesOf(stats: SiteStatistics, values: ArrayLike<number>): Float64Array[] {
  const rows = stats.reservoir.batches();
  const width = stats.width;
  const groups = new Map<number, number[]>();
  for (let r = 0; r < rows.length; r += 1) {
    const batch = rows[r] as number;
    let group = groups.get(batch);
    if (group === undefined) {
      group = [];
      groups.set(batch, group);
    }
    for (let i = 0; i < width; i += 1) group.push(values[r * width + i] as number);
  }
  return [...groups.values()].map((group) => Float64Array.from(group));
}

function layerThreshold(stats: SiteStatistics, values: ArrayLike<number>, options: Required<Pick<ThresholdOptions, 'quantile' | 'aggregate' | 'target'>>, streaming: Histogram | undefined): number {
  if (options.quantile === 'histogram') {
    if (streaming !== undefined) return streaming.threshold(options.target);
    const histogram = new Histogram(catsHistogramEdges());
    histogram.add(values);
    return histogram.threshold(options.target);
  }
  if (options.aggregate === 'mean-of-batches') {
    const batches = batchesOf(stats, values);
    return batches.reduce((sum, batch) => sum + chessQuantile(batch, options.target), 0) / batches.length;
  }
  return exactQuantile(values, options.target).threshold;
}

/**
 * Turns recorded statistics into a {@link ThresholdFile} for one target sparsity. Call it once
 * per target on the same recorder (50 %, 70 %, 90 % from one calibration pass).
 *
 * Exactness: with `quantile: 'exact'` and `aggregate: 'pooled'` (the defaults), applying the
 * thresholds to the recorded values zeroes exactly `round(target · n)` of them per site (per
 * channel for `granularity: 'channel'`), when the values (for CHESS, the importances) have no ties;
 * ties at the threshold are zeroed together. This holds for the values the recorder kept: all of
 * them unless more than `maxValuesPerSite` were offered (then a uniform sample). The histogram and
 * mean-of-batches variants reproduce the papers' code and are approximate.
 *
 * @throws SparseError `E_CONFIG` for a bad option combination, an unknown site, or a `chess`
 * site recorded without its up-projection; `E_ARGUMENT` for a bad target.
 *
 * @example
 * ```ts
 * import { computeThresholds, thresholdHook, type ActivationRecorder } from '@sparse/activation';
 *
 * declare const recorder: ActivationRecorder; // after a calibration pass
 * const cats = computeThresholds(recorder, { method: 'cats', target: 0.5, samples: 2000 });
 * const chess = computeThresholds(recorder, { method: 'chess', target: 0.5, samples: 2000 });
 * const hook = thresholdHook(cats);
 * ```
 */
export function computeThresholds(recorder: ActivationRecorder, options: ThresholdOptions): ThresholdFile {
  const { method } = options;
  const target = assertTarget(options.target);
  const quantile = options.quantile ?? 'exact';
  const aggregate = options.aggregate ?? 'pooled';
  const granularity = options.granularity ?? 'layer';
  if (!['cats', 'chess', 'chess-plus'].includes(method)) {
    throw configError('method', `method must be 'cats', 'chess' or 'chess-plus', got ${echoValue(method)}.`, method, ['cats', 'chess', 'chess-plus']);
  }
  if (quantile !== 'exact' && quantile !== 'histogram') throw configError('quantile', `quantile must be 'exact' or 'histogram', got ${echoValue(quantile)}.`, quantile, ['exact', 'histogram']);
  if (aggregate !== 'pooled' && aggregate !== 'mean-of-batches') {
    throw configError('aggregate', `aggregate must be 'pooled' or 'mean-of-batches', got ${echoValue(aggregate)}.`, aggregate, ['pooled', 'mean-of-batches']);
  }
  if (granularity !== 'layer' && granularity !== 'channel') throw configError('granularity', `granularity must be 'layer' or 'channel', got ${echoValue(granularity)}.`, granularity, ['layer', 'channel']);
  if (quantile === 'histogram' && aggregate === 'mean-of-batches') {
    throw configError('aggregate', "aggregate 'mean-of-batches' needs quantile 'exact' (the histogram is pooled by construction).", aggregate, ['pooled']);
  }
  if (granularity === 'channel' && (method !== 'cats' || quantile !== 'exact' || aggregate !== 'pooled')) {
    throw configError('granularity', "granularity 'channel' is for method 'cats' with the exact pooled quantile (CHESS is channel-wise by construction).", granularity, ['layer']);
  }
  const sites = options.sites ?? recorder.sites();
  if (sites.length === 0) throw configError('sites', 'No sites to calibrate: run the model with the recorder on calibration data first.', sites);
  const known = new Set(recorder.sites());
  for (const site of sites) {
    if (!known.has(site)) throw configError('sites', `Site '${site}' was not recorded; recorded sites: ${[...known].join(', ') || '(none)'}.`, site, [...known]);
  }

  const layers: Record<string, SiteThresholds> = {};
  const tokens: Record<string, number> = {};
  const sampled: string[] = [];
  const settings = { quantile, aggregate, target } as const;
  for (const site of sites) {
    const stats = recorder.statistics(site);
    const rows = stats.reservoir.rows();
    tokens[site] = stats.tokens;
    if (stats.reservoir.sampled) sampled.push(site);
    const upMean = recorder.upMean(site);
    const useChess = method === 'chess' || (method === 'chess-plus' && upMean !== undefined);
    if (useChess) {
      if (upMean === undefined) {
        throw configError('method', `method 'chess' needs the up-projection at site '${site}', which was recorded without one; use 'chess-plus' or 'cats' for it.`, site);
      }
      const width = stats.width;
      const importance = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i += 1) importance[i] = (rows[i] as number) * (upMean[i % width] as number);
      const tau = layerThreshold(stats, importance, settings, undefined);
      layers[site] = { channelThresholds: chessChannelThresholds({ gate: rows, width, upMean, target, importanceThreshold: tau }).channelThresholds };
    } else if (granularity === 'channel') {
      layers[site] = { channelThresholds: channelQuantiles(rows, stats.width, target) };
    } else {
      layers[site] = { threshold: layerThreshold(stats, rows, settings, stats.histogram) };
    }
  }
  const samples = options.samples ?? Math.max(...Object.values(tokens));
  const calibration: CalibrationInfo = {
    samples,
    seed: recorder.recordSeed,
    quantile,
    aggregate,
    granularity,
    tokens,
    ...(sampled.length > 0 ? { reservoirSampled: sampled } : {}),
    ...options.extra,
  };
  return { format: THRESHOLD_FILE_FORMAT, version: THRESHOLD_FILE_VERSION, method, target, zeroing: ZEROING_RULE, layers, calibration };
}
