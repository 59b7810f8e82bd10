import * as tf from '@tensorflow/tfjs-core';
import { TrainingEngines, createRuntime, train, type Batch, type NamedParameter, type SparseRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { modelParameters } from '@sparse/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { masksForEngine } from '../src/experiment/engine-masks.js';
import { createMlp, mlpLoss, mlpTrainableModel } from '../src/experiment/mlp.js';
import { gsef } from '../src/index.js';

const SIZES = [20, 24, 12, 4] as const;
const LR = 0.01;
const STEPS = 30;

/** The experiment's MLP (tfjs-layers, Glorot-uniform from `seed`) as the experiment trains it, and 5 batches of 8 rows. */
function setup(seed: number) {
  const model = createMlp(SIZES, seed);
  const parameters = modelParameters(model);
  const loss = mlpLoss(model);
  const data: Batch[] = Array.from({ length: 5 }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([8, SIZES[0]], 0, 1, 'float32', 700 + i),
      y: tf.cast(tf.oneHot(tf.randomUniform([8], 0, 4, 'int32', 800 + i), 4), 'float32'),
    })),
  );
  return { model, parameters, loss, data, trainable: mlpTrainableModel(parameters, loss), dispose: () => (model.dispose(), tf.dispose(data.flatMap((b) => [b.x, b.y]))) };
}

const values = (parameters: readonly NamedParameter[]): Float32Array[] => parameters.map((p) => Float32Array.from(p.variable.dataSync()));

/** Largest |a − b| over all parameters, relative to the largest |b|. */
function relativeError(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let error = 0;
  let scale = 0;
  b.forEach((reference, i) => {
    reference.forEach((r, j) => {
      scale = Math.max(scale, Math.abs(r));
      error = Math.max(error, Math.abs(((a[i] as Float32Array)[j] as number) - r));
    });
  });
  return error / scale;
}

const ENGINES = ['stock', 'fused', 'dense-trainer'] as const;

