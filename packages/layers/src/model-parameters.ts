import type { Variable } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DEFAULT_PRUNABLE_ROLES, SparseError, type NamedParameter, type ParameterRole } from '@sparse/core';

/**
 * Options of {@link prunableParameters}.
 *
 * @example
 * ```ts
 * import type { PrunableParametersOptions } from '@sparse/layers';
 *
 * // prune every dense kernel except the output layer's
 * const options: PrunableParametersOptions = {
 *   roles: ['dense-kernel'],
 *   filter: (parameter) => !parameter.name.startsWith('output/'),
 * };
 * ```
 */
export interface PrunableParametersOptions {
  /** The roles to return. Default: dense and conv kernels ({@link DEFAULT_PRUNABLE_ROLES}). */
  readonly roles?: readonly ParameterRole[];
  /** A further filter on the parameters of those roles. */
  readonly filter?: (parameter: NamedParameter) => boolean;
}

/**
 * Every trainable weight of a `LayersModel` as a {@link NamedParameter}, in layer order, nested
 * models included, shared layers once. Frozen layers (`trainable: false`) and non-trainable
 * weights (BatchNorm moving statistics) are left out.
 *
 * Roles, from the layer class and the weight name:
 * - `Dense` kernel → `dense-kernel` (`[in, out]`); `Conv2D` kernel → `conv-kernel` (`[kh, kw, cin, cout]`);
 * - any `bias` → `bias`; `BatchNormalization` / `LayerNormalization` gamma and beta → `norm`;
 *   `Embedding` embeddings → `embedding`;
 * - everything else → `other`: Conv1D/Conv3D, depthwise, separable and transposed convolution kernels
 *   have other layouts, and recurrent kernels are not pruned by default.
 *
 * Names are the weights' variable names without tfjs's process-wide de-duplication suffix
 * (`originalName`, e.g. `fc1/kernel`), so they are the same for two models built alike in one
 * process; give layers explicit `name`s to make them stable across processes too (auto names
 * like `dense_Dense3` count layers created so far). The variables are the model's own: writing
 * them writes the model.
 *
 * @throws SparseError `E_ARGUMENT` when two weights would get the same name.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-layers';
 * import { modelParameters } from '@sparse/layers';
 *
 * const model = tf.sequential({
 *   layers: [tf.layers.dense({ name: 'fc1', inputShape: [784], units: 300 }), tf.layers.dense({ name: 'fc2', units: 10 })],
 * });
 * console.log(modelParameters(model).map((p) => `${p.name}: ${p.role}`));
 * // ['fc1/kernel: dense-kernel', 'fc1/bias: bias', 'fc2/kernel: dense-kernel', 'fc2/bias: bias']
 * ```
 */
export function modelParameters(model: tfl.LayersModel): NamedParameter[] {
  const parameters: NamedParameter[] = [];
  const seenVariables = new Set<number>();
  const seenNames = new Map<string, string>();
  for (const layer of leafLayers(model)) {
    const className = layer.getClassName();
    for (const weight of layer.trainableWeights) {
      if (seenVariables.has(weight.id)) continue;
      seenVariables.add(weight.id);
      const name = weight.originalName;
      const clash = seenNames.get(name);
      if (clash !== undefined) {
        throw new SparseError(
          'E_ARGUMENT',
          `Two weights of the model would both be named '${name}' (variables '${clash}' and '${weight.name}'); give the layers unique names.`,
          { field: 'model', received: name },
        );
      }
      seenNames.set(name, weight.name);
      parameters.push({ name, role: roleOf(className, name), variable: weight.read() as Variable });
    }
  }
  return parameters;
}

/**
 * The parameters of a `LayersModel` to prune: by default its dense and conv kernels (spec §0), as
 * {@link NamedParameter}s named and classified as by {@link modelParameters}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-layers';
 * import { prunableParameters } from '@sparse/layers';
 *
 * const input = tf.input({ shape: [28, 28, 1] });
 * const conv = tf.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
 * const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
 * const out = tf.layers.dense({ name: 'out', units: 10 }).apply(flat) as tf.SymbolicTensor;
 * const model = tf.model({ inputs: input, outputs: out });
 * console.log(prunableParameters(model).map((p) => [p.name, p.role]));
 * // [['conv/kernel', 'conv-kernel'], ['out/kernel', 'dense-kernel']]
 * ```
 */
export function prunableParameters(model: tfl.LayersModel, options: PrunableParametersOptions = {}): NamedParameter[] {
  const roles = options.roles ?? DEFAULT_PRUNABLE_ROLES;
  const { filter } = options;
  return modelParameters(model).filter((p) => roles.includes(p.role) && (filter === undefined || filter(p)));
}

/** Layers in order, descending into nested models. */
function* leafLayers(container: { readonly layers: readonly tfl.layers.Layer[] }): Generator<tfl.layers.Layer> {
  for (const layer of container.layers) {
    const nested = (layer as unknown as { layers?: unknown }).layers;
    if (Array.isArray(nested)) yield* leafLayers({ layers: nested as tfl.layers.Layer[] });
    else yield layer;
  }
}

function roleOf(className: string, variableName: string): ParameterRole {
  const leaf = variableName.slice(variableName.lastIndexOf('/') + 1);
  if (leaf === 'bias') return 'bias';
  switch (className) {
    case 'Dense':
      return leaf === 'kernel' ? 'dense-kernel' : 'other';
    case 'Conv2D':
      return leaf === 'kernel' ? 'conv-kernel' : 'other';
    case 'BatchNormalization':
    case 'LayerNormalization':
      return 'norm';
    case 'Embedding':
      return 'embedding';
    default:
      return 'other';
  }
}
