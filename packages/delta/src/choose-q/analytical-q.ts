import { SparseError } from '@sparse/core';

/**
 * One layer for {@link analyticalQ}: its kernel delta, the mean of its inputs over a calibration
 * batch, and optionally its bias delta.
 *
 * @example
 * ```ts
 * import type { AnalyticalQLayer } from '@sparse/delta';
 *
 * const layer: AnalyticalQLayer = {
 *   name: 'fc1/kernel', delta: new Float32Array(784 * 256), inputs: 784, outputs: 256,
 *   inputMean: new Float32Array(784), biasName: 'fc1/bias', biasDelta: new Float32Array(256),
 * };
 * ```
 */
export interface AnalyticalQLayer {
  /** The kernel's tensor name (the key of its q in {@link analyticalQMap}). */
  readonly name: string;
  /** The kernel's delta, flat. */
  readonly delta: Float32Array;
  readonly inputs: number;
  readonly outputs: number;
  /** `in-out` (TensorFlow Dense kernel `[in, out]`, default) or `out-in` (PyTorch Linear `[out, in]`). */
  readonly layout?: 'in-out' | 'out-in';
  /** The mean of each input feature over the calibration batch, `x̄_j` (signed, as DAREx's `scaler_row`). */
  readonly inputMean: Float32Array;
  /** The bias's tensor name; it gets the kernel's q. */
  readonly biasName?: string;
  /** The bias delta, appended to each neuron's row as `c_i,in = δb_i` (DAREx `optimal_q_calculation`). */
  readonly biasDelta?: Float32Array;
}

/**
 * Options of {@link analyticalQ}.
 *
 * @example
 * ```ts
 * import type { AnalyticalQOptions } from '@sparse/delta';
 *
 * const options: AnalyticalQOptions = { rate: 0.99, eta: 0.45 };
 * ```
 */
export interface AnalyticalQOptions {
  /** The drop rate `p`, in `(0, 1)`. */
  readonly rate: number;
  /** `η`, balancing the mean and variance terms (DAREx default 0.45; search it with {@link searchQ}). */
  readonly eta: number;
  /** `γ`, the confidence of the bound; default 0.95. */
  readonly gamma?: number;
  /**
   * Stop the scan over q once this fraction of neurons has seen a candidate no better than its
   * best (DAREx `stop_iter`, against outlier features); default 0.8. Use a value above 1 to scan
   * the whole grid.
   */
  readonly stopFraction?: number;
}

/** `φ(p) = (1 − 2p) / ln((1 − p)/p)`, continuous at `p = 1/2` (where it is 1/2). */
function phi(p: number): number {
  if (Math.abs(p - 0.5) < 1e-9) return 0.5;
  return (1 - 2 * p) / Math.log((1 - p) / p);
}

function checkOptions(options: AnalyticalQOptions): { rate: number; eta: number; gamma: number; stopFraction: number } {
  const { rate, eta } = options;
  const gamma = options.gamma ?? 0.95;
  const stopFraction = options.stopFraction ?? 0.8;
  if (!(rate > 0 && rate < 1)) throw new SparseError('E_CONFIG', `analyticalQ: rate must be in (0, 1); got ${rate}.`, { field: 'rate', received: rate, allowed: '(0, 1)' });
  if (!(Number.isFinite(eta) && eta > 0)) throw new SparseError('E_CONFIG', `analyticalQ: eta must be a positive number; got ${eta}.`, { field: 'eta', received: eta });
  if (!(gamma > 0 && gamma < 1)) throw new SparseError('E_CONFIG', `analyticalQ: gamma must be in (0, 1); got ${gamma}.`, { field: 'gamma', received: gamma, allowed: '(0, 1)' });
  if (!(stopFraction > 0)) throw new SparseError('E_CONFIG', `analyticalQ: stopFraction must be positive; got ${stopFraction}.`, { field: 'stopFraction', received: stopFraction });
  return { rate, eta, gamma, stopFraction };
}

