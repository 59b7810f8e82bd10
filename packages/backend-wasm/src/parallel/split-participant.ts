import * as tf from '@tensorflow/tfjs-core';
import { fusedAdam, withMasks, type MaskedOptimizer, type NamedParameter } from '@sparse/core';
import { barrier } from './barrier.js';
import { exchangeOffset, gatherParts, unitsOf, type SplitLayout } from './split-layout.js';

/** Values a participant starts from, in the standard layout (`kernel[l]` is `[in, out]`). */
export interface SplitInitialValues {
  readonly kernels: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
  /** `0`/`1` per kernel entry, or `null` where the layer has no mask. */
  readonly masks: readonly (Float32Array | null)[];
}

/** The buffers the participants share. */
export interface SplitSharedViews {
  readonly control: Int32Array;
  readonly batch: Float32Array;
  readonly exchange: Float32Array;
  readonly gather: Float32Array;
}

/**
 * One participant (thread) of a dense trainer (internal module of `parallel/`): its share of the network
 * as tfjs variables on its own thread's backend, the masked fused Adam over them, and the step.
 *
 * A step: `h0ᵀ = relu(W0ᵀ_p · xᵀ + b0_p)` on the participant's units; its partial product
 * `h0_p · W1_p` goes to the exchange buffer; a barrier; every participant sums the partials in
 * participant order (so all hold the same `z1`), runs the later layers and the loss, and
 * back-propagates. The gradients of its own blocks need nothing from the others:
 * `dW1_p = h0_pᵀ · dz1`, `dh0_p = dz1 · W1_pᵀ`, `dW0ᵀ_p = dz0ᵀ_p · x`.
 */
export class SplitParticipant {
  readonly first: number;
  readonly units: number;
  private readonly kernel0T: tf.Variable;
  private readonly bias0: tf.Variable;
  private readonly kernel1: tf.Variable;
  /** Layer 1's bias and layers 2 onwards, whole: `[bias1, kernel2, bias2, ...]`. */
  private readonly whole: tf.Variable[];
  private readonly optimizer: MaskedOptimizer;
  private readonly masks: tf.Tensor[];
  private readonly sum: Float32Array;
  private iteration = 0;

  constructor(
    private readonly layout: SplitLayout,
    private readonly index: number,
    initial: SplitInitialValues,
    learningRate: number,
    private readonly shared: SplitSharedViews,
  ) {
    const { first, units } = unitsOf(layout, index);
    this.first = first;
    this.units = units;
    const [inputs = 0, hidden = 0, next = 0] = layout.sizes;
    const layers = layout.sizes.length - 1;
    const columnsT = (values: Float32Array) => tf.tidy(() => tf.transpose(tf.slice(tf.tensor2d(values, [inputs, hidden]), [0, first], [inputs, units])));
    const rows = (values: Float32Array) => tf.tensor2d(values.subarray(first * next, (first + units) * next), [units, next]);
    const id = `split${index}/${Math.random().toString(36).slice(2)}`;
    this.kernel0T = tf.variable(columnsT(initial.kernels[0] as Float32Array), true, `${id}/kernel0T`);
    this.bias0 = tf.variable(tf.tensor1d((initial.biases[0] as Float32Array).subarray(first, first + units)), true, `${id}/bias0`);
    this.kernel1 = tf.variable(rows(initial.kernels[1] as Float32Array), true, `${id}/kernel1`);
    this.whole = [tf.variable(tf.tensor1d(initial.biases[1] as Float32Array), true, `${id}/bias1`)];
    for (let l = 2; l < layers; l++) {
      const shape: [number, number] = [layout.sizes[l] as number, layout.sizes[l + 1] as number];
      this.whole.push(tf.variable(tf.tensor2d(initial.kernels[l] as Float32Array, shape), true, `${id}/kernel${l}`));
      this.whole.push(tf.variable(tf.tensor1d(initial.biases[l] as Float32Array), true, `${id}/bias${l}`));
    }
    const parameters: NamedParameter[] = [
      { name: 'kernel0T', role: 'dense-kernel', variable: this.kernel0T },
      { name: 'bias0', role: 'bias', variable: this.bias0 },
      { name: 'kernel1', role: 'dense-kernel', variable: this.kernel1 },
      ...this.whole.map((variable, i): NamedParameter => (i % 2 === 0 ? { name: `bias${i / 2 + 1}`, role: 'bias', variable } : { name: `kernel${(i + 1) / 2 + 1}`, role: 'dense-kernel', variable })),
    ];
    const maskEntries: [string, tf.Tensor][] = [];
    const [mask0, mask1] = initial.masks;
    if (mask0 !== null && mask0 !== undefined) maskEntries.push(['kernel0T', columnsT(mask0)]);
    if (mask1 !== null && mask1 !== undefined) maskEntries.push(['kernel1', rows(mask1)]);
    for (let l = 2; l < layers; l++) {
      const mask = initial.masks[l];
      if (mask !== null && mask !== undefined) maskEntries.push([`kernel${l}`, tf.tensor2d(mask, [layout.sizes[l] as number, layout.sizes[l + 1] as number])]);
    }
    this.masks = maskEntries.map(([, mask]) => mask);
    this.optimizer = withMasks(fusedAdam(learningRate), { parameters, masks: new Map(maskEntries) });
    this.sum = new Float32Array(layout.batch * next);
  }

