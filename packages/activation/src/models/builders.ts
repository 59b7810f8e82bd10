import { z } from 'zod';
import { SparseError } from '@sparse/core';
import { parseOptions } from '../sparsifiers/parse-options.js';
import { createGatedMlp } from './gated-mlp.js';
import type { ModelBuilder } from './model-builder.js';
import { createReluMlp } from './relu-mlp.js';
import { createVisionTransformer } from './vision-transformer.js';

const width = (fallback: number, description: string) => z.int().min(1).max(1 << 16).default(fallback).meta({ description });

/**
 * The options schema of the `gated-mlp` model (see {@link gatedMlpBuilder}).
 *
 * @example
 * ```ts
 * import { gatedMlpBuilderOptions } from '@sparse/activation';
 *
 * console.log(gatedMlpBuilderOptions.parse({})); // { dModel: 128, hidden: 512, blocks: 3 }
 * ```
 */
export const gatedMlpBuilderOptions = z.object({
  dModel: width(128, 'Residual width d.'),
  hidden: width(512, 'Hidden width of each SwiGLU block.'),
  blocks: z.int().min(1).max(64).default(3).meta({ description: 'Residual SwiGLU blocks.' }),
});

/**
 * The options schema of the `vit` model (see {@link visionTransformerBuilder}).
 *
 * @example
 * ```ts
 * import { visionTransformerBuilderOptions } from '@sparse/activation';
 *
 * console.log(visionTransformerBuilderOptions.parse({ layers: 1 })); // { patch: 7, dModel: 64, heads: 4, layers: 1, hidden: 128 }
 * ```
 */
export const visionTransformerBuilderOptions = z.object({
  patch: z.int().min(1).max(28).default(7).meta({ description: 'Patch side in pixels (must divide 28).' }),
  dModel: width(64, 'Token width d.'),
  heads: z.int().min(1).max(64).default(4).meta({ description: 'Attention heads (must divide dModel).' }),
  layers: z.int().min(1).max(32).default(2).meta({ description: 'Transformer layers.' }),
  hidden: width(128, 'Hidden width of each SwiGLU MLP.'),
});

/**
 * The options schema of the `relu-mlp` model (see {@link reluMlpBuilder}).
 *
 * @example
 * ```ts
 * import { reluMlpBuilderOptions } from '@sparse/activation';
 *
 * console.log(reluMlpBuilderOptions.parse({ hidden: [1024] })); // { hidden: [1024] }
 * ```
 */
export const reluMlpBuilderOptions = z.object({
  hidden: z.array(z.int().min(1).max(1 << 16)).min(1).max(16).default([256]).meta({ description: 'Hidden widths (one ReLU layer each).' }),
});

/**
 * The SwiGLU classifier ({@link createGatedMlp}) on 28x28 images, 10 classes: 784 → d, residual
 * SwiGLU blocks with RMSNorm, head. It has a ReLU swap.
 *
 * @throws SparseError `E_CONFIG` for an invalid option.
 *
 * @example
 * ```ts
 * import { gatedMlpBuilder } from '@sparse/activation';
 *
 * const builder = gatedMlpBuilder({ dModel: 64, hidden: 256, blocks: 2 });
 * const model = builder.create(0);
 * model.dispose();
 * ```
 */
export function gatedMlpBuilder(options: z.input<typeof gatedMlpBuilderOptions> = {}): ModelBuilder {
  const sizes = parseOptions(gatedMlpBuilderOptions, options);
  return Object.freeze<ModelBuilder>({
    name: 'gated-mlp',
    description: `784 -> ${sizes.dModel}, ${sizes.blocks} residual SwiGLU block${sizes.blocks === 1 ? '' : 's'} (RMSNorm, hidden ${sizes.hidden}), RMSNorm, ${sizes.dModel} -> 10`,
    create: (seed: number) => createGatedMlp({ ...sizes, seed }),
    reluSwap: (seed: number) => createGatedMlp({ ...sizes, seed, gateActivation: 'relu' }),
  });
}

/**
 * The small vision transformer ({@link createVisionTransformer}) on 28x28 images, 10 classes.
 *
 * @throws SparseError `E_CONFIG` for an invalid option (also when `patch` does not divide 28 or
 * `heads` does not divide `dModel`).
 *
 * @example
 * ```ts
 * import { visionTransformerBuilder } from '@sparse/activation';
 *
 * const builder = visionTransformerBuilder({ dModel: 32, heads: 2, layers: 1, hidden: 64 });
 * const model = builder.create(0);
 * model.dispose();
 * ```
 */
export function visionTransformerBuilder(options: z.input<typeof visionTransformerBuilderOptions> = {}): ModelBuilder {
  const sizes = parseOptions(visionTransformerBuilderOptions, options);
  if (28 % sizes.patch !== 0) throw new SparseError('E_CONFIG', `patch: ${sizes.patch} does not divide the 28 pixels of an image side.`, { field: 'patch', received: sizes.patch, allowed: [1, 2, 4, 7, 14, 28] });
  if (sizes.dModel % sizes.heads !== 0) throw new SparseError('E_CONFIG', `heads: ${sizes.heads} does not divide dModel ${sizes.dModel}.`, { field: 'heads', received: sizes.heads });
  const side = 28 / sizes.patch;
  return Object.freeze<ModelBuilder>({
    name: 'vit',
    description: `${side * side} patches of ${sizes.patch}x${sizes.patch} -> d ${sizes.dModel} with learned positions, ${sizes.layers} pre-norm layer${sizes.layers === 1 ? '' : 's'} (${sizes.heads}-head attention, SwiGLU MLP with hidden ${sizes.hidden}, RMSNorm), mean pooling, linear head`,
    create: (seed: number) => createVisionTransformer({ ...sizes, seed }),
  });
}

/**
 * The ReLU MLP ({@link createReluMlp}) on 784 features, 10 classes: sites `hidden<i>` after each
 * ReLU (lazy neurons, top-k).
 *
 * @throws SparseError `E_CONFIG` for an invalid option.
 *
 * @example
 * ```ts
 * import { reluMlpBuilder } from '@sparse/activation';
 *
 * const model = reluMlpBuilder({ hidden: [1024] }).create(0);
 * model.dispose();
 * ```
 */
export function reluMlpBuilder(options: z.input<typeof reluMlpBuilderOptions> = {}): ModelBuilder {
  const { hidden } = parseOptions(reluMlpBuilderOptions, options);
  return Object.freeze<ModelBuilder>({
    name: 'relu-mlp',
    description: `784 -> ${hidden.join(' -> ')} -> 10 with ReLU`,
    create: (seed: number) => createReluMlp({ hidden, seed }),
  });
}