describe("group-envelope's GSEF prox and selection masks through every training engine (wasm backend)", () => {
  let runtime: SparseRuntime;
  beforeAll(async () => {
    runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  });

  /** STEPS steps of GSEF through tf.train.adam: the experiment's default path. */
  async function gsefViaOptimizer(seed: number): Promise<{ trained: Float32Array[]; nonzero: number[] }> {
    const { parameters, loss, data, dispose } = setup(seed);
    const regularizer = gsef({ lambda: 3, targetGroupSparsity: 0.5 });
    const adam = tf.train.adam(LR);
    try {
      await train({ parameters, loss, optimizer: adam, learningRate: LR, regularizers: [regularizer.bind(parameters)], batches: data, steps: STEPS });
      return { trained: values(parameters), nonzero: regularizer.nonzeroGroups(parameters).map((c) => c.nonzero) };
    } finally {
      adam.dispose();
      dispose();
    }
  }

  it.each(ENGINES)("'%s': 30 steps of Adam + the GSEF prox equal the optimizer path within float32 rounding, no tensor left per step", async (name) => {
    const reference = await gsefViaOptimizer(4);
    // The prox acted: groups were zeroed (24 and 12 neurons before).
    expect(reference.nonzero[0]).toBeLessThan(24);
    const { parameters, trainable, data, dispose } = setup(4);
    const regularizer = gsef({ lambda: 3, targetGroupSparsity: 0.5 });
    const before = tf.memory().numTensors;
    const stepper = await runtime.create(TrainingEngines, name).start(trainable, new Map(), { learningRate: LR, initialStep: 0, batchSize: 8 });
    const counts: number[] = [];
    try {
      await train({
        parameters,
        loss: trainable.loss,
        engine: stepper,
        learningRate: LR,
        regularizers: [regularizer.bind(parameters)],
        batches: data,
        steps: STEPS,
        hooks: { onStepEnd: () => void counts.push(tf.memory().numTensors) },
      });
      stepper.sync();
    } finally {
      await stepper.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(counts).size).toBe(1);
    const trained = values(parameters);
    if (name === 'stock') {
      // The optimizer path's operations in the same order: the same bits.
      trained.forEach((v, i) => expect(Array.from(v), parameters[i]?.name).toEqual(Array.from(reference.trained[i] as Float32Array)));
    } else {
      // Sums in another order (fused kernels, the trainer's SIMD products): float32's 6e-8 relative
      // per operation; Adam's normalised step and the prox (a contraction) keep 30 steps far below
      // 1e-5 of the largest weight.
      expect(relativeError(trained, reference.trained)).toBeLessThan(1e-5);
    }
    expect(regularizer.nonzeroGroups(parameters).map((c) => c.nonzero)).toEqual(reference.nonzero);
    dispose();
  });

  /**
   * The selection's masks (whole neurons of fc1 and fc2, biases included) after training the
   * biases away from 0; `looseBiases`: the fc1 bias mask also masks 3 neurons whose kernel
   * columns stay, so those biases would move under an engine without the keeper.
   */
  it.each(ENGINES.flatMap((name) => [[name, false], [name, true]] as const))("'%s' (loose biases: %s): the fine-tune with the selection's masks (kernels to the engine, movable biases kept by a proximal step) equals the masked optimizer path", async (name, looseBiases) => {
    const fineTune = async (engine: string | undefined): Promise<{ trained: Float32Array[]; nonzero: number[] }> => {
      const { parameters, trainable, loss, data, dispose } = setup(6);
      tf.tidy(() => parameters.forEach((p) => p.role === 'bias' && p.variable.assign(tf.randomUniform(p.variable.shape, -0.2, 0.2, 'float32', 9))));
      const regularizer = gsef({ lambda: 3, targetGroupSparsity: 0.5 });
      const selected = regularizer.selectTopGroups(parameters);
      const masks = new Map<string, tf.Tensor>(selected.masks);
      if (looseBiases) {
        const bias = selected.masks.get('fc1/bias') as tf.Tensor;
        const kept = Array.from(bias.dataSync()).flatMap((m, j) => (m === 1 ? [j] : [])).slice(0, 3);
        masks.set('fc1/bias', tf.tidy(() => tf.mul(bias, tf.tensor1d(Array.from({ length: bias.size }, (_, j) => (kept.includes(j) ? 0 : 1))))));
      }
      tf.tidy(() => parameters.forEach((p) => masks.has(p.name) && p.variable.assign(tf.mul(p.variable, masks.get(p.name) as tf.Tensor))));
      try {
        if (engine === undefined) {
          const adam = tf.train.adam(LR);
          await train({ parameters, loss, optimizer: adam, masks, batches: data, steps: STEPS });
          adam.dispose();
        } else {
          const split = masksForEngine(trainable, masks);
          expect([...split.engineMasks.keys()]).toEqual(['fc1/kernel', 'fc2/kernel']);
          // Neurons removed whole: their biases cannot move (ReLU's gradient at 0 is 0); loose ones are kept.
          expect(split.keeper?.parameters.map((p) => p.name)).toEqual(looseBiases ? ['fc1/bias'] : undefined);
          const stepper = await runtime.create(TrainingEngines, engine).start(trainable, split.engineMasks, { learningRate: LR, initialStep: 0, batchSize: 8 });
          try {
            await train({ parameters, loss, engine: stepper, ...(split.keeper === undefined ? {} : { learningRate: LR, regularizers: [split.keeper] }), batches: data, steps: STEPS });
            stepper.sync();
          } finally {
            await stepper.dispose();
          }
        }
        return { trained: values(parameters), nonzero: regularizer.nonzeroGroups(parameters).map((c) => c.nonzero) };
      } finally {
        tf.dispose([...new Set([...selected.masks.values(), ...masks.values()])]);
        dispose();
      }
    };
    const reference = await fineTune(undefined);
    const got = await fineTune(name);
    // Exactly the kept groups are nonzero: no removed neuron's kernel column or bias came back.
    expect(got.nonzero).toEqual([12, 6]);
    expect(reference.nonzero).toEqual([12, 6]);
    expect(got.trained[1]?.filter((b) => b === 0).length).toBe(looseBiases ? 15 : 12);
    // (x + 0: the keeper's 0·(−b) is −0 where the optimizer path's mask gave +0; equal values.)
    if (name === 'stock') got.trained.forEach((v, i) => expect(Array.from(v, (x) => x + 0), `parameter ${i}`).toEqual(Array.from(reference.trained[i] as Float32Array, (x) => x + 0)));
    else expect(relativeError(got.trained, reference.trained)).toBeLessThan(1e-5);
  });
});
