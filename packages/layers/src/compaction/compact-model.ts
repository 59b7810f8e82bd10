import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SparseError, type MaskSet } from '@sparse/core';
import { activationOf, inputShapeOf, readChain, type ChainLayer } from './chain.js';
import { modelFlops } from './model-flops.js';

/**
 * Options of {@link compactModel}.
 *
 * @example
 * ```ts
 * import type { CompactModelOptions } from '@sparse/layers';
 *
 * const options: CompactModelOptions = { tolerance: 0 };
 * ```
 */
export interface CompactModelOptions {
  /**
   * Masks keyed by parameter name (as `modelParameters` names them), applied to the weights read
   * from the model first (`w ⊙ m`), so the result equals the masked model. Default: none (the
   * weights as they are, e.g. after `stripMasks`).
   */
  readonly masks?: MaskSet;
  /** Weights with `|w| ≤ tolerance` count as zero. Default `0` (exact zeros only). */
  readonly tolerance?: number;
}

/**
 * What compaction did to one Dense or Conv2D layer.
 *
 * @example
 * ```ts
 * import type { CompactedLayer } from '@sparse/layers';
 *
 * const line = (l: CompactedLayer) => `${l.name}: ${l.unitsBefore} → ${l.unitsAfter}`;
 * ```
 */
export interface CompactedLayer {
  readonly name: string;
  readonly className: 'Dense' | 'Conv2D';
  /** Output units (neurons, filters) before and after. */
  readonly unitsBefore: number;
  readonly unitsAfter: number;
  /** Units removed because all their incoming weights are zero (their constant output folded into the next layer's bias). */
  readonly deadIncoming: number;
  /** Units removed because all their outgoing weights (to the next layer's kept units) are zero. */
  readonly unusedOutgoing: number;
  /** Dead units kept because their nonzero constant output cannot be folded (next Conv2D with 'same' padding). */
  readonly keptConstant: number;
}

/**
 * The result of {@link compactModel}: the new, smaller model (the caller owns and disposes it)
 * and what changed.
 *
 * @example
 * ```ts
 * import type { CompactionResult } from '@sparse/layers';
 *
 * const summary = (r: CompactionResult) => `${r.parameters.before} → ${r.parameters.after} parameters`;
 * ```
 */
export interface CompactionResult {
  readonly model: tfl.Sequential;
  readonly layers: readonly CompactedLayer[];
  /** Trainable and non-trainable parameter counts (`countParams()`). */
  readonly parameters: { readonly before: number; readonly after: number };
  /** FLOPs of one example through the kernels ({@link modelFlops}). */
  readonly flops: { readonly before: number; readonly after: number };
}

/** Host state of a weighted layer during the analysis. */
interface Weighted {
  readonly entry: ChainLayer;
  readonly chainIndex: number;
  /** Kernel viewed as [positions, inputs, outputs] (Dense: positions = 1). */
  readonly kernel: Float32Array;
  readonly positions: number;
  readonly inputs: number;
  readonly outputs: number;
  bias: Float32Array | undefined;
  readonly keep: Uint8Array;
  /** For each input row, the unit of the previous weighted layer it comes from (-1: a model input). */
  inputUnit: Int32Array;
  readonly padding: string;
  deadIncoming: number;
  unusedOutgoing: number;
  /** Dead units whose constant could not be folded (kept). */
  readonly unfoldable: Set<number>;
}

/**
 * Physically removes dead units from a chain of Dense and Conv2D layers (spec B.4 "physically
 * shrunk network"): a neuron or filter whose incoming weights are all zero (its output is the
 * constant `act(bias)`, folded exactly into the next layer's bias) or whose outgoing weights are
 * all zero is deleted together with the matching input rows / channels of the next layer, biases
 * and batch-norm statistics. The result is an ordinary, smaller `tf.Sequential` whose outputs
 * equal the (masked) model's up to float rounding; the last weighted layer's units (the model's
 * outputs) and the model's inputs are never removed. Runs to a fixed point, so removals cascade.
 *
 * Supported: single-input chains of Dense (on vectors), Conv2D (channels-last), Flatten and
 * channelwise layers (elementwise activations, dropout, pooling, global pooling,
 * BatchNormalization on the channel axis). A dead filter with a nonzero constant output feeding a
 * Conv2D with `'same'` padding is kept (zero padding makes its contribution position-dependent).
 *
 * @throws SparseError `E_ARGUMENT` for a model that is not such a chain (naming the layer).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { compactModel } from '@sparse/layers';
 * import type { MaskSet } from '@sparse/core';
 *
 * declare const model: tfl.LayersModel; // 784-512-256-10, 75 % of hidden neurons masked
 * declare const masks: MaskSet;
 * const { model: small, layers } = compactModel(model, { masks });
 * console.log(layers.map((l) => `${l.name}: ${l.unitsBefore} → ${l.unitsAfter}`)); // fc1: 512 → 128, …
 * const x = tf.randomNormal([8, 784]);
 * (small.predict(x) as tf.Tensor).print(); // equals the masked model's output
 * ```
 */
