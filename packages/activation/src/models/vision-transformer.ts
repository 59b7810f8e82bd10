import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SparseError, assertSeed } from '@sparse/core';
import { denseHook, type ActivationHook } from '../hooks/activation-hook.js';
import type { ActivationModel, SiteInfo } from './activation-model.js';
import { gatedBlock, positiveInteger } from './gated-mlp.js';
import { ParameterFactory, rmsNorm } from './init.js';

/**
 * Options of {@link createVisionTransformer}.
 *
 * @example
 * ```ts
 * import type { VisionTransformerOptions } from '@sparse/activation';
 *
 * const options: VisionTransformerOptions = { patch: 7, dModel: 64, heads: 4, layers: 2, hidden: 128, seed: 0 };
 * ```
 */
export interface VisionTransformerOptions {
  /** Side of the square input image. Default 28. */
  readonly image?: number;
  /** Side of a square patch; must divide `image`. Default 7 (16 tokens of 49 pixels). */
  readonly patch?: number;
  /** Model width `d`. Default 64. */
  readonly dModel?: number;
  /** Attention heads; must divide `dModel`. Default 4. */
  readonly heads?: number;
  /** Transformer layers. Default 2. */
  readonly layers?: number;
  /** Hidden width of the SwiGLU MLP. Default 128. */
  readonly hidden?: number;
  /** Classes. Default 10. */
  readonly classes?: number;
  /** Initialisation seed. */
  readonly seed: number;
}

/**
 * A small pre-norm vision transformer on non-overlapping patches, written on tfjs-core
 * variables: patch embedding plus learned positions; per layer multi-head self-attention and a
 * SwiGLU MLP, each with RMSNorm and a residual; mean pooling over tokens; a linear head.
 *
 * Sites per layer `l` (CHESS+ selective sparsification and CATS/CHESS on the MLP):
 * - `layer<l>/attn/q_input` (kind `attention-input`): the normalised input as seen by the query
 *   projection only; the key and value projections always use the dense input;
 * - `layer<l>/attn/o_input` (kind `attention-output`): the attention output entering `W_o`;
 * - `layer<l>/mlp/gate` (kind `gate`), passed with the up-projection.
 * Blocks for `observeBlock`: `layer<l>/attn` and `layer<l>/mlp`.
 *
 * @throws SparseError `E_CONFIG` for sizes that do not fit (patch not dividing the image, heads
 * not dividing the width).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createVisionTransformer } from '@sparse/activation';
 *
 * const vit = createVisionTransformer({ seed: 0 }); // 16 patches of 7x7, d=64, 4 heads, 2 layers
 * const logits = tf.tidy(() => vit.forward(tf.zeros([2, 784])));
 * console.log(logits.shape); // [2, 10]
 * ```
 */
