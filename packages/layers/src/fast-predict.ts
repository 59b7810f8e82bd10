import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createDensePredictor, echoValue, SparseError, type DensePredictor, type DensePredictorLayer } from '@sparse/core';
import { activationOf, inputShapeOf } from './compaction/chain.js';

/**
 * Options of {@link fastPredict}.
 *
 * @example
 * ```ts
 * import type { FastPredictOptions } from '@sparse/layers';
 *
 * const options: FastPredictOptions = { chunkRows: 64 };
 * ```
 */
export interface FastPredictOptions {
  /** Rows computed at once (see `createDensePredictor` of `@sparse/core`). Default 64. */
  readonly chunkRows?: number;
}

/**
 * A tfjs-layers dense MLP's `predict` on WebAssembly SIMD kernels (see {@link fastPredict}).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { glorotUniform } from '@sparse/core';
 * import { createDenseSequential, fastPredict } from '@sparse/layers';
 *
 * const model = createDenseSequential({ layerSizes: [4, 8, 3], initializer: glorotUniform, seed: 0 });
 * const fast = fastPredict(model);
 * const x = tf.ones([2, 4]);
 * const y = fast.predict(x);
 * console.log(y.shape); // [2, 3]
 * tf.dispose([x, y]);
 * fast.dispose();
 * model.dispose();
 * ```
 */
export interface FastPredictor {
  /** The model it was built from (its weights as they were then). */
  readonly model: tfl.LayersModel;
  /** `[inputs, width of each Dense layer …]`. */
  readonly layerSizes: readonly number[];
  /**
   * What `model.predict(x)` gives, to float32 rounding: a new `[batch, outputs]` float32 tensor
   * (the caller disposes it) for `x` of shape `[batch, inputs]`, in one forward pass whatever the
   * batch size (no `batchSize` to choose).
   *
   * @throws SparseError `E_ARGUMENT` when `x` is not `[batch, inputs]`; `E_FROZEN` after
   * {@link FastPredictor.dispose}.
   */
  predict(x: tf.Tensor): tf.Tensor2D;
  /** The same on plain values: `batch × inputs` floats in, `batch × outputs` out. */
  predictValues(x: Float32Array): Float32Array;
  /** Frees the predictor's WebAssembly memory (not the model). */
  dispose(): void;
}

/** Layers that are the identity in `predict` (they act only in training). */
const IDENTITY_AT_INFERENCE = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

function doesNotFit(message: string, layer: string): SparseError {
  return new SparseError('E_ARGUMENT', `fastPredict: ${message}`, { field: 'model', received: echoValue(layer) });
}

/** The Dense layers of `model`, checked to be a ReLU MLP with a linear or softmax head. */
function readMlp(model: tfl.LayersModel): { dense: tfl.layers.Layer[]; output: 'linear' | 'softmax' } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw doesNotFit(`model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only single-input, single-output chains of Dense layers fit.`, model.name);
  }
  const dense: tfl.layers.Layer[] = [];
  let previous: tfl.layers.Layer | undefined;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const inbound = layer.inboundNodes.length === 1 ? (layer.inboundNodes[0]?.inboundLayers ?? []) : [];
    const fromPrevious = previous === undefined ? inbound.every((l) => l.getClassName() === 'InputLayer') : inbound.length === 1 && inbound[0] === previous;
    if (layer.inboundNodes.length !== 1 || !fromPrevious) {
      throw doesNotFit(`layer '${layer.name}' is shared or not fed by the layer before it alone; only chains (no branches, skips or merges) fit.`, layer.name);
    }
    previous = layer;
    if (IDENTITY_AT_INFERENCE.has(className)) continue;
    if (className !== 'Dense') {
      throw doesNotFit(`layer '${layer.name}' is a ${className}; only Dense layers (and ${[...IDENTITY_AT_INFERENCE].join(', ')}, which predict skips) fit.`, layer.name);
    }
    const shape = inputShapeOf(layer);
    if (shape.length !== 2) throw doesNotFit(`Dense layer '${layer.name}' has input shape [${shape.join(', ')}]; only Dense on vectors ([batch, features]) fits.`, layer.name);
    dense.push(layer);
  }
  if (dense.length === 0) throw doesNotFit(`model '${model.name}' has no Dense layer.`, model.name);
  dense.forEach((layer, index) => {
    const activation = activationOf(layer) ?? 'linear';
    const isLast = index === dense.length - 1;
    const allowed = isLast ? ['linear', 'softmax'] : ['relu'];
    if (!allowed.includes(activation)) {
      throw doesNotFit(
        `Dense layer '${layer.name}' has activation '${activation}'; ${isLast ? "the last Dense layer must be 'linear' or 'softmax'" : "every Dense layer but the last must be 'relu'"}.`,
        layer.name,
      );
    }
  });
  const output = (activationOf(dense[dense.length - 1] as tfl.layers.Layer) ?? 'linear') as 'linear' | 'softmax';
  return { dense, output };
}