export function compactModel(model: tfl.LayersModel, options: CompactModelOptions = {}): CompactionResult {
  const tolerance = options.tolerance ?? 0;
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new SparseError('E_ARGUMENT', `compactModel: tolerance must be a finite number ≥ 0; got ${String(tolerance)}.`, { field: 'tolerance', received: tolerance });
  }
  const chain = readChain(model);
  const weighted = readWeighted(chain, options.masks);
  if (weighted.length === 0) {
    throw new SparseError('E_ARGUMENT', 'compactModel: the model has no Dense or Conv2D layer.', { field: 'model', received: model.name });
  }
  const zero = (v: number): boolean => Math.abs(v) <= tolerance;

  for (let changed = true; changed; ) {
    changed = false;
    for (let w = 0; w + 1 < weighted.length; w++) {
      const layer = weighted[w] as Weighted;
      const next = weighted[w + 1] as Weighted;
      const dead = deadUnits(layer, weighted[w - 1], zero);
      const unused = unusedUnits(layer, next, zero);
      const candidates: number[] = [];
      for (let j = 0; j < layer.outputs; j++) {
        if (layer.keep[j] === 0) continue;
        if (unused[j] === 1) {
          layer.keep[j] = 0;
          layer.unusedOutgoing += 1;
          changed = true;
        } else if (dead[j] === 1) {
          candidates.push(j);
        }
      }
      if (candidates.length > 0 && foldDeadUnits(chain, layer, next, candidates)) changed = true;
    }
  }
  // Keep at least one unit per layer (a layer of width 0 cannot be built).
  for (const layer of weighted) if (layer.keep.every((k) => k === 0)) layer.keep[0] = 1;

  const compacted = rebuild(model, chain, weighted);
  return {
    model: compacted,
    layers: weighted.map((layer) => ({
      name: layer.entry.layer.name,
      className: layer.entry.className as 'Dense' | 'Conv2D',
      unitsBefore: layer.outputs,
      unitsAfter: layer.keep.reduce((a, b) => a + b, 0),
      deadIncoming: layer.deadIncoming,
      unusedOutgoing: layer.unusedOutgoing,
      keptConstant: [...layer.unfoldable].filter((j) => layer.keep[j] === 1).length,
    })),
    parameters: { before: model.countParams(), after: compacted.countParams() },
    flops: { before: modelFlops(model), after: modelFlops(compacted) },
  };
}

function readWeighted(chain: readonly ChainLayer[], masks: MaskSet | undefined): Weighted[] {
  const out: Weighted[] = [];
  let previousUnits: number | undefined;
  let flattenFrom: number | undefined;
  chain.forEach((entry, chainIndex) => {
    if (entry.kind === 'flatten') {
      const shape = inputShapeOf(entry.layer);
      flattenFrom = shape[shape.length - 1] ?? undefined;
      return;
    }
    if (entry.kind !== 'dense' && entry.kind !== 'conv2d') return;
    const values = (suffix: string): { data: Float32Array; shape: number[] } | undefined => {
      const variable = entry.layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
      if (variable === undefined) return undefined;
      const data = Float32Array.from(variable.read().dataSync() as Float32Array);
      const mask = masks?.get(variable.originalName);
      if (mask !== undefined) {
        const m = mask.dataSync();
        if (m.length !== data.length) {
          throw new SparseError('E_ARGUMENT', `compactModel: the mask '${variable.originalName}' has ${m.length} elements, the weight ${data.length}.`, {
            field: `masks.${variable.originalName}`,
            received: m.length,
          });
        }
        for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) * (m[i] as number);
      }
      return { data, shape: variable.shape as number[] };
    };
    const kernel = values('kernel');
    if (kernel === undefined) throw new SparseError('E_INTERNAL', `compactModel: layer '${entry.layer.name}' has no kernel.`);
    const bias = values('bias');
    const shape = kernel.shape;
    const positions = entry.kind === 'dense' ? 1 : (shape[0] ?? 1) * (shape[1] ?? 1);
    const inputs = shape[shape.length - 2] ?? 0;
    const outputs = shape[shape.length - 1] ?? 0;
    const inputUnit = new Int32Array(inputs);
    for (let r = 0; r < inputs; r++) {
      if (previousUnits === undefined) inputUnit[r] = -1;
      else inputUnit[r] = flattenFrom !== undefined ? r % flattenFrom : r;
    }
    const config = entry.layer.getConfig();
    out.push({
      entry,
      chainIndex,
      kernel: kernel.data,
      positions,
      inputs,
      outputs,
      bias: bias?.data,
      keep: new Uint8Array(outputs).fill(1),
      inputUnit,
      padding: typeof config['padding'] === 'string' ? config['padding'] : 'valid',
      deadIncoming: 0,
      unusedOutgoing: 0,
      unfoldable: new Set(),
    });
    previousUnits = outputs;
    flattenFrom = undefined;
  });
  return out;
}

