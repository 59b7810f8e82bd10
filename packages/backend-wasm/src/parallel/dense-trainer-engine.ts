import { SparseError, type AdamState, type EngineMaskAccess, type TrainableModel, type TrainingEngine } from '@sparse/core';
import { createDenseTrainer, type DenseTrainer, type DenseTrainerAdamState } from './dense-trainer.js';
import { TRAINER_ACTIVATIONS, TRAINER_LOSSES } from './trainer-activations.js';

type DenseLayers = NonNullable<TrainableModel['denseLayers']>;

function refusal(model: TrainableModel, maskNames: Iterable<string>): SparseError | undefined {
  const layers = model.denseLayers;
  if (layers === undefined || layers.length < 2 || model.parameters.length !== 2 * layers.length) {
    return new SparseError(
      'E_CONFIG',
      "The training engine 'dense-trainer' trains dense networks (two layers or more, described by the model's denseLayers); this model does not describe its dense layers. Use the engine 'fused' or 'stock'.",
      { field: 'engine', received: 'dense-trainer', allowed: ['fused', 'stock'] },
    );
  }
  const last = layers.length - 1;
  for (const [l, layer] of layers.entries()) {
    const activation: unknown = layer.activation;
    if (activation === undefined) continue;
    const allowed: readonly unknown[] = l < last ? TRAINER_ACTIVATIONS : [];
    if (!allowed.includes(activation)) {
      const what = l < last ? `allowed hidden activations: ${TRAINER_ACTIVATIONS.join(', ')}` : 'the last layer is linear: no activation allowed';
      return new SparseError('E_CONFIG', `The training engine 'dense-trainer' cannot train layer ${l} ('${layer.kernel.name}') with activation '${String(activation)}' (${what}). Use the engine 'fused' or 'stock'.`, {
        field: `denseLayers[${l}].activation`,
        received: activation,
        allowed: l < last ? [...TRAINER_ACTIVATIONS] : [],
      });
    }
  }
  const loss: unknown = model.denseLoss;
  if (loss !== undefined && !(TRAINER_LOSSES as readonly unknown[]).includes(loss)) {
    return new SparseError('E_CONFIG', `The training engine 'dense-trainer' cannot train the loss '${String(loss)}' (allowed: ${TRAINER_LOSSES.join(', ')}). Use the engine 'fused' or 'stock'.`, {
      field: 'denseLoss',
      received: loss,
      allowed: [...TRAINER_LOSSES],
    });
  }
  const kernelNames = new Set(layers.map(({ kernel }) => kernel.name));
  for (const name of maskNames) {
    if (!kernelNames.has(name)) {
      return new SparseError('E_CONFIG', `The training engine 'dense-trainer' masks kernels only; there is a mask on '${name}'. Use the engine 'fused' or 'stock'.`, {
        field: 'masks',
        received: name,
        allowed: [...kernelNames],
      });
    }
  }
  return undefined;
}

const momentName = (layers: DenseLayers, l: number, part: 'kernel' | 'bias', moment: 'm' | 'v') => `${(layers[l] as DenseLayers[number])[part].variable.name}/${moment}`;

/** Adam's state in tfjs's layout (first moments then second, kernel then bias per layer) → the trainer's. */
function toTrainerState(state: AdamState, layers: DenseLayers): DenseTrainerAdamState {
  const count = 2 * layers.length;
  if (state.moments.length !== 2 * count) {
    throw new SparseError('E_ARGUMENT', `The Adam state to resume from has ${state.moments.length} moments; this model's ${count} parameters need ${2 * count}.`, {
      field: 'resume.adam.moments',
      received: state.moments.length,
      allowed: String(2 * count),
    });
  }
  const at = (l: number, part: 'kernel' | 'bias', moment: 'm' | 'v'): Float32Array => {
    const index = (moment === 'm' ? 0 : count) + 2 * l + (part === 'kernel' ? 0 : 1);
    const entry = state.moments[index] as AdamState['moments'][number];
    const shape = (layers[l] as DenseLayers[number])[part].variable.shape;
    if (entry.shape.join() !== shape.join()) {
      throw new SparseError('E_ARGUMENT', `Moment ${index} ('${entry.name}') of the Adam state to resume from has shape [${entry.shape.join(', ')}]; layer ${l}'s ${part} is [${shape.join(', ')}].`, {
        field: `resume.adam.moments[${index}]`,
        received: entry.shape,
        allowed: shape,
      });
    }
    return entry.values;
  };
  return {
    steps: state.iterations,
    accBeta1: state.accBeta1,
    accBeta2: state.accBeta2,
    layers: layers.map((_, l) => ({ kernelM: at(l, 'kernel', 'm'), kernelV: at(l, 'kernel', 'v'), biasM: at(l, 'bias', 'm'), biasV: at(l, 'bias', 'v') })),
  };
}