/**
 * The analytical per-layer `q` of DAREx (spec D.3.3, `utils/analyticalq.py`). For each output
 * neuron `i` with contributions `c_ij = δ_ij·x̄_j` (plus the bias delta), it scans
 * `q = k/1000` for `k = ⌈1000(1 − p)⌉ … 998` (DAREx rounds down, which can fall below `1 − p`) and keeps the `q` minimizing
 * `|η(1 − (1−p)/q)·Σ_j c_ij + η²·φ(p)·Σ_j c_ij²/(4q²) + ln(2/(1−γ))|`, `φ(p) = (1−2p)/ln((1−p)/p)`
 * (ties: the larger q); the scan stops early once `stopFraction` of the neurons have stopped
 * improving. The layer's `q` is the mean over neurons. Computed in float64 (DAREx keeps the
 * running best in float16).
 *
 * @returns the layer's `q` and each neuron's.
 *
 * @example
 * ```ts
 * import { analyticalQ } from '@sparse/delta';
 *
 * const layer = { name: 'w', delta: new Float32Array([0.01, -0.02, 0.03, 0.01]), inputs: 2, outputs: 2, inputMean: new Float32Array([1, 0.5]) };
 * const { q, perNeuron } = analyticalQ(layer, { rate: 0.99, eta: 0.45 });
 * ```
 */
export function analyticalQ(layer: AnalyticalQLayer, options: AnalyticalQOptions): { q: number; perNeuron: Float64Array } {
  const { rate, eta, gamma, stopFraction } = checkOptions(options);
  const { delta, inputs, outputs, inputMean, biasDelta } = layer;
  const layout = layer.layout ?? 'in-out';
  if (delta.length !== inputs * outputs || inputMean.length !== inputs || (biasDelta !== undefined && biasDelta.length !== outputs)) {
    throw new SparseError(
      'E_ARGUMENT',
      `analyticalQ: layer '${layer.name}' needs delta of ${inputs}×${outputs} = ${inputs * outputs} entries, inputMean of ${inputs}${biasDelta === undefined ? '' : ` and biasDelta of ${outputs}`}; got ${delta.length}, ${inputMean.length}${biasDelta === undefined ? '' : ` and ${biasDelta.length}`}.`,
      { field: layer.name },
    );
  }
  const s1 = new Float64Array(outputs);
  const s2 = new Float64Array(outputs);
  for (let j = 0; j < inputs; j++) {
    const x = inputMean[j] as number;
    for (let i = 0; i < outputs; i++) {
      const c = (delta[layout === 'in-out' ? j * outputs + i : i * inputs + j] as number) * x;
      s1[i] = (s1[i] as number) + c;
      s2[i] = (s2[i] as number) + c * c;
    }
  }
  if (biasDelta !== undefined) {
    for (let i = 0; i < outputs; i++) {
      const c = biasDelta[i] as number;
      s1[i] = (s1[i] as number) + c;
      s2[i] = (s2[i] as number) + c * c;
    }
  }
  const keep = 1 - rate;
  const constant = Math.log(2 / (1 - gamma));
  const f = phi(rate);
  const best = new Float64Array(outputs).fill(Infinity);
  const chosen = new Float64Array(outputs).fill(keep);
  const stopped = new Uint8Array(outputs);
  let stoppedCount = 0;
  const first = Math.ceil(keep * 1000 - 1e-9);
  for (let k = first; k < 999; k++) {
    const q = k * 0.001;
    for (let i = 0; i < outputs; i++) {
      const res = Math.abs(eta * (1 - keep / q) * (s1[i] as number) + (eta * eta * f * (s2[i] as number)) / (4 * q * q) + constant);
      const previous = best[i] as number;
      if (res <= previous) {
        best[i] = res;
        chosen[i] = q;
      }
      if (res >= previous && stopped[i] === 0) {
        stopped[i] = 1;
        stoppedCount++;
      }
    }
    if (stoppedCount / outputs >= stopFraction) break;
  }
  const q = chosen.reduce((sum, value) => sum + value, 0) / outputs;
  return { q, perNeuron: chosen };
}

/**
 * {@link analyticalQ} for several layers, as a map from tensor name to `q` (each kernel and its
 * bias) ready for `rescale: { q: map }`; other tensors then use the mean of the layer values
 * (DAREx `rescale_q`).
 *
 * @example
 * ```ts
 * import { analyticalQMap, pruneDeltas, type AnalyticalQLayer } from '@sparse/delta';
 *
 * declare const layers: AnalyticalQLayer[];
 * declare const base: Map<string, Float32Array>, tuned: Map<string, Float32Array>;
 * const q = analyticalQMap(layers, { rate: 0.99, eta: 0.45 });
 * const { tensors } = await pruneDeltas(base, tuned, { rate: 0.99, rescale: { q }, seed: 0 });
 * ```
 */
export function analyticalQMap(layers: readonly AnalyticalQLayer[], options: AnalyticalQOptions): Map<string, number> {
  const map = new Map<string, number>();
  for (const layer of layers) {
    const { q } = analyticalQ(layer, options);
    map.set(layer.name, q);
    if (layer.biasName !== undefined) map.set(layer.biasName, q);
  }
  return map;
}
