import { SparseError, simdKernelsFor, type SimdKernels } from '@sparse/core';
import { barrier, CONTROL } from './barrier.js';
import { activate, activationGradient } from './trainer-activations.js';
import { shareOf, type TrainerLayout } from './trainer-layout.js';

/** Adam's constants, as `tf.train.adam(lr)`. */
export const BETA1 = 0.9;
export const BETA2 = 0.999;
const EPSILON = 1e-7;
/** Rows per unit of a row split: the products' row tile. */
const ROW_TILE = 4;

/**
 * One thread's part of a dense trainer's step (internal module of `parallel/`). Every participant
 * holds the same {@link TrainerLayout} over one WebAssembly memory (shared when there are several)
 * and runs its share of each phase, the phases separated by barriers:
 *
 * 1. forward, one phase per hidden layer: its share of the output columns
 *    (`relu(h·W + b)` fused in one SIMD product; for GELU or SiLU the product `h·W + b`, then a pass
 *    over the same columns writing the activation in place and its derivative aside), and a refresh of its rows of `Wᵀ`
 *    (read only backward);
 * 2. the last layer and the loss, by rows: outputs `z`, then softmax cross-entropy's `(softmax(z) − y) / rows`
 *    or mean squared error's `2 (z − y) / (rows · outputs)`;
 * 3. backward, one phase per layer `l`: its columns of `δ_l = (δ_{l+1}·Wᵀ) ⊙ f'(pre_l)` (ReLU's
 *    `[h_l > 0]` fused in the product; GELU's and SiLU's kept derivatives multiplied after it), its rows of
 *    `∇W = h_lᵀ·δ_{l+1}` followed at once by Adam on those rows (no one reads `W` until the next
 *    step), and on one participant the bias gradient (a column sum) and its Adam.
 *
 * Masked kernels use Adam with the mask folded in (`g ← m ⊙ g`, `w ← m ⊙ w`), as core's `withMasks(fusedAdam)`.
 */
export class TrainerParticipant {
  private readonly kernels: SimdKernels;
  private readonly floats: Float32Array;
  /** Rows of the current step's batch (at most `layout.batch`). */
  private rows = 0;
  /** One row's `exp(z − max)`, in float64 as the loss gradient uses them. */
  private readonly exps: Float64Array;

  constructor(
    private readonly layout: TrainerLayout,
    private readonly index: number,
    memory: WebAssembly.Memory,
    private readonly control: Int32Array,
    private readonly learningRate: number,
  ) {
    const kernels = simdKernelsFor(memory);
    if (kernels === undefined) {
      throw new SparseError('E_BACKEND_UNAVAILABLE', 'The dense trainer needs WebAssembly SIMD (and, for threads > 1, WebAssembly threads), which this JavaScript engine does not provide.');
    }
    this.kernels = kernels;
    this.floats = new Float32Array(memory.buffer);
    this.exps = new Float64Array(layout.sizes[layout.sizes.length - 1] as number);
  }

  /** This participant's share of one step on the batch already in memory (`layout.x`, `layout.y`; `control[CONTROL.rows]` rows). */
  step(): void {
    const { layout } = this;
    this.rows = Atomics.load(this.control, CONTROL.rows);
    const layerCount = layout.sizes.length - 1;
    for (let l = 0; l < layerCount - 1; l++) {
      this.forwardHidden(l);
      this.meet();
    }
    this.forwardLastAndLoss();
    this.meet();
    // As tfjs: the bias corrections are 1 − β^t with β^t kept in float32.
    const powers = layout.powers / 4;
    const accBeta1 = this.floats[powers] as number;
    const accBeta2 = this.floats[powers + 1] as number;
    const a = this.learningRate / Math.fround(1 - accBeta1);
    const s = 1 / Math.sqrt(Math.fround(1 - accBeta2));
    for (let l = layerCount - 1; l >= 0; l--) {
      this.backward(l, a, s);
      this.meet();
    }
    // Everyone has read them (the last barrier is behind); the others read them again next step.
    if (this.index === 0) {
      this.floats[powers] = accBeta1 * Math.fround(BETA1);
      this.floats[powers + 1] = accBeta2 * Math.fround(BETA2);
    }
  }

