import type { TrainerActivation, TrainerLoss } from './trainer-activations.js';

/**
 * Where a dense trainer keeps everything in its WebAssembly memory (internal module of
 * `parallel/`). All offsets are in bytes and 64-byte aligned; every width but the input's is padded
 * to a multiple of 8 floats (the SIMD products' column block), the padding held at zero.
 */
export interface TrainerLayout {
  /** Layer widths, input first: `[in, hidden…, classes]`. */
  readonly sizes: readonly number[];
  /** `sizes` with every entry but the first rounded up to a multiple of 8: the row strides. */
  readonly padded: readonly number[];
  readonly batch: number;
  readonly threads: number;
  /** The batch `[batch, in]` and its one-hot targets `[batch, classes]` (unpadded). */
  readonly x: number;
  readonly y: number;
  /** A single `1.0`: the A operand of a column sum (`asp = 0`). */
  readonly one: number;
  /** Adam's running powers `β1^(t+1)`, `β2^(t+1)` (two float32), read by every participant, written by the first. */
  readonly powers: number;
  readonly layers: readonly LayerBuffers[];
  /** Input of layer `l` (`x` for 0, the activations of layer `l − 1` after), `[batch, padded[l]]`. */
  readonly inputs: readonly number[];
  /** `activations[l]`: the activation after hidden layer `l` (`l < layers − 1`; the last layer is linear). */
  readonly activations: readonly TrainerActivation[];
  /** The loss on the last layer's outputs. */
  readonly loss: TrainerLoss;
  /**
   * `derivatives[l]`: the derivative of layer `l − 1`'s activation at its pre-activations,
   * `f'(h·W + b)`, `[batch, padded[l]]`, written forward for the backward pass when the activation
   * is not ReLU (ReLU's gradient needs only its outputs); 0 otherwise and at index 0.
   */
  readonly derivatives: readonly number[];
  /** The logits `[batch, padded[L]]`. */
  readonly logits: number;
  /** `deltas[l]`: gradient of the loss in layer `l − 1`'s pre-activations, `[batch, padded[l]]` (`l ≥ 1`; 0 at index 0). */
  readonly deltas: readonly number[];
  /** Bytes of memory all of the above take. */
  readonly bytes: number;
}

/** The buffers of one layer `l`: kernel `[padded[l], padded[l + 1]]`, bias `[padded[l + 1]]`. */
export interface LayerBuffers {
  readonly kernel: number;
  readonly bias: number;
  readonly kernelGradient: number;
  readonly biasGradient: number;
  /** Adam's first and second moments. */
  readonly kernelM: number;
  readonly kernelV: number;
  readonly biasM: number;
  readonly biasV: number;
  /** The kernel's mask (same layout), or 0 when the layer is unmasked. */
  readonly mask: number;
  /** The kernel transposed, `[padded[l + 1], padded[l]]`, for the input gradient (0 for layer 0, which needs none). */
  readonly transposed: number;
}

const ALIGN = 64;

/** Rounds a width up to the products' column block. */
export const padWidth = (width: number): number => Math.ceil(width / 8) * 8;

/**
 * Lays out a network of `sizes` trained on batches of `batch` rows by `threads` threads, with
 * `activations` after its hidden layers (default ReLU) and `loss` (default softmax cross-entropy).
 */
export function trainerLayout(
  sizes: readonly number[],
  batch: number,
  threads: number,
  masked: readonly boolean[],
  activations: readonly TrainerActivation[] = sizes.slice(2).map(() => 'relu'),
  loss: TrainerLoss = 'softmax-cross-entropy',
): TrainerLayout {
  const padded = sizes.map((width, l) => (l === 0 ? width : padWidth(width)));
  let top = ALIGN;
  const allocate = (floats: number): number => {
    const at = top;
    top += Math.ceil((floats * 4) / ALIGN) * ALIGN;
    return at;
  };
  const rows = (l: number) => padded[l] as number;
  const layerCount = sizes.length - 1;
  const x = allocate(batch * rows(0));
  const y = allocate(batch * (sizes[layerCount] as number));
  const one = allocate(1);
  const powers = allocate(2);
  const layers = Array.from({ length: layerCount }, (_, l): LayerBuffers => {
    const kernelFloats = rows(l) * rows(l + 1);
    const biasFloats = rows(l + 1);
    return {
      kernel: allocate(kernelFloats),
      bias: allocate(biasFloats),
      kernelGradient: allocate(kernelFloats),
      biasGradient: allocate(biasFloats),
      kernelM: allocate(kernelFloats),
      kernelV: allocate(kernelFloats),
      biasM: allocate(biasFloats),
      biasV: allocate(biasFloats),
      mask: masked[l] === true ? allocate(kernelFloats) : 0,
      transposed: l === 0 ? 0 : allocate(kernelFloats),
    };
  });
  const inputs = Array.from({ length: layerCount }, (_, l) => (l === 0 ? x : allocate(batch * rows(l))));
  const logits = allocate(batch * rows(layerCount));
  const deltas = Array.from({ length: layerCount + 1 }, (_, l) => (l === 0 ? 0 : allocate(batch * rows(l))));
  // After everything a ReLU network has, so that its layout is unchanged.
  const derivatives = Array.from({ length: layerCount }, (_, l) => (l === 0 || (activations[l - 1] ?? 'relu') === 'relu' ? 0 : allocate(batch * rows(l))));
  return { sizes: [...sizes], padded, batch, threads, x, y, one, powers, layers, inputs, activations: sizes.slice(2).map((_, l) => activations[l] ?? 'relu'), loss, derivatives, logits, deltas, bytes: top };
}

/** The share `[start, end)` of `count` units that participant `index` of `parties` takes (as even as possible). */
export function shareOf(count: number, index: number, parties: number): { start: number; end: number } {
  const base = Math.floor(count / parties);
  const extra = count % parties;
  const start = index * base + Math.min(index, extra);
  return { start, end: start + base + (index < extra ? 1 : 0) };
}
