import type { Tensor } from '@tensorflow/tfjs-core';
import type { NamedParameter } from '@sparse/core';
import type { ActivationHook } from '../hooks/activation-hook.js';

/**
 * What kind of activation a site carries:
 * - `gate`: the post-activation gate `SiLU(x W_gate)` of a gated MLP (CATS, CHESS);
 * - `attention-input`: the input of the attention's query projection (CHESS+);
 * - `attention-output`: the input of the attention's output projection (CHESS+);
 * - `hidden`: a plain MLP's post-ReLU hidden activation (lazy neurons, top-k).
 *
 * @example
 * ```ts
 * import type { SiteKind } from '@sparse/activation';
 *
 * const kind: SiteKind = 'gate';
 * ```
 */
export type SiteKind = 'gate' | 'attention-input' | 'attention-output' | 'hidden';

/**
 * Static facts about one activation site of a model.
 *
 * @example
 * ```ts
 * import type { SiteInfo } from '@sparse/activation';
 *
 * const site: SiteInfo = { name: 'block0/gate', kind: 'gate', block: 'block0/mlp', width: 512, tokensPerExample: 1, skippableFlopsPerZero: 512 };
 * ```
 */
export interface SiteInfo {
  /** The name the model passes to {@link ActivationHook.apply}. */
  readonly name: string;
  /** What the activation is. */
  readonly kind: SiteKind;
  /** The block whose output the site affects (the name given to `observeBlock`). */
  readonly block: string;
  /** Entries per token. */
  readonly width: number;
  /** Tokens per example (1 for an MLP, the patch count for the ViT). */
  readonly tokensPerExample: number;
  /**
   * FLOPs a sparse kernel could skip per zero entry: the multiply-adds (2 FLOPs each) that read
   * the zeroed value. For a gate entry `i`: column `i` of `W_up` and row `i` of `W_down`
   * (`4 · d`); for an input of a projection to `n` outputs: one row, `2 · n`.
   */
  readonly skippableFlopsPerZero: number;
}

/**
 * A hand-written model (plain tfjs-core variables) with named activation sites: the form every
 * model of this package takes, so one set of hooks calibrates, sparsifies and measures them all.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createGatedMlp, denseHook, type ActivationModel } from '@sparse/activation';
 *
 * const model: ActivationModel = createGatedMlp({ seed: 0 });
 * const logits = tf.tidy(() => model.forward(tf.zeros([2, 784]), denseHook));
 * console.log(model.sites.map((s) => s.name), model.flopsPerExample);
 * ```
 */
export interface ActivationModel {
  /** Its parameters (trainable variables, named `block0/gate/kernel` etc.). */
  readonly parameters: readonly NamedParameter[];
  /** Its activation sites, in forward order. */
  readonly sites: readonly SiteInfo[];
  /** Multiply-add FLOPs of one dense forward pass of one example (matrix products only). */
  readonly flopsPerExample: number;
  /** Logits `[batch, classes]` for inputs `[batch, features]`; `hook` decides each site (default dense). */
  forward(x: Tensor, hook?: ActivationHook): Tensor;
  /** Frees its variables. */
  dispose(): void;
}