/** 1 for kept units whose incoming weights from kept inputs are all zero. */
function deadUnits(layer: Weighted, previous: Weighted | undefined, zero: (v: number) => boolean): Uint8Array {
  const { kernel, positions, inputs, outputs, inputUnit } = layer;
  const dead = new Uint8Array(outputs).fill(1);
  for (let p = 0; p < positions; p++) {
    for (let r = 0; r < inputs; r++) {
      const unit = inputUnit[r] as number;
      if (previous !== undefined && unit >= 0 && previous.keep[unit] === 0) continue;
      const base = (p * inputs + r) * outputs;
      for (let o = 0; o < outputs; o++) if (dead[o] === 1 && !zero(kernel[base + o] as number)) dead[o] = 0;
    }
  }
  return dead;
}

/** 1 for units whose weights into the next layer's kept units are all zero. */
function unusedUnits(layer: Weighted, next: Weighted, zero: (v: number) => boolean): Uint8Array {
  const unused = new Uint8Array(layer.outputs).fill(1);
  const { kernel, positions, inputs, outputs, inputUnit, keep } = next;
  for (let p = 0; p < positions; p++) {
    for (let r = 0; r < inputs; r++) {
      const unit = inputUnit[r] as number;
      if (unused[unit] === 0) continue;
      const base = (p * inputs + r) * outputs;
      for (let o = 0; o < outputs; o++) {
        if (keep[o] === 1 && !zero(kernel[base + o] as number)) {
          unused[unit] = 0;
          break;
        }
      }
    }
  }
  return unused;
}

/**
 * The input the next weighted layer receives when every unit of `layer` outputs its constant
 * `act(bias)`: the activation and the layers between them applied to a constant feature map.
 */
function constantInput(chain: readonly ChainLayer[], layer: Weighted, next: Weighted): Float32Array {
  return tf.tidy(() => {
    const shape = (layer.entry.layer.outputShape as (number | null)[]).slice(1).map((d) => d ?? 1);
    const bias = layer.bias ?? new Float32Array(layer.outputs);
    let x: tf.Tensor = tf.add(tf.zeros([1, ...shape]), tf.tensor1d(bias));
    const activation = activationOf(layer.entry.layer) ?? 'linear';
    if (activation !== 'linear') x = tfl.layers.activation({ activation: activation as 'relu' }).apply(x) as tf.Tensor;
    for (let i = layer.chainIndex + 1; i < next.chainIndex; i++) x = (chain[i] as ChainLayer).layer.apply(x) as tf.Tensor;
    return Float32Array.from(x.dataSync() as Float32Array);
  });
}

/**
 * Removes the dead units that can be folded, adding their constant contribution to the next
 * layer's bias. Returns whether any was removed.
 */