  /**
   * This participant's share of a gradients-only pass on the batch in memory: the same forward
   * and backward as {@link step}, leaving each kernel's dense (unmasked) gradient `∇W = hᵀ·δ` of
   * the mean loss in its `kernelGradient` buffer, with no Adam update, no bias gradient and the
   * running powers untouched. Weights, masks and moments are only read.
   */
  gradients(): void {
    const { layout } = this;
    this.rows = Atomics.load(this.control, CONTROL.rows);
    const layerCount = layout.sizes.length - 1;
    for (let l = 0; l < layerCount - 1; l++) {
      this.forwardHidden(l);
      this.meet();
    }
    this.forwardLastAndLoss();
    this.meet();
    for (let l = layerCount - 1; l >= 0; l--) {
      this.backwardGradient(l);
      this.meet();
    }
  }

  private meet(): void {
    if (this.layout.threads > 1) barrier(this.control, this.layout.threads);
  }

  private share(count: number): { start: number; end: number } {
    return shareOf(count, this.index, this.layout.threads);
  }

  /** Rows `[start, end)` of `rows` split in row tiles. */
  private rowShare(rows: number): { start: number; end: number } {
    const { start, end } = this.share(Math.ceil(rows / ROW_TILE));
    return { start: start * ROW_TILE, end: Math.min(end * ROW_TILE, rows) };
  }

  private forwardHidden(l: number): void {
    const { layout, kernels } = this;
    const { padded } = layout;
    const batch = this.rows;
    const width = padded[l + 1] as number;
    const layer = layout.layers[l] as TrainerLayout['layers'][number];
    const { start, end } = this.share(width / 8);
    if (end > start) {
      const column = 32 * start;
      const activation = layout.activations[l] ?? 'relu';
      if (activation === 'relu') {
        kernels.gemm_bias_relu(layout.inputs[l + 1] as number + column, layout.inputs[l] as number, layer.kernel + column, batch, 8 * (end - start), layout.sizes[l] as number, padded[l] as number, 1, width, width, layer.bias + column);
      } else {
        const output = layout.inputs[l + 1] as number;
        kernels.gemm_bias(output + column, layout.inputs[l] as number, layer.kernel + column, batch, 8 * (end - start), layout.sizes[l] as number, padded[l] as number, 1, width, width, layer.bias + column);
        activate(this.floats, activation, output / 4, (layout.derivatives[l + 1] as number) / 4, batch, width, 8 * start, 8 * end);
      }
    }
    this.refreshTransposed(l);
  }

  /** Writes this participant's rows of layer `l`'s kernel into its transposed copy. */
  private refreshTransposed(l: number): void {
    const layer = this.layout.layers[l] as TrainerLayout['layers'][number];
    if (layer.transposed === 0) return;
    const rows = this.layout.padded[l] as number;
    const columns = this.layout.padded[l + 1] as number;
    const { start, end } = this.share(rows);
    const f = this.floats;
    const from = layer.kernel / 4;
    const to = layer.transposed / 4;
    for (let i = start; i < end; i++) {
      const row = from + i * columns;
      for (let j = 0; j < columns; j++) f[to + j * rows + i] = f[row + j] as number;
    }
  }

  private forwardLastAndLoss(): void {
    const { layout, kernels, floats: f } = this;
    const { padded, sizes } = layout;
    const batch = this.rows;
    const l = sizes.length - 2;
    const layer = layout.layers[l] as TrainerLayout['layers'][number];
    const inWidth = padded[l] as number;
    const width = padded[l + 1] as number;
    const classes = sizes[l + 1] as number;
    this.refreshTransposed(l);
    const { start, end } = this.rowShare(batch);
    if (end <= start) return;
    kernels.gemm_bias(layout.logits + 4 * start * width, (layout.inputs[l] as number) + 4 * start * inWidth, layer.kernel, end - start, width, sizes[l] as number, inWidth, 1, width, width, layer.bias);
    const logits = layout.logits / 4;
    const delta = (layout.deltas[l + 1] as number) / 4;
    const y = layout.y / 4;
    if (layout.loss === 'mean-squared-error') {
      // As tf.losses.meanSquaredError (reduction SUM_BY_NONZERO_WEIGHTS, no weights): the mean over rows and outputs.
      const scale = 2 / (batch * classes);
      for (let r = start; r < end; r++) {
        const z = logits + r * width;
        const d = delta + r * width;
        for (let j = 0; j < classes; j++) f[d + j] = ((f[z + j] as number) - (f[y + r * classes + j] as number)) * scale;
        f.fill(0, d + classes, d + width);
      }
      return;
    }
    for (let r = start; r < end; r++) {
      const z = logits + r * width;
      let max = -Infinity;
      for (let j = 0; j < classes; j++) max = Math.max(max, f[z + j] as number);
      const exps = this.exps;
      let sum = 0;
      for (let j = 0; j < classes; j++) {
        exps[j] = Math.exp((f[z + j] as number) - max);
        sum += exps[j] as number;
      }
      const d = delta + r * width;
      for (let j = 0; j < classes; j++) f[d + j] = ((exps[j] as number) / sum - (f[y + r * classes + j] as number)) / batch;
      f.fill(0, d + classes, d + width);
    }
  }

