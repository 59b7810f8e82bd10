import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { echoValue, SparseError, assertSeed } from '@sparse/core';
import { denseHook, type ActivationHook } from '../hooks/activation-hook.js';
import type { ActivationModel, SiteInfo } from './activation-model.js';
import { ParameterFactory, rmsNorm, silu } from './init.js';

/**
 * Options of {@link createGatedMlp}.
 *
 * @example
 * ```ts
 * import type { GatedMlpOptions } from '@sparse/activation';
 *
 * const options: GatedMlpOptions = { dModel: 128, hidden: 512, blocks: 3, seed: 0 };
 * ```
 */
export interface GatedMlpOptions {
  /** Input features. Default 784. */
  readonly inputSize?: number;
  /** Residual width `d`. Default 128. */
  readonly dModel?: number;
  /** Hidden width of each SwiGLU block. Default 512. */
  readonly hidden?: number;
  /** Number of SwiGLU blocks. Default 3. */
  readonly blocks?: number;
  /** Classes. Default 10. */
  readonly classes?: number;
  /**
   * The gate's activation: `silu` (SwiGLU, default) or `relu` (ReGLU). A `relu` copy of a trained
   * `silu` model is the naive "ReLU swap" (ReLUfication without fine-tuning) baseline.
   */
  readonly gateActivation?: 'silu' | 'relu';
  /** Initialisation seed. */
  readonly seed: number;
}

/** Checks a positive-integer option. @internal */
export function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new SparseError('E_CONFIG', `${field} must be a positive integer, got ${String(value)}.`, { field, received: value, allowed: 'integers >= 1' });
  }
  return value;
}

/**
 * Runs a gated MLP block `(σ(n W_gate) ⊙ (n W_up)) W_down` with the hook at its gate, reporting
 * dense and sparse outputs to `observeBlock` when the hook has it.
 *
 * @internal
 */
export function gatedBlock(n: Tensor, gate: Tensor, up: Tensor, down: Tensor, site: string, block: string, hook: ActivationHook, activation: 'silu' | 'relu' = 'silu'): Tensor {
  const z = tf.matMul(n, gate);
  const g = activation === 'relu' ? tf.relu(z) : silu(z);
  const u = tf.matMul(n, up);
  const a = hook.apply(site, g, { up: u });
  const y = tf.matMul(tf.mul(a, u), down);
  if (hook.observeBlock !== undefined) hook.observeBlock(block, a === g ? y : tf.matMul(tf.mul(g, u), down), y);
  return y;
}

/**
 * A gated-MLP (SwiGLU) classifier with residual blocks, written on tfjs-core variables:
 *
 * ```
 * h = x W_in + b_in
 * for each block i:  h = h + (CATS/CHESS(SiLU(n W_gate)) ⊙ (n W_up)) W_down,  n = RMSNorm(h)
 * logits = RMSNorm(h) W_out + b_out
 * ```
 *
 * Sites `block<i>/gate` (kind `gate`, block `block<i>/mlp`), passed with the up-projection.
 * `gateActivation: 'relu'` swaps SiLU for ReLU (ReGLU).
 * Kernels are Glorot-uniform from seeds derived from `seed` and the parameter's name.
 *
 * @throws SparseError `E_CONFIG` for a non-positive size.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createGatedMlp } from '@sparse/activation';
 *
 * const model = createGatedMlp({ dModel: 128, hidden: 512, blocks: 3, seed: 0 });
 * const logits = tf.tidy(() => model.forward(tf.zeros([8, 784])));
 * console.log(logits.shape); // [8, 10]
 * ```
 */
export function createGatedMlp(options: GatedMlpOptions): ActivationModel {
  const inputSize = positiveInteger(options.inputSize ?? 784, 'inputSize');
  const d = positiveInteger(options.dModel ?? 128, 'dModel');
  const hidden = positiveInteger(options.hidden ?? 512, 'hidden');
  const blockCount = positiveInteger(options.blocks ?? 3, 'blocks');
  const classes = positiveInteger(options.classes ?? 10, 'classes');
  assertSeed(options.seed, 'seed');
  const gateActivation = options.gateActivation ?? 'silu';
  if (gateActivation !== 'silu' && gateActivation !== 'relu') {
    throw new SparseError('E_CONFIG', `gateActivation must be 'silu' or 'relu', got ${echoValue(gateActivation)}.`, { field: 'gateActivation', received: gateActivation, allowed: ['silu', 'relu'] });
  }
  const make = new ParameterFactory(options.seed);
  const embed = make.kernel('embed/kernel', inputSize, d);
  const embedBias = make.constant('embed/bias', d, 0, 'bias');
  const blocks = Array.from({ length: blockCount }, (_, i) => ({
    norm: make.constant(`block${i}/norm/gain`, d, 1, 'norm'),
    gate: make.kernel(`block${i}/gate/kernel`, d, hidden),
    up: make.kernel(`block${i}/up/kernel`, d, hidden),
    down: make.kernel(`block${i}/down/kernel`, hidden, d),
  }));
  const headNorm = make.constant('head/norm/gain', d, 1, 'norm');
  const head = make.kernel('head/kernel', d, classes);
  const headBias = make.constant('head/bias', classes, 0, 'bias');
  const sites: SiteInfo[] = blocks.map((_, i) => ({
    name: `block${i}/gate`,
    kind: 'gate',
    block: `block${i}/mlp`,
    width: hidden,
    tokensPerExample: 1,
    skippableFlopsPerZero: 4 * d,
  }));
  return {
    parameters: make.parameters,
    sites,
    flopsPerExample: 2 * (inputSize * d + blockCount * 3 * d * hidden + d * classes),
    forward(x: Tensor, hook: ActivationHook = denseHook): Tensor {
      return tf.tidy(() => {
        let h = tf.add(tf.matMul(tf.reshape(x, [-1, inputSize]), embed), embedBias);
        blocks.forEach((block, i) => {
          h = tf.add(h, gatedBlock(rmsNorm(h, block.norm), block.gate, block.up, block.down, `block${i}/gate`, `block${i}/mlp`, hook, gateActivation));
        });
        return tf.add(tf.matMul(rmsNorm(h, headNorm), head), headBias);
      });
    },
    dispose(): void {
      for (const p of make.parameters) p.variable.dispose();
    },
  };
}
