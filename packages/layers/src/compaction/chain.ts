import type * as tfl from '@tensorflow/tfjs-layers';
import { SparseError } from '@sparse/core';

/**
 * What a layer of a compactable chain is:
 *
 * - `dense`, `conv2d`: weighted layers whose output units (neurons, filters) can be removed;
 * - `flatten`: reshapes a channels-last feature map into a vector (channel of row `r` = `r mod C`);
 * - `channelwise`: keeps the channel axis and treats channels independently (elementwise
 *   activations, dropout, pooling, global pooling, batch normalisation), so removing a channel
 *   removes the same channel of its output.
 *
 * @internal
 */
export type ChainKind = 'dense' | 'conv2d' | 'flatten' | 'channelwise';

/** A layer of a chain and its kind. @internal */
export interface ChainLayer {
  readonly layer: tfl.layers.Layer;
  readonly kind: ChainKind;
  readonly className: string;
}

/** Elementwise activations (anything else, e.g. softmax, couples units). */
export const ELEMENTWISE_ACTIVATIONS: readonly string[] = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
];

const CHANNELWISE = new Set([
  'Activation',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'ThresholdedReLU',
  'PReLU',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
]);

/** The input shape of a layer called once (batch axis first). @internal */
export function inputShapeOf(layer: tfl.layers.Layer): (number | null)[] {
  const input = layer.input;
  return [...(Array.isArray(input) ? (input[0]?.shape ?? []) : input.shape)];
}

/** The activation name in a layer's config (`undefined` when it has none). @internal */
export function activationOf(layer: tfl.layers.Layer): string | undefined {
  const activation = layer.getConfig()['activation'];
  if (activation === undefined || activation === null) return undefined;
  if (typeof activation === 'string') return activation;
  const className = (activation as { className?: unknown }).className;
  return typeof className === 'string' ? className : String(activation);
}

function unsupported(message: string, layer: string): SparseError {
  return new SparseError('E_ARGUMENT', `compactModel: ${message}`, { field: 'model', received: layer });
}

/**
 * The layers of a model that is a single chain (each layer fed by the previous one only, used
 * once), checked to be compactable: Dense on vectors, Conv2D channels-last, Flatten, and
 * channelwise layers, with elementwise activations on every weighted layer but the last.
 *
 * @throws SparseError `E_ARGUMENT` naming the first layer that does not fit.
 * @internal
 */
export function readChain(model: tfl.LayersModel): ChainLayer[] {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw unsupported(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only single-input, single-output chains are supported.`, model.name);
  }
  const chain: ChainLayer[] = [];
  let previous: tfl.layers.Layer | undefined;
  for (const layer of layers) {
    const className = layer.getClassName();
    if (layer.inboundNodes.length !== 1) {
      throw unsupported(`layer '${layer.name}' is called ${layer.inboundNodes.length} times; shared layers are not supported.`, layer.name);
    }
    const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
    const fromPrevious = previous === undefined ? inbound.every((l) => l.getClassName() === 'InputLayer') : inbound.length === 1 && inbound[0] === previous;
    if (!fromPrevious) {
      throw unsupported(`layer '${layer.name}' is not fed by the layer before it alone; only chains (no branches, skips or merges) are supported.`, layer.name);
    }
    let kind: ChainKind;
    if (className === 'Dense') {
      const inputShape = inputShapeOf(layer);
      if (inputShape.length !== 2) throw unsupported(`Dense layer '${layer.name}' has input shape [${inputShape.join(', ')}]; only Dense on vectors ([batch, features]) is supported.`, layer.name);
      kind = 'dense';
    } else if (className === 'Conv2D') {
      const config = layer.getConfig();
      if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast') {
        throw unsupported(`Conv2D layer '${layer.name}' uses dataFormat '${String(config['dataFormat'])}'; only channelsLast is supported.`, layer.name);
      }
      kind = 'conv2d';
    } else if (className === 'Flatten') {
      kind = 'flatten';
    } else if (CHANNELWISE.has(className)) {
      if (className === 'Activation' && !ELEMENTWISE_ACTIVATIONS.includes(activationOf(layer) ?? 'linear')) {
        throw unsupported(`Activation layer '${layer.name}' applies '${activationOf(layer) ?? ''}', which is not elementwise.`, layer.name);
      }
      if (className === 'BatchNormalization') {
        const axis = layer.getConfig()['axis'];
        const rank = inputShapeOf(layer).length;
        if (axis !== -1 && axis !== rank - 1) throw unsupported(`BatchNormalization layer '${layer.name}' normalises axis ${String(axis)}; only the channel (last) axis is supported.`, layer.name);
      }
      kind = 'channelwise';
    } else {
      throw unsupported(`layer '${layer.name}' is a ${className}; supported: Dense, Conv2D, Flatten and channelwise layers (${[...CHANNELWISE].join(', ')}).`, layer.name);
    }
    chain.push({ layer, kind, className });
    previous = layer;
  }
  const weighted = chain.filter((entry) => entry.kind === 'dense' || entry.kind === 'conv2d');
  weighted.slice(0, -1).forEach(({ layer }) => {
    const activation = activationOf(layer) ?? 'linear';
    if (!ELEMENTWISE_ACTIVATIONS.includes(activation)) {
      throw unsupported(`layer '${layer.name}' has activation '${activation}', which couples its units; only the last weighted layer may.`, layer.name);
    }
  });
  return chain;
}