  /** Layer `l`'s gradients: this participant's columns of `δ_l` and its rows `[start, end)` of `∇W` (returned), no update. */
  private backwardGradient(l: number): { start: number; end: number } {
    const { layout, kernels } = this;
    const { padded, sizes } = layout;
    const batch = this.rows;
    const layer = layout.layers[l] as TrainerLayout['layers'][number];
    const inWidth = padded[l] as number;
    const width = padded[l + 1] as number;
    const delta = layout.deltas[l + 1] as number;
    const input = layout.inputs[l] as number;
    if (l > 0) {
      const { start, end } = this.share(inWidth / 8);
      if (end > start) {
        const column = 32 * start;
        const activation = layout.activations[l - 1] ?? 'relu';
        if (activation === 'relu') {
          kernels.gemm_relu_grad(layout.deltas[l] as number + column, delta, layer.transposed + column, batch, 8 * (end - start), sizes[l + 1] as number, width, 1, inWidth, inWidth, input + column);
        } else {
          kernels.gemm(layout.deltas[l] as number + column, delta, layer.transposed + column, batch, 8 * (end - start), sizes[l + 1] as number, width, 1, inWidth, inWidth, 0);
          activationGradient(this.floats, (layout.deltas[l] as number) / 4, (layout.derivatives[l] as number) / 4, batch, inWidth, 8 * start, 8 * end);
        }
      }
    }
    const rows = this.rowShare(inWidth);
    if (rows.end > rows.start) kernels.gemm(layer.kernelGradient + 4 * rows.start * width, input + 4 * rows.start, delta, rows.end - rows.start, width, batch, 1, inWidth, width, width, 0);
    return rows;
  }

  private backward(l: number, a: number, s: number): void {
    const { layout, kernels } = this;
    const { padded, sizes } = layout;
    const batch = this.rows;
    const layer = layout.layers[l] as TrainerLayout['layers'][number];
    const width = padded[l + 1] as number;
    const delta = layout.deltas[l + 1] as number;
    // δ_l and this participant's rows of ∇W, then Adam on those rows at once (no one reads W until the next step).
    const { start, end } = this.backwardGradient(l);
    if (end > start) {
      const offset = 4 * start * width;
      const n = (end - start) * width;
      if (layer.mask === 0) kernels.adam(layer.kernel + offset, layer.kernelGradient + offset, layer.kernelM + offset, layer.kernelV + offset, n, BETA1, 1 - BETA1, BETA2, 1 - BETA2, a, s, EPSILON);
      else kernels.adam_masked(layer.kernel + offset, layer.kernelGradient + offset, layer.kernelM + offset, layer.kernelV + offset, layer.mask + offset, n, BETA1, 1 - BETA1, BETA2, 1 - BETA2, a, s, EPSILON);
    }
    if ((sizes.length - 2 - l) % layout.threads === this.index) {
      kernels.gemm(layer.biasGradient, layout.one, delta, 1, width, batch, 0, 0, width, width, 0);
      kernels.adam(layer.bias, layer.biasGradient, layer.biasM, layer.biasV, width, BETA1, 1 - BETA1, BETA2, 1 - BETA2, a, s, EPSILON);
    }
  }
}