/** The trainer's Adam state → tfjs's layout, so a checkpoint resumes under any engine. */
function toAdamState(state: DenseTrainerAdamState, layers: DenseLayers): AdamState {
  const moments = (['m', 'v'] as const).flatMap((moment) =>
    layers.flatMap((layer, l) =>
      (['kernel', 'bias'] as const).map((part) => {
        const values = state.layers[l]?.[`${part}${moment === 'm' ? 'M' : 'V'}`] as Float32Array;
        return { name: momentName(layers, l, part, moment), shape: [...layer[part].variable.shape], values };
      }),
    ),
  );
  return { iterations: state.steps, accBeta1: state.accBeta1, accBeta2: state.accBeta2, moments };
}

/**
 * The {@link EngineMaskAccess} of a started dense trainer: weights and masks read straight from its
 * memory, dense gradients by its own gradients-only pass (`kernelGradients`), new masks written in
 * place (`replaceMasks`). Names are the masked kernels' parameter names, input layer first.
 */
function trainerMaskAccess(trainer: DenseTrainer, layers: DenseLayers): EngineMaskAccess {
  const indices = layers.flatMap((_, l) => (trainer.masked[l] === true ? [l] : []));
  const names = indices.map((l) => (layers[l] as DenseLayers[number]).kernel.name);
  const byName = new Map(names.map((name, i) => [name, indices[i] as number]));
  const kernelNames = layers.map(({ kernel }) => kernel.name);
  const pick = (values: readonly (Float32Array | null)[]) => new Map(indices.map((l, i) => [names[i] as string, values[l] as Float32Array]));
  return {
    names,
    shapes: new Map(indices.map((l, i) => [names[i] as string, [...(layers[l] as DenseLayers[number]).kernel.variable.shape]])),
    readWeights: () => pick(trainer.readKernels()),
    readMasks: () => pick(trainer.readMasks()),
    denseGradients: async ({ x, y }) => pick(trainer.kernelGradients(x, y)),
    replaceMasks(masks, grown) {
      // Names here; the trainer checks the rest, naming the layers by their kernels.
      const perLayer = <T>(map: ReadonlyMap<string, T>, field: string) => {
        if (!(map instanceof Map)) throw new SparseError('E_ARGUMENT', `replaceMasks: ${field} must be a Map from parameter name to values.`, { field, received: typeof map, allowed: 'a Map' });
        const list: (T | undefined)[] = layers.map(() => undefined);
        for (const [name, value] of map) {
          const l = byName.get(name);
          if (l === undefined) {
            throw new SparseError('E_ARGUMENT', `replaceMasks: '${name}' is not a masked parameter; masked parameters: ${names.join(', ')}.`, { field: `${field}.${name}`, received: name, allowed: names });
          }
          list[l] = value;
        }
        return list;
      };
      trainer.replaceMasks(perLayer(masks, 'masks'), perLayer(grown, 'grown'), kernelNames);
    },
  };
}

/**
 * Options of {@link createDenseTrainerEngine}.
 *
 * @example
 * ```ts
 * import type { DenseTrainerEngineOptions } from '@sparse/backend-wasm';
 *
 * const options: DenseTrainerEngineOptions = { threads: 2 };
 * ```
 */
export interface DenseTrainerEngineOptions {
  /**
   * Threads of each trainer the engine starts (`DenseTrainerOptions.threads`), default 1. More
   * than one needs Node worker threads, or a cross-origin isolated browser and a Web Worker. The
   * results are the same bits for every count.
   */
  readonly threads?: number;
}

