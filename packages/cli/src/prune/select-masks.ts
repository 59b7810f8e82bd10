import * as tf from '@tensorflow/tfjs-core';
import { Patterns, Pruners, type NamedParameter, type ParameterRole, type Scorer, type SparseRuntime } from '@sparse/core';
import { tfToTorch, torchShapeToTf, torchToTf } from './layout.js';
import type { PruneOptions } from './prune-options.js';
import { resolvePruneScorer } from './resolve-scorer.js';

/**
 * A tensor to prune: its name, shape in PyTorch layout and float32 values, row-major.
 *
 * @example
 * ```ts
 * import type { TensorToPrune } from '@sparse/cli';
 *
 * const t: TensorToPrune = { name: 'fc.weight', shape: [2, 2], values: Float32Array.of(0.1, -2, 3, 0.4) };
 * ```
 */
export interface TensorToPrune {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * What mask selection needs besides the tensors and options: the runtime whose backend runs the
 * scorer (and that builds it by name), where warnings go, and optionally the scorer already built
 * (`resolvePruneScorer`), which then replaces `options.scorer`.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import type { SelectMasksContext } from '@sparse/cli';
 *
 * const context: SelectMasksContext = { runtime: await createRuntime({ backend: 'cpu' }), onWarning: console.warn };
 * ```
 */
export interface SelectMasksContext {
  readonly runtime: SparseRuntime;
  readonly onWarning: (message: string) => void;
  /** The scorer to rank with; when absent, `options.scorer` is resolved through the runtime. */
  readonly scorer?: Scorer;
}

/**
 * Selects the masks (1 = kept, PyTorch layout, row-major) of the tensors to prune with the core
 * pruner (`createPruner`): the scorer (any registered scorer that works on weights alone, built
 * through the runtime; it is given `options.seed` as its input's seed), the scope's allocation, the
 * selection mode (`--mode`) and the pattern, without the collapse guard (a tensor may lose every
 * weight, as in PyTorch; a warning says so).
 *
 * Layout: unstructured selection runs on the tensors as stored (PyTorch layout), so ties are
 * broken by their flat index there, tensor order first for `global`. N:M selection runs in
 * TensorFlow layout (`[out, in, …]` → `[…, in, out]`), where the core N:M pattern groups M
 * consecutive input weights for every output and spatial position, and the masks are moved back.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { parsePruneArgs, selectMasks } from '@sparse/cli';
 *
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], process.cwd());
 * const masks = await selectMasks([{ name: 'w', shape: [2, 2], values: Float32Array.of(1, -2, 3, -4) }], options, {
 *   runtime: await createRuntime({ backend: 'cpu' }),
 *   onWarning: console.warn,
 * });
 * console.log(masks.get('w')); // Uint8Array [0, 0, 1, 1]
 * ```
 */
export async function selectMasks(
  tensors: readonly TensorToPrune[],
  options: Pick<PruneOptions, 'sparsity' | 'scope' | 'scorer' | 'pattern' | 'mode' | 'seed'> & { readonly scorerOptions?: PruneOptions['scorerOptions'] },
  context: SelectMasksContext,
): Promise<Map<string, Uint8Array>> {
  const scorer = context.scorer ?? (await resolvePruneScorer(context.runtime, options));
  const transposed = options.pattern.kind === 'n:m';
  const pattern =
    options.pattern.kind === 'n:m'
      ? context.runtime.create(Patterns, 'n:m', { n: options.pattern.n, m: options.pattern.m })
      : context.runtime.create(Patterns, 'unstructured');
  const pruner = context.runtime.create(Pruners, 'magnitude', { pattern, mode: options.mode, allowLayerCollapse: true, onWarning: context.onWarning });
  const parameters: NamedParameter[] = [];
  const owned: tf.Tensor[] = [];
  try {
    for (const tensor of tensors) {
      const shape = transposed ? torchShapeToTf(tensor.shape) : [...tensor.shape];
      const values = transposed ? torchToTf(tensor.values, tensor.shape) : tensor.values;
      const role: ParameterRole = shape.length === 2 ? 'dense-kernel' : 'conv-kernel';
      const initial = tf.tensor(values, shape, 'float32');
      const variable = tf.variable(initial, false);
      owned.push(initial, variable);
      parameters.push({ name: tensor.name, role, variable });
    }
    const scores = await scorer.score({ parameters, masks: new Map(), seed: options.seed });
    owned.push(...scores.values());
    const masks = await pruner.prune({
      parameters,
      scores,
      masks: new Map(),
      target: { sparsity: options.sparsity, scope: options.scope },
      onWarning: context.onWarning,
    });
    owned.push(...masks.values());
    const out = new Map<string, Uint8Array>();
    for (const tensor of tensors) {
      const mask = masks.get(tensor.name);
      if (mask === undefined) throw new Error(`The pruner returned no mask for '${tensor.name}'.`);
      const kept = Uint8Array.from(await mask.data());
      out.set(tensor.name, transposed ? tfToTorch(kept, tensor.shape) : kept);
    }
    return out;
  } finally {
    tf.dispose(owned);
  }
}
