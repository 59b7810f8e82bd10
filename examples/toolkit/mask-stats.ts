/**
 * What a pruned MLP really is, read back from the weights and masks: per-layer kept counts, the
 * exact sparsity counted from the weights themselves, pruned weights that are not zero (must be
 * none), collapsed layers, and the effective density (kept weights on some input→output path,
 * counted by reachability through the masks; a kept weight whose unit is cut off on either side
 * does nothing).
 */
import { accountTensors, type MaskSet, type NamedParameter } from '@sparse/core';

export interface LayerStats {
  readonly name: string;
  readonly weights: number;
  /** Mask ones (all weights when the layer has no mask). */
  readonly kept: number;
  /** Weights that are not exactly zero. */
  readonly nonzero: number;
  /** Weights with mask 0 that are not exactly zero: a masking bug if not 0. */
  readonly leaks: number;
  /** Kept weights on an input→output path. */
  readonly effective: number;
}

export interface MaskStats {
  readonly layers: readonly LayerStats[];
  readonly weights: number;
  readonly kept: number;
  /** `1 − kept / weights` (from the masks). */
  readonly sparsity: number;
  /** `1 − nonzero / weights`, counted from the weights. */
  readonly weightSparsity: number;
  readonly leaks: number;
  /** `effective / weights`. */
  readonly effectiveDensity: number;
  /** Layers without a single kept weight. */
  readonly collapsed: readonly string[];
  /** Fraction of weights that compaction removes with whole neurons (`accountTensors`). */
  readonly removableFraction: number;
}

/** Reads `kernels` (an MLP's dense kernels, input to output) and their masks. */
export function maskStats(kernels: readonly NamedParameter[], masks: MaskSet): MaskStats {
  const read = kernels.map((p) => {
    const [rows = 0, cols = 0] = p.variable.shape;
    const values = p.variable.dataSync() as Float32Array;
    const mask = masks.get(p.name);
    const keep = mask === undefined ? new Uint8Array(values.length).fill(1) : Uint8Array.from(mask.dataSync(), (m) => (m === 0 ? 0 : 1));
    return { name: p.name, rows, cols, values, keep };
  });
  // Units reachable from the inputs (forward) and reaching the outputs (backward), through kept weights.
  const forward: Uint8Array[] = [new Uint8Array(read[0]?.rows ?? 0).fill(1)];
  for (const layer of read) {
    const from = forward[forward.length - 1] as Uint8Array;
    const to = new Uint8Array(layer.cols);
    for (let i = 0; i < layer.rows; i += 1) {
      if (from[i] === 0) continue;
      for (let j = 0; j < layer.cols; j += 1) if (layer.keep[i * layer.cols + j] === 1) to[j] = 1;
    }
    forward.push(to);
  }
  const backward: Uint8Array[] = new Array<Uint8Array>(read.length + 1);
  backward[read.length] = new Uint8Array(read[read.length - 1]?.cols ?? 0).fill(1);
  for (let l = read.length - 1; l >= 0; l -= 1) {
    const layer = read[l] as (typeof read)[number];
    const to = backward[l + 1] as Uint8Array;
    const from = new Uint8Array(layer.rows);
    for (let i = 0; i < layer.rows; i += 1) {
      for (let j = 0; j < layer.cols; j += 1) {
        if (to[j] === 1 && layer.keep[i * layer.cols + j] === 1) {
          from[i] = 1;
          break;
        }
      }
    }
    backward[l] = from;
  }
  const layers: LayerStats[] = read.map((layer, l) => {
    let kept = 0;
    let nonzero = 0;
    let leaks = 0;
    let effective = 0;
    const fwd = forward[l] as Uint8Array;
    const bwd = backward[l + 1] as Uint8Array;
    for (let i = 0; i < layer.rows; i += 1) {
      for (let j = 0; j < layer.cols; j += 1) {
        const k = i * layer.cols + j;
        const keep = layer.keep[k] === 1;
        const isNonzero = layer.values[k] !== 0;
        if (keep) kept += 1;
        if (isNonzero) nonzero += 1;
        if (!keep && isNonzero) leaks += 1;
        if (keep && fwd[i] === 1 && bwd[j] === 1) effective += 1;
      }
    }
    return { name: layer.name, weights: layer.rows * layer.cols, kept, nonzero, leaks, effective };
  });
  const sum = (pick: (s: LayerStats) => number) => layers.reduce((total, s) => total + pick(s), 0);
  const weights = sum((s) => s.weights);
  const accounting = accountTensors(read.map((layer) => ({ name: layer.name, shape: [layer.rows, layer.cols], kept: layer.keep })));
  return {
    layers,
    weights,
    kept: sum((s) => s.kept),
    sparsity: 1 - sum((s) => s.kept) / weights,
    weightSparsity: 1 - sum((s) => s.nonzero) / weights,
    leaks: sum((s) => s.leaks),
    effectiveDensity: sum((s) => s.effective) / weights,
    collapsed: layers.filter((s) => s.kept === 0).map((s) => s.name),
    removableFraction: accounting.total.removableFraction,
  };
}

/** `name: kept/weights (density %)` for each layer. */
export function describeLayers(stats: MaskStats): string {
  return stats.layers.map((s) => `${s.name.replace('/kernel', '')} ${((100 * s.kept) / s.weights).toFixed(2)}%`).join(', ');
}