/**
 * The `dense-trainer` engine ({@link TrainingEngine}) and the threads each of its trainers uses.
 *
 * @example
 * ```ts
 * import { createDenseTrainerEngine, type DenseTrainerEngine } from '@sparse/backend-wasm';
 *
 * const engine: DenseTrainerEngine = createDenseTrainerEngine({ threads: 2 });
 * console.log(`${engine.name} on ${engine.threads} threads`);
 * ```
 */
export interface DenseTrainerEngine extends TrainingEngine {
  /** Threads sharing each step of every trainer it starts, the calling thread included. */
  readonly threads: number;
}

/**
 * Makes the `dense-trainer` training engine: whole masked Adam steps of a dense network (ReLU, GELU
 * or SiLU hidden layers as `denseLayers[l].activation` says; softmax cross-entropy or mean squared
 * error as `denseLoss` says) in
 * WebAssembly SIMD ({@link createDenseTrainer}), whatever the tfjs backend, each step shared by
 * `threads` threads. It refuses models without `denseLayers`, other activations or losses (naming the
 * layer and what is allowed) and masks on anything but kernels.
 * Adam's state goes in and out in tfjs's layout, so a run can resume under another engine. Its
 * steppers' `reload()` reads the variables back into the trainer (`loadWeights`), so `train` can
 * run a regularizer's proximal steps between its steps. Its
 * steppers' `maskAccess` works in the trainer's memory (dense gradients by a gradients-only pass of
 * its own SIMD kernels; grown entries' moments reset in place) on the kernels started with a mask. The
 * wasm backend's plugin registers it (its option `denseTrainerThreads` sets `threads`).
 *
 * @throws SparseError `E_CONFIG` when `threads` is not a positive integer. Where threads cannot
 * run, `start` rejects with `E_BACKEND_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { createDenseTrainerEngine } from '@sparse/backend-wasm';
 *
 * // In Node, or in a Web Worker of a cross-origin isolated page.
 * const engine = createDenseTrainerEngine({ threads: 2 });
 * ```
 */
export function createDenseTrainerEngine(options: DenseTrainerEngineOptions = {}): DenseTrainerEngine {
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new SparseError('E_CONFIG', `The dense-trainer engine's threads must be a positive integer; received ${String(threads)}.`, { field: 'threads', received: threads, allowed: 'an integer ≥ 1' });
  }
  return Object.freeze({
    name: 'dense-trainer',
    threads,
    refusal,
    async start(model, masks, startOptions) {
      const problem = refusal(model, masks.keys());
      if (problem !== undefined) throw problem;
      const layers = model.denseLayers as DenseLayers;
      const trainer = await createDenseTrainer({
        layers: layers.map(({ kernel, bias, activation }) => ({ kernel: kernel.variable, bias: bias.variable, ...(activation === undefined ? {} : { activation }) })),
        ...(model.denseLoss === undefined ? {} : { loss: model.denseLoss }),
        masks: layers.map(({ kernel }) => masks.get(kernel.name) ?? null),
        learningRate: startOptions.learningRate,
        batchSize: startOptions.batchSize,
        threads,
        ...(startOptions.adam === undefined ? {} : { adam: toTrainerState(startOptions.adam, layers) }),
      });
      // As withMasks does for the other engines: the variables hold the masked weights from the start.
      trainer.syncWeights();
      return {
        maskAccess: trainerMaskAccess(trainer, layers),
        step: async ({ x, y }) => trainer.step(x, y),
        sync: () => trainer.syncWeights(),
        reload: () => trainer.loadWeights(),
        adamState: async () => toAdamState(trainer.adamState(), layers),
        dispose: () => trainer.dispose(),
      };
    },
  } satisfies DenseTrainerEngine);
}

/**
 * The `dense-trainer` training engine on one thread ({@link createDenseTrainerEngine} with the
 * defaults).
 *
 * @example
 * ```ts
 * import { TrainingEngines, createRuntime } from '@sparse/core';
 * import { wasmBackend } from '@sparse/backend-wasm';
 *
 * const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
 * const engine = runtime.create(TrainingEngines, 'dense-trainer');
 * ```
 */
export const denseTrainerEngine: DenseTrainerEngine = createDenseTrainerEngine();
