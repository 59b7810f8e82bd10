import { SparseError, type MaskSet } from '@sparse/core';
import { createDenseTrainer, type DenseTrainerAdamState } from '@sparse/backend-wasm';
import type { LthModel } from '../model/mlp.js';
import type { AdamState } from './adam-state.js';
import type { BatchProvider } from './train-round.js';
import type { RoundStepper } from './round-stepper.js';

type DenseLayers = NonNullable<LthModel['denseLayers']>;

/**
 * Why `createDenseTrainer` cannot train `model` with masks on `maskNames` (an `E_CONFIG` error), or
 * `undefined` when it can: every parameter in a dense layer (two or more), masks on kernels only.
 */
export function denseTrainerRefusal(model: LthModel, maskNames: Iterable<string>): SparseError | undefined {
  const layers = model.denseLayers;
  if (layers === undefined || layers.length < 2 || model.parameters.length !== 2 * layers.length) {
    return new SparseError(
      'E_CONFIG',
      "kernels 'dense-trainer' trains dense ReLU networks (createMlp's models, two layers or more); this model does not describe its dense layers. Use kernels 'fused' or 'stock'.",
      { field: 'kernels', received: 'dense-trainer', allowed: ['fused', 'stock'] },
    );
  }
  const kernelNames = new Set(layers.map(({ kernel }) => kernel.name));
  for (const name of maskNames) {
    if (!kernelNames.has(name)) {
      return new SparseError('E_CONFIG', `kernels 'dense-trainer' masks kernels only; there is a mask on '${name}'. Use kernels 'fused' or 'stock'.`, { field: 'masks', received: name, allowed: [...kernelNames] });
    }
  }
  return undefined;
}

/** `${variable name}/m` and `/v`: tfjs's names for a variable's Adam moments. */
const momentName = (layers: DenseLayers, l: number, part: 'kernel' | 'bias', moment: 'm' | 'v') => `${(layers[l] as DenseLayers[number])[part].variable.name}/${moment}`;

/**
 * A checkpoint's Adam state as the trainer takes it. As tfjs's `setWeights`, moments are matched by
 * position (first moments of every parameter in order, then second moments), not by name: a
 * resumed model's variables have other names.
 */
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

/** The trainer's Adam state in tfjs's layout: first moments of every parameter in order, then second moments. */
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
 * A round's steps on @sparse/backend-wasm's `createDenseTrainer` (internal module of `training/`):
 * the whole step in WebAssembly SIMD on one thread (replicates already run one per worker), the
 * model's variables written only on `sync()`. Same Adam and loss as `fused`, to float32 rounding.
 */
export async function denseTrainerStepper(
  model: LthModel,
  masks: MaskSet,
  batches: BatchProvider,
  options: { readonly learningRate: number; readonly adam?: AdamState },
): Promise<RoundStepper> {
  const refusal = denseTrainerRefusal(model, masks.keys());
  if (refusal !== undefined) throw refusal;
  const layers = model.denseLayers as DenseLayers;
  // The first batch of an epoch is a full one: it gives the trainer its batch size.
  const probe = batches.batch(0, 0);
  const batchSize = probe.x.shape[0] as number;
  probe.x.dispose();
  probe.y.dispose();
  const trainer = await createDenseTrainer({
    layers: layers.map(({ kernel, bias }) => ({ kernel: kernel.variable, bias: bias.variable })),
    masks: layers.map(({ kernel }) => masks.get(kernel.name) ?? null),
    learningRate: options.learningRate,
    batchSize,
    ...(options.adam === undefined ? {} : { adam: toTrainerState(options.adam, layers) }),
  });
  // As withMasks does for the other kernels: the variables hold the masked weights from the start.
  trainer.syncWeights();
  return {
    step: async ({ x, y }) => trainer.step(x, y),
    sync: () => trainer.syncWeights(),
    adamState: async () => toAdamState(trainer.adamState(), layers),
    dispose: () => trainer.dispose(),
  };
}
