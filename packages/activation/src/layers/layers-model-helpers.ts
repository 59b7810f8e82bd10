import * as tfl from '@tensorflow/tfjs-layers';
import { SparseError, assertSeed } from '@sparse/core';
import type { ActivationHook } from '../hooks/activation-hook.js';
import { validateThresholdFile, type ThresholdFile } from '../thresholds/threshold-file.js';
import { SparseActivation, type SparseActivationMode, type SparseActivationRule } from './sparse-activation-layer.js';

/**
 * The {@link SparseActivation} layers of a model, by site.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { sparseActivationLayers } from '@sparse/activation';
 *
 * declare const model: tfl.LayersModel;
 * console.log([...sparseActivationLayers(model).keys()]);
 * ```
 */
export function sparseActivationLayers(model: tfl.LayersModel): Map<string, SparseActivation> {
  const found = new Map<string, SparseActivation>();
  for (const layer of model.layers) if (layer instanceof SparseActivation) found.set(layer.site, layer);
  return found;
}

/**
 * Sets the mode of every {@link SparseActivation} layer of a model; with `calibrate`, also
 * attaches the recorder.
 *
 * @throws SparseError `E_ARGUMENT` for `calibrate` without a recorder.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { setSparseActivationMode, ActivationRecorder } from '@sparse/activation';
 *
 * declare const model: tfl.LayersModel;
 * const recorder = new ActivationRecorder();
 * setSparseActivationMode(model, 'calibrate', recorder);
 * ```
 */
export function setSparseActivationMode(model: tfl.LayersModel, mode: SparseActivationMode, recorder?: ActivationHook): void {
  if (mode === 'calibrate' && recorder === undefined) {
    throw new SparseError('E_ARGUMENT', "mode 'calibrate' needs a recorder to record into.", { field: 'recorder' });
  }
  for (const layer of sparseActivationLayers(model).values()) {
    layer.mode = mode;
    if (recorder !== undefined) layer.recorder = recorder;
  }
}

/**
 * Loads a threshold file into a model's {@link SparseActivation} layers (matched by site) and
 * switches those layers to `sparse`. Layers the file does not mention are left as they are.
 *
 * @returns the sites that were set.
 * @throws SparseError `E_FORMAT` for an invalid file; `E_ARGUMENT` when an entry does not fit its
 * layer (rule or channel count), or (with `strict`) a site of the file has no layer.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { applyThresholdsToLayers, loadThresholds } from '@sparse/activation';
 *
 * declare const model: tfl.LayersModel;
 * applyThresholdsToLayers(model, await loadThresholds('thresholds/cats-50.json'));
 * ```
 */
export function applyThresholdsToLayers(model: tfl.LayersModel, file: ThresholdFile, options: { readonly strict?: boolean } = {}): string[] {
  const layers = sparseActivationLayers(model);
  const set: string[] = [];
  for (const [site, entry] of Object.entries(validateThresholdFile(file).layers)) {
    const layer = layers.get(site);
    if (layer === undefined) {
      if (options.strict === true) {
        throw new SparseError('E_ARGUMENT', `The model has no SparseActivation layer for site '${site}'; it has: ${[...layers.keys()].join(', ') || '(none)'}.`, {
          field: site,
          allowed: [...layers.keys()],
        });
      }
      continue;
    }
    layer.setThresholds(entry);
    layer.mode = 'sparse';
    set.push(site);
  }
  return set;
}

/**
 * Options of {@link buildGatedMlpLayersModel}.
 *
 * @example
 * ```ts
 * import type { GatedMlpLayersOptions } from '@sparse/activation';
 *
 * const options: GatedMlpLayersOptions = { dModel: 64, hidden: 256, blocks: 2, rule: 'channel', seed: 0 };
 * ```
 */
export interface GatedMlpLayersOptions {
  /** Input features. Default 784. */
  readonly inputSize?: number;
  /** Residual width. Default 128. */
  readonly dModel?: number;
  /** Hidden width per block. Default 512. */
  readonly hidden?: number;
  /** Blocks. Default 3. */
  readonly blocks?: number;
  /** Classes. Default 10. */
  readonly classes?: number;
  /** The rule of the {@link SparseActivation} layers (`threshold` for CATS, `channel` for CHESS). Default `threshold`. */
  readonly rule?: SparseActivationRule;
  /** Kernel initialisation seed. */
  readonly seed: number;
}

/**
 * The gated-MLP (SwiGLU) classifier as a tfjs-layers `LayersModel`: dense embedding, then per
 * block `h + W_down(SparseActivation([swish(n W_gate), n W_up]))` with `n = LayerNorm(h)`, then
 * LayerNorm and a softmax head. Its {@link SparseActivation} layers are named and sited
 * `block<i>/gate`, like {@link createGatedMlp}'s sites, so the same threshold files apply.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildGatedMlpLayersModel } from '@sparse/activation';
 *
 * const model = buildGatedMlpLayersModel({ dModel: 32, hidden: 64, blocks: 2, seed: 0 });
 * model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * const probabilities = model.predict(tf.zeros([1, 784])) as tf.Tensor;
 * ```
 */
export function buildGatedMlpLayersModel(options: GatedMlpLayersOptions): tfl.LayersModel {
  const { inputSize = 784, dModel = 128, hidden = 512, blocks = 3, classes = 10, rule = 'threshold', seed } = options;
  assertSeed(seed, 'seed');
  let next = 0;
  const init = () => tfl.initializers.glorotUniform({ seed: seed + next++ });
  const input = tfl.input({ shape: [inputSize] });
  let h = tfl.layers.dense({ units: dModel, kernelInitializer: init(), name: 'embed' }).apply(input) as tfl.SymbolicTensor;
  for (let i = 0; i < blocks; i += 1) {
    const n = tfl.layers.layerNormalization({ name: `block${i}/norm` }).apply(h) as tfl.SymbolicTensor;
    const gate = tfl.layers.dense({ units: hidden, activation: 'swish', useBias: false, kernelInitializer: init(), name: `block${i}/gate_proj` }).apply(n) as tfl.SymbolicTensor;
    const up = tfl.layers.dense({ units: hidden, useBias: false, kernelInitializer: init(), name: `block${i}/up_proj` }).apply(n) as tfl.SymbolicTensor;
    const product = new SparseActivation({ name: `block${i}/gate`, site: `block${i}/gate`, rule }).apply([gate, up]) as tfl.SymbolicTensor;
    const y = tfl.layers.dense({ units: dModel, useBias: false, kernelInitializer: init(), name: `block${i}/down_proj` }).apply(product) as tfl.SymbolicTensor;
    h = tfl.layers.add({ name: `block${i}/residual` }).apply([h, y]) as tfl.SymbolicTensor;
  }
  const normed = tfl.layers.layerNormalization({ name: 'head/norm' }).apply(h) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(), name: 'head' }).apply(normed) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'gated_mlp' });
}