function foldDeadUnits(chain: readonly ChainLayer[], layer: Weighted, next: Weighted, candidates: readonly number[]): boolean {
  const input = constantInput(chain, layer, next);
  const { kernel, positions, inputs, outputs, inputUnit } = next;
  const units = layer.outputs;
  // Dense: the values it sees from each unit, per input row; Conv2D: per position of channel j.
  const perRow = next.entry.kind === 'dense';
  let removed = false;
  for (const j of candidates) {
    const contribution = new Float64Array(outputs);
    let foldable = true;
    if (perRow) {
      for (let r = 0; r < inputs; r++) {
        if (inputUnit[r] !== j) continue;
        const c = input[r] as number;
        if (c === 0) continue;
        const base = r * outputs;
        for (let o = 0; o < outputs; o++) contribution[o] = (contribution[o] as number) + c * (kernel[base + o] as number);
      }
    } else {
      // Channel j of the feature map must be one constant (then a 'valid' convolution adds
      // c·Σ_p W[p, j, o] at every position), or zero.
      let first: number | undefined;
      let constant = true;
      let allZero = true;
      for (let e = j; e < input.length; e += units) {
        const c = input[e] as number;
        if (c !== 0) allZero = false;
        if (first === undefined) first = c;
        else if (Math.abs(c - first) > 1e-6 * Math.abs(first)) constant = false;
      }
      if (!allZero) {
        if (!constant || next.padding !== 'valid') foldable = false;
        else {
          for (let p = 0; p < positions; p++) {
            const base = (p * inputs + j) * outputs;
            for (let o = 0; o < outputs; o++) contribution[o] = (contribution[o] as number) + (first ?? 0) * (kernel[base + o] as number);
          }
        }
      }
    }
    if (!foldable) {
      layer.unfoldable.add(j);
      continue;
    }
    if (contribution.some((v) => v !== 0)) {
      next.bias ??= new Float32Array(outputs);
      for (let o = 0; o < outputs; o++) next.bias[o] = (next.bias[o] as number) + (contribution[o] as number);
    }
    layer.keep[j] = 0;
    layer.deadIncoming += 1;
    removed = true;
  }
  return removed;
}

/** Builds the compacted Sequential model and sets its weights. */
function rebuild(model: tfl.LayersModel, chain: readonly ChainLayer[], weighted: readonly Weighted[]): tfl.Sequential {
  const byChain = new Map(weighted.map((w) => [w.chainIndex, w] as const));
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  const built: { layer: tfl.layers.Layer; weights: tf.Tensor[] }[] = [];
  let previous: Weighted | undefined;
  const inputShape = model.inputs[0]?.shape;
  chain.forEach((entry, index) => {
    const config: tf.serialization.ConfigDict = { ...entry.layer.getConfig() };
    if (index === 0) config['batchInputShape'] = inputShape as tf.serialization.ConfigDictValue;
    delete config['inputShape'];
    const state = byChain.get(index);
    const weights: tf.Tensor[] = [];
    if (state !== undefined) {
      const kept = keptIndices(state.keep);
      const rows = keptRows(state, previous);
      config[state.entry.kind === 'dense' ? 'units' : 'filters'] = kept.length;
      config['useBias'] = state.bias !== undefined;
      const originalShape = state.entry.layer.weights.find((w) => w.originalName.endsWith('/kernel'))?.shape as number[];
      const shape = [...originalShape.slice(0, -2), rows.length, kept.length];
      weights.push(tf.tensor(sliceKernel(state, rows, kept), shape, 'float32'));
      if (state.bias !== undefined) weights.push(tf.tensor1d(kept.map((o) => (state.bias as Float32Array)[o] as number)));
      previous = state;
    } else if (entry.className === 'BatchNormalization' && previous !== undefined) {
      const kept = keptIndices(previous.keep);
      for (const w of entry.layer.weights) {
        const data = w.read().dataSync();
        weights.push(tf.tensor1d(kept.map((c) => data[c] as number)));
      }
    } else {
      for (const w of entry.layer.weights) weights.push(tf.clone(w.read()));
    }
    const registered = classes[entry.className];
    if (registered === undefined) throw new SparseError('E_INTERNAL', `compactModel: no registered class ${entry.className}.`);
    const [cls, fromConfig] = registered;
    built.push({ layer: fromConfig(cls, config) as unknown as tfl.layers.Layer, weights });
  });
  const compacted = tfl.sequential({ layers: built.map((b) => b.layer), name: `${model.name}_compacted` });
  for (const { layer, weights } of built) {
    if (weights.length > 0) layer.setWeights(weights);
    tf.dispose(weights);
  }
  return compacted;
}

function keptIndices(keep: Uint8Array): number[] {
  const out: number[] = [];
  keep.forEach((k, i) => {
    if (k === 1) out.push(i);
  });
  return out;
}

function keptRows(state: Weighted, previous: Weighted | undefined): number[] {
  const rows: number[] = [];
  for (let r = 0; r < state.inputs; r++) {
    const unit = state.inputUnit[r] as number;
    if (previous === undefined || unit < 0 || previous.keep[unit] === 1) rows.push(r);
  }
  return rows;
}

function sliceKernel(state: Weighted, rows: readonly number[], kept: readonly number[]): Float32Array {
  const { kernel, positions, inputs, outputs } = state;
  const out = new Float32Array(positions * rows.length * kept.length);
  let e = 0;
  for (let p = 0; p < positions; p++) {
    for (const r of rows) {
      const base = (p * inputs + r) * outputs;
      for (const o of kept) out[e++] = kernel[base + o] as number;
    }
  }
  return out;
}