export function createVisionTransformer(options: VisionTransformerOptions): ActivationModel {
  const image = positiveInteger(options.image ?? 28, 'image');
  const patch = positiveInteger(options.patch ?? 7, 'patch');
  const d = positiveInteger(options.dModel ?? 64, 'dModel');
  const heads = positiveInteger(options.heads ?? 4, 'heads');
  const layerCount = positiveInteger(options.layers ?? 2, 'layers');
  const hidden = positiveInteger(options.hidden ?? 128, 'hidden');
  const classes = positiveInteger(options.classes ?? 10, 'classes');
  assertSeed(options.seed, 'seed');
  if (image % patch !== 0) throw new SparseError('E_CONFIG', `patch (${patch}) must divide image (${image}).`, { field: 'patch', received: patch });
  if (d % heads !== 0) throw new SparseError('E_CONFIG', `heads (${heads}) must divide dModel (${d}).`, { field: 'heads', received: heads });
  const side = image / patch;
  const tokens = side * side;
  const patchSize = patch * patch;
  const headSize = d / heads;
  const make = new ParameterFactory(options.seed);
  const patchKernel = make.kernel('patch/kernel', patchSize, d);
  const patchBias = make.constant('patch/bias', d, 0, 'bias');
  const positions = make.normal('pos/embedding', [tokens, d], 0.02, 'embedding');
  const layers = Array.from({ length: layerCount }, (_, l) => ({
    attnNorm: make.constant(`layer${l}/attn/norm/gain`, d, 1, 'norm'),
    q: make.kernel(`layer${l}/attn/q/kernel`, d, d),
    k: make.kernel(`layer${l}/attn/k/kernel`, d, d),
    v: make.kernel(`layer${l}/attn/v/kernel`, d, d),
    o: make.kernel(`layer${l}/attn/o/kernel`, d, d),
    mlpNorm: make.constant(`layer${l}/mlp/norm/gain`, d, 1, 'norm'),
    gate: make.kernel(`layer${l}/mlp/gate/kernel`, d, hidden),
    up: make.kernel(`layer${l}/mlp/up/kernel`, d, hidden),
    down: make.kernel(`layer${l}/mlp/down/kernel`, hidden, d),
  }));
  const headNorm = make.constant('head/norm/gain', d, 1, 'norm');
  const head = make.kernel('head/kernel', d, classes);
  const headBias = make.constant('head/bias', classes, 0, 'bias');
  const sites: SiteInfo[] = layers.flatMap((_, l) => [
    { name: `layer${l}/attn/q_input`, kind: 'attention-input', block: `layer${l}/attn`, width: d, tokensPerExample: tokens, skippableFlopsPerZero: 2 * d },
    { name: `layer${l}/attn/o_input`, kind: 'attention-output', block: `layer${l}/attn`, width: d, tokensPerExample: tokens, skippableFlopsPerZero: 2 * d },
    { name: `layer${l}/mlp/gate`, kind: 'gate', block: `layer${l}/mlp`, width: hidden, tokensPerExample: tokens, skippableFlopsPerZero: 4 * d },
  ] satisfies SiteInfo[]);
  const scale = 1 / Math.sqrt(headSize);

  const splitHeads = (t: Tensor, batch: number): Tensor => tf.reshape(tf.transpose(tf.reshape(t, [batch, tokens, heads, headSize]), [0, 2, 1, 3]), [batch * heads, tokens, headSize]);
  const attention = (n: Tensor, qInput: Tensor, layer: (typeof layers)[number], batch: number, hook: ActivationHook | undefined, l: number): Tensor => {
    const q = splitHeads(tf.matMul(qInput, layer.q), batch);
    const k = splitHeads(tf.matMul(n, layer.k), batch);
    const v = splitHeads(tf.matMul(n, layer.v), batch);
    const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale));
    const context = tf.reshape(tf.transpose(tf.reshape(tf.matMul(weights, v), [batch, heads, tokens, headSize]), [0, 2, 1, 3]), [batch * tokens, d]);
    const oInput = hook === undefined ? context : hook.apply(`layer${l}/attn/o_input`, context);
    return tf.matMul(oInput, layer.o);
  };

  return {
    parameters: make.parameters,
    sites,
    flopsPerExample: 2 * (tokens * patchSize * d + layerCount * (4 * tokens * d * d + 2 * tokens * tokens * d + 3 * tokens * d * hidden) + d * classes),
    forward(x: Tensor, hook: ActivationHook = denseHook): Tensor {
      return tf.tidy(() => {
        const batch = x.shape[0] ?? 1;
        const patches = tf.reshape(tf.transpose(tf.reshape(x, [batch, side, patch, side, patch]), [0, 1, 3, 2, 4]), [batch * tokens, patchSize]);
        const embedded = tf.add(tf.reshape(tf.add(tf.matMul(patches, patchKernel), patchBias), [batch, tokens, d]), positions);
        let h = tf.reshape(embedded, [batch * tokens, d]);
        layers.forEach((layer, l) => {
          const n = rmsNorm(h, layer.attnNorm);
          const qInput = hook.apply(`layer${l}/attn/q_input`, n);
          const attended = attention(n, qInput, layer, batch, hook, l);
          if (hook.observeBlock !== undefined) hook.observeBlock(`layer${l}/attn`, attention(n, n, layer, batch, undefined, l), attended);
          h = tf.add(h, attended);
          h = tf.add(h, gatedBlock(rmsNorm(h, layer.mlpNorm), layer.gate, layer.up, layer.down, `layer${l}/mlp/gate`, `layer${l}/mlp`, hook));
        });
        const pooled = tf.mean(tf.reshape(h, [batch, tokens, d]), 1);
        return tf.add(tf.matMul(rmsNorm(pooled, headNorm), head), headBias);
      });
    },
    dispose(): void {
      for (const p of make.parameters) p.variable.dispose();
    },
  };
}