/** A copy of one Dense layer's weights. */
function layerWeights(layer: tfl.layers.Layer): DensePredictorLayer {
  const weights = layer.getWeights();
  const kernel = weights[0];
  if (kernel === undefined || kernel.rank !== 2) throw doesNotFit(`Dense layer '${layer.name}' has no 2-D kernel.`, layer.name);
  const [inputs, outputs] = kernel.shape as [number, number];
  const bias = weights[1];
  return {
    name: layer.name,
    inputs,
    outputs,
    kernel: Float32Array.from(kernel.dataSync()),
    ...(bias === undefined ? {} : { bias: Float32Array.from(bias.dataSync()) }),
  };
}

/** The wasm backend's way to see a tensor's values in its heap without a copy. */
interface HeapBackend {
  typedArrayFromHeap(tensor: tf.Tensor): Float32Array;
  /** Which tensors' values this backend holds (a tensor made on another backend moves on `dataSync`). */
  readonly dataIdMap: { has(dataId: object): boolean };
}

/**
 * A float32 tensor's values: on the wasm backend a view of its heap (read before any other tfjs
 * call, which could move it), elsewhere `dataSync()`. The view spares a fresh copy per call, whose
 * allocation cost milliseconds at batch 256 on a loaded machine (ADR 0016).
 */
function inputValues(x: tf.Tensor): Float32Array {
  const backend = tf.backend() as Partial<HeapBackend>;
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' && backend.dataIdMap?.has(x.dataId) === true) {
    const view = backend.typedArrayFromHeap(x);
    if (view instanceof Float32Array && view.length === x.size) return view;
  }
  return x.dataSync() as Float32Array;
}

/**
 * Makes a tfjs-layers dense ReLU MLP predict on the WebAssembly SIMD matrix products of
 * `@sparse/core` (`createDensePredictor`), outside tfjs' op dispatch: what `compactModel`
 * returns for an MLP, and any chain of `Dense` layers with ReLU after every one but the last and
 * a linear or softmax last layer (dropout layers, the identity in `predict`, are skipped). The
 * model is not changed: this is an opt-in next to `model.predict` (ADR 0016). The weights are
 * copied now; after training the model, make a new predictor.
 *
 * @throws SparseError `E_ARGUMENT` naming the first layer that does not fit and why (another layer
 * class, another activation, a branch or a shared layer); `E_BACKEND_UNAVAILABLE` without
 * WebAssembly SIMD.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { glorotUniform } from '@sparse/core';
 * import { compactModel, createDenseSequential, fastPredict } from '@sparse/layers';
 *
 * const model = createDenseSequential({ layerSizes: [784, 300, 100, 10], initializer: glorotUniform, seed: 0 });
 * const { model: small } = compactModel(model); // e.g. after pruning neurons
 * const fast = fastPredict(small);
 * const x = tf.randomNormal([256, 784]);
 * const y = fast.predict(x); // equals small.predict(x) to float32 rounding
 * console.log(y.shape); // [256, 10]
 * tf.dispose([x, y]);
 * fast.dispose();
 * small.dispose();
 * model.dispose();
 * ```
 */
export function fastPredict(model: tfl.LayersModel, options: FastPredictOptions = {}): FastPredictor {
  const { dense, output } = readMlp(model);
  const predictor: DensePredictor = createDensePredictor(dense.map(layerWeights), { output, ...(options.chunkRows === undefined ? {} : { chunkRows: options.chunkRows }) });
  const { inputs, outputs } = predictor;
  return {
    model,
    layerSizes: predictor.layerSizes,
    predict(x: tf.Tensor): tf.Tensor2D {
      if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== inputs || (x.shape[0] as number) < 1 || (x.dtype !== 'float32' && x.dtype !== 'int32')) {
        const got = x instanceof tf.Tensor ? `a ${x.dtype} tensor of shape [${x.shape.join(', ')}]` : 'no tensor';
        throw new SparseError('E_ARGUMENT', `fastPredict: predict takes a float32 or int32 [batch, ${inputs}] tensor (batch ≥ 1), got ${got}.`, { field: 'x', received: got, allowed: `[batch, ${inputs}] float32 or int32` });
      }
      const values = x.dtype === 'float32' ? inputValues(x) : Float32Array.from(x.dataSync() as Int32Array);
      const result = predictor.predict(values);
      return tf.tensor2d(result, [x.shape[0] as number, outputs], 'float32');
    },
    predictValues(x: Float32Array): Float32Array {
      return predictor.predict(x);
    },
    dispose(): void {
      predictor.dispose();
    },
  };
}
