import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SparseError, assertSeed } from '@sparse/core';
import { denseHook, type ActivationHook } from '../hooks/activation-hook.js';
import type { ActivationModel, SiteInfo } from './activation-model.js';
import { positiveInteger } from './gated-mlp.js';
import { ParameterFactory } from './init.js';

/**
 * Options of {@link createReluMlp}.
 *
 * @example
 * ```ts
 * import type { ReluMlpOptions } from '@sparse/activation';
 *
 * const options: ReluMlpOptions = { hidden: [1024], seed: 0 };
 * ```
 */
export interface ReluMlpOptions {
  /** Input features. Default 784. */
  readonly inputSize?: number;
  /** Widths of the hidden ReLU layers (at least one). */
  readonly hidden: readonly number[];
  /** Classes. Default 10. */
  readonly classes?: number;
  /** Initialisation seed. */
  readonly seed: number;
}

/**
 * A plain ReLU MLP (the lazy-neuron paper's 2-layer MLP with `hidden: [w]`). Sites `hidden<i>`
 * (kind `hidden`, block `layer<i+1>`) carry the post-ReLU activations; pass
 * {@link createSparsityMeter} to measure the percentage of nonzero entries, or a top-k hook
 * (`{ 'hidden0': { k } }`) for the top-k variant.
 *
 * @throws SparseError `E_CONFIG` for an empty or non-positive width.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createReluMlp, createSparsityMeter } from '@sparse/activation';
 *
 * const mlp = createReluMlp({ hidden: [256], seed: 0 });
 * const meter = createSparsityMeter();
 * tf.tidy(() => mlp.forward(tf.randomUniform([100, 784]), meter));
 * console.log(1 - (meter.report().sites[0]?.sparsity ?? 0)); // fraction nonzero
 * ```
 */
export function createReluMlp(options: ReluMlpOptions): ActivationModel {
  const inputSize = positiveInteger(options.inputSize ?? 784, 'inputSize');
  const classes = positiveInteger(options.classes ?? 10, 'classes');
  if (!Array.isArray(options.hidden) || options.hidden.length === 0) {
    throw new SparseError('E_CONFIG', 'hidden must list at least one width.', { field: 'hidden', received: options.hidden });
  }
  const widths = options.hidden.map((w, i) => positiveInteger(w, `hidden[${i}]`));
  assertSeed(options.seed, 'seed');
  const make = new ParameterFactory(options.seed);
  const sizes = [inputSize, ...widths, classes];
  const layers = sizes.slice(1).map((out, i) => ({
    kernel: make.kernel(`layer${i}/kernel`, sizes[i] as number, out),
    bias: make.constant(`layer${i}/bias`, out, 0, 'bias'),
  }));
  const sites: SiteInfo[] = widths.map((w, i) => ({
    name: `hidden${i}`,
    kind: 'hidden',
    block: `layer${i + 1}`,
    width: w,
    tokensPerExample: 1,
    skippableFlopsPerZero: 2 * (sizes[i + 2] as number),
  }));
  let flops = 0;
  for (let i = 1; i < sizes.length; i += 1) flops += 2 * (sizes[i - 1] as number) * (sizes[i] as number);
  return {
    parameters: make.parameters,
    sites,
    flopsPerExample: flops,
    forward(x: Tensor, hook: ActivationHook = denseHook): Tensor {
      return tf.tidy(() => {
        let h: Tensor = tf.reshape(x, [-1, inputSize]);
        layers.forEach((layer, i) => {
          const last = i === layers.length - 1;
          h = tf.fused.matMul({ a: h as tf.Tensor2D, b: layer.kernel as tf.Tensor2D, bias: layer.bias, ...(last ? {} : { activation: 'relu' as const }) });
          if (!last) h = hook.apply(`hidden${i}`, h);
        });
        return h;
      });
    },
    dispose(): void {
      for (const p of make.parameters) p.variable.dispose();
    },
  };
}