  /** One training step on the batch `x` `[batch, in]`, one-hot `y` `[batch, classes]`. */
  step(x: tf.Tensor2D, y: tf.Tensor2D): void {
    const { layout, shared, units } = this;
    const batch = layout.batch;
    const next = layout.sizes[2] as number;
    const parity = this.iteration & 1;
    this.iteration += 1;
    const grads = tf.tidy(() => {
      const h0T = tf.relu(tf.add(tf.matMul(this.kernel0T, tf.transpose(x)), tf.reshape(this.bias0, [units, 1])));
      shared.exchange.set(tf.matMul(h0T, this.kernel1, true, false).dataSync() as Float32Array, exchangeOffset(layout, parity, this.index));
      barrier(shared.control, layout.participants);
      const sum = this.sum;
      sum.set(shared.exchange.subarray(exchangeOffset(layout, parity, 0), exchangeOffset(layout, parity, 0) + sum.length));
      for (let p = 1; p < layout.participants; p++) {
        const offset = exchangeOffset(layout, parity, p);
        for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (shared.exchange[offset + i] as number);
      }
      const bias1 = this.whole[0] as tf.Variable;
      // activations[l] is the input of layer l + 2 (the output of layer l + 1, after ReLU).
      const activations: tf.Tensor[] = [];
      let z: tf.Tensor = tf.add(tf.tensor2d(sum, [batch, next]), bias1);
      for (let i = 1; i < this.whole.length; i += 2) {
        const input = tf.relu(z);
        activations.push(input);
        z = tf.add(tf.matMul(input, this.whole[i] as tf.Variable), this.whole[i + 1] as tf.Variable);
      }
      let dz = tf.div(tf.sub(tf.softmax(z), y), batch);
      const wholeGrads: tf.Tensor[] = new Array<tf.Tensor>(this.whole.length);
      for (let i = this.whole.length - 2; i >= 1; i -= 2) {
        const input = activations[(i - 1) / 2] as tf.Tensor;
        wholeGrads[i] = tf.matMul(input, dz, true, false);
        wholeGrads[i + 1] = tf.sum(dz, 0);
        dz = tf.mul(tf.matMul(dz, this.whole[i] as tf.Variable, false, true), tf.step(input));
      }
      wholeGrads[0] = tf.sum(dz, 0);
      const dz0T = tf.mul(tf.matMul(this.kernel1, dz, false, true), tf.step(h0T));
      return { kernel0T: tf.matMul(dz0T, x), bias0: tf.sum(dz0T, 1), kernel1: tf.matMul(h0T, dz), whole: wholeGrads };
    });
    const named: Record<string, tf.Tensor> = { [this.kernel0T.name]: grads.kernel0T, [this.bias0.name]: grads.bias0, [this.kernel1.name]: grads.kernel1 };
    this.whole.forEach((variable, i) => {
      named[variable.name] = grads.whole[i] as tf.Tensor;
    });
    try {
      this.optimizer.applyGradients(named);
    } finally {
      tf.dispose(Object.values(named));
    }
  }

  /** Writes this participant's rows of layer 0's kernel (transposed), layer 0's bias and layer 1's kernel into the gather buffer. */
  writeBlocks(): void {
    const parts = gatherParts(this.layout);
    const [inputs = 0, , next = 0] = this.layout.sizes;
    const gather = this.shared.gather;
    gather.set(this.kernel0T.dataSync() as Float32Array, parts.kernel0T + this.first * inputs);
    gather.set(this.bias0.dataSync() as Float32Array, parts.bias0 + this.first);
    gather.set(this.kernel1.dataSync() as Float32Array, parts.kernel1 + this.first * next);
  }

  /** Layer 1's bias, then each later layer's kernel and bias, in the standard layout. */
  wholeValues(): Float32Array[] {
    return this.whole.map((variable) => variable.dataSync() as Float32Array);
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.kernel0T, this.bias0, this.kernel1, ...this.whole, ...this.masks]);
  }
}
