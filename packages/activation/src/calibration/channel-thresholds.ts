import { SparseError } from '@sparse/core';
import { previousFloat32 } from './float32.js';
import { assertTarget, exactQuantile } from './quantile.js';

function assertRows(values: Float32Array, width: number, field: string): number {
  if (!Number.isInteger(width) || width < 1 || values.length % width !== 0) {
    throw new SparseError('E_ARGUMENT', `${field} has ${values.length} values, which is not a whole number of rows of width ${width}.`, {
      field,
      received: values.length,
      allowed: `a multiple of ${width}`,
    });
  }
  return values.length / width;
}

function column(rows: Float32Array, width: number, channel: number): Float32Array {
  const count = rows.length / width;
  const out = new Float32Array(count);
  for (let r = 0; r < count; r += 1) out[r] = rows[r * width + channel] as number;
  return out;
}

/**
 * Per-channel exact quantiles (CATS thresholds per channel instead of per layer): channel `i`
 * gets {@link exactQuantile} of column `i` of `rows`, so each channel zeroes exactly
 * `round(target · rows)` of its calibration values (without ties), and so does the whole layer.
 *
 * @param rows - magnitudes `|a|`, row-major, one row per token.
 * @param width - channels per row.
 * @param target - the sparsity in `[0, 1]`.
 *
 * @example
 * ```ts
 * import { channelQuantiles } from '@sparse/activation';
 *
 * channelQuantiles(new Float32Array([0.1, 4, 0.3, 2]), 2, 0.5); // [0.1, 2]
 * ```
 */
export function channelQuantiles(rows: Float32Array, width: number, target: number): number[] {
  assertTarget(target);
  assertRows(rows, width, 'rows');
  return Array.from({ length: width }, (_, channel) => exactQuantile(column(rows, width, channel), target).threshold);
}

/**
 * Input of {@link chessChannelThresholds}.
 *
 * @example
 * ```ts
 * import type { ChessThresholdInput } from '@sparse/activation';
 *
 * const input: ChessThresholdInput = {
 *   gate: new Float32Array([0.1, 0.2, 0.3, 0.4]),
 *   width: 2,
 *   upMean: [1, 0.5],
 *   target: 0.5,
 * };
 * ```
 */
export interface ChessThresholdInput {
  /** Magnitudes of the post-activation gate, `|SiLU(x W_gate)|`, row-major, one row per token. */
  readonly gate: Float32Array;
  /** Channels per row (the hidden width). */
  readonly width: number;
  /** `ū_i`: the mean of `|x W_up|` per channel over the calibration tokens. */
  readonly upMean: ArrayLike<number>;
  /** The sparsity in `[0, 1]`. */
  readonly target: number;
  /**
   * The importance threshold `τ`, when computed elsewhere (e.g. CHESS's mean of per-batch
   * quantiles). Default: the exact quantile of the importances `|g_i| · ū_i` at `target`.
   */
  readonly importanceThreshold?: number;
}

/**
 * CHESS channel thresholds with their layer importance threshold.
 *
 * @example
 * ```ts
 * import type { ChessThresholds } from '@sparse/activation';
 *
 * const result: ChessThresholds = { channelThresholds: [0.1, 0.4], importanceThreshold: 0.2 };
 * ```
 */
export interface ChessThresholds {
  /** `t_i` per channel: zero `|g_i| <= t_i`. */
  readonly channelThresholds: number[];
  /** `τ`, the threshold on the importances `|g_i| · ū_i`. */
  readonly importanceThreshold: number;
}

/**
 * CHESS channel-wise thresholds (He et al. 2024, `CHESS/notebooks/thresholds.py`): importance
 * `s_i = |g_i| · ū_i`, layer threshold `τ = quantile_target(s)`, channel thresholds
 * `t_i = τ / ū_i`, so that `|g_i| <= t_i` ⇔ `s_i <= τ`.
 *
 * Exactness in floating point: the importances are computed in float64 and `t_i = τ / ū_i` is
 * then moved, when needed, into the float32 interval that separates channel i's calibration
 * values with `s <= τ` from those with `s > τ` (which exists because `s` grows with `|g|` within
 * a channel). So on the calibration values the channel rule zeroes exactly the entries with
 * `s <= τ`: `round(target · n)` of them when the importances have no ties. A channel with
 * `ū_i = 0` (all its importances are 0) gets the largest of its calibration magnitudes.
 *
 * @throws SparseError `E_ARGUMENT` when the shapes disagree, `ū` has a negative or non-finite
 * entry, or there are no rows.
 *
 * @example
 * ```ts
 * import { chessChannelThresholds } from '@sparse/activation';
 *
 * const { channelThresholds } = chessChannelThresholds({
 *   gate: new Float32Array([0.1, 0.2, 0.3, 0.4]), // two tokens, two channels
 *   width: 2,
 *   upMean: [1, 0.5],
 *   target: 0.5,
 * });
 * ```
 */
export function chessChannelThresholds(input: ChessThresholdInput): ChessThresholds {
  const { gate, width, upMean, target } = input;
  assertTarget(target);
  const rows = assertRows(gate, width, 'gate');
  if (rows === 0) throw new SparseError('E_ARGUMENT', 'CHESS calibration needs at least one token.', { field: 'gate', received: 0 });
  if (upMean.length !== width) {
    throw new SparseError('E_ARGUMENT', `upMean must have one entry per channel (${width}), got ${upMean.length}.`, {
      field: 'upMean',
      received: upMean.length,
      allowed: `${width} entries`,
    });
  }
  for (let i = 0; i < width; i += 1) {
    const u = upMean[i] as number;
    if (!(u >= 0) || !Number.isFinite(u)) {
      throw new SparseError('E_ARGUMENT', `upMean[${i}] must be a finite number >= 0, got ${u}.`, { field: `upMean[${i}]`, received: u });
    }
  }
  const importance = new Float64Array(gate.length);
  for (let r = 0; r < rows; r += 1) {
    for (let i = 0; i < width; i += 1) importance[r * width + i] = (gate[r * width + i] as number) * (upMean[i] as number);
  }
  const tau = input.importanceThreshold ?? exactQuantile(importance, target).threshold;
  if (!Number.isFinite(tau) || tau < 0) {
    throw new SparseError('E_ARGUMENT', `importanceThreshold must be a finite number >= 0, got ${tau}.`, { field: 'importanceThreshold', received: tau });
  }
  const maxSelected = new Float64Array(width).fill(-1);
  const minKept = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
  for (let r = 0; r < rows; r += 1) {
    for (let i = 0; i < width; i += 1) {
      const index = r * width + i;
      const g = gate[index] as number;
      if ((importance[index] as number) <= tau) {
        if (g > (maxSelected[i] as number)) maxSelected[i] = g;
      } else if (g < (minKept[i] as number)) minKept[i] = g;
    }
  }
  const channelThresholds = Array.from({ length: width }, (_, i) => {
    const u = upMean[i] as number;
    const lower = Math.max(0, maxSelected[i] as number);
    const kept = minKept[i] as number;
    const upper = Number.isFinite(kept) ? previousFloat32(kept) : Number.POSITIVE_INFINITY;
    let t = u > 0 ? Math.fround(tau / u) : Number.POSITIVE_INFINITY;
    if (t < lower) t = lower;
    if (t > upper) t = upper;
    return Number.isFinite(t) ? t : lower;
  });
  return { channelThresholds, importanceThreshold: tau };
}
