import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../contracts/batch.js';
import type { MaskSet } from '../contracts/mask.js';
import type { MaskUpdateRule } from '../contracts/mask-update-rule.js';
import type { Regularizer } from '../contracts/regularizer.js';
import type { StepContext } from '../contracts/step-context.js';
import type { EngineStepper } from '../contracts/training-engine.js';
import { createRuntime } from '../create-runtime.js';
import { isSparseError } from '../errors.js';
import { createDenseMlp, type DenseMlp } from '../models/dense-mlp.js';
import { heNormal } from '../models/initializers.js';
import { optimizerEngine } from './optimizer-engine.js';
import { train } from './train.js';

const SIZES = [12, 16, 8, 4] as const;
const LR = 0.01;
const STEPS = 30;

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** L1 by soft-thresholding the kernels: w ← sign(w)·max(|w| − lr·strength, 0); records what it was given. */
function l1(strength: number, seen: { context: StepContext; masks: Map<string, number[]> }[] = []): Regularizer {
  return {
    name: 'l1',
    proximalStep(parameters, context, masks) {
      seen.push({ context, masks: new Map([...masks].map(([name, mask]) => [name, Array.from(mask.dataSync())])) });
      const threshold = (context.learningRate ?? 0) * strength;
      for (const p of parameters) p.variable.assign(tf.mul(tf.sign(p.variable), tf.relu(tf.sub(tf.abs(p.variable), threshold))));
    },
  };
}

function batches(count: number): Batch[] {
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([6, SIZES[0]], 0, 1, 'float32', 500 + i),
      y: tf.cast(tf.oneHot(tf.randomUniform([6], 0, 4, 'int32', 600 + i), 4), 'float32'),
    })),
  );
}

function setup(): { net: DenseMlp; masks: MaskSet; data: Batch[]; dispose(): void } {
  const net = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed: 21 });
  const masks: MaskSet = new Map(
    (['fc1/kernel', 'fc2/kernel'] as const).map((name, i) => {
      const shape = net.parameters.find((p) => p.name === name)?.variable.shape as number[];
      return [name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', 31 + i), 0.4), 'float32'))] as const;
    }),
  );
  const data = batches(5);
  return { net, masks, data, dispose: () => (net.dispose(), tf.dispose([...masks.values(), ...data.flatMap((b) => [b.x, b.y])])) };
}

const values = (net: DenseMlp): Float32Array[] => net.parameters.map((p) => Float32Array.from(p.variable.dataSync()));

/** Largest |a − b| over all parameters, relative to the largest |b|. */
function relativeError(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let error = 0;
  let scale = 0;
  b.forEach((reference, i) => {
    const got = a[i] as Float32Array;
    reference.forEach((r, j) => {
      scale = Math.max(scale, Math.abs(r));
      error = Math.max(error, Math.abs((got[j] as number) - r));
    });
  });
  return error / scale;
}

/** STEPS steps of train() with the L1 prox through tf.train.adam (the optimizer path); `change` runs once, before step `at`. */
async function viaOptimizer(change?: { at: number; run(net: DenseMlp, masks?: MaskSet): void }): Promise<Float32Array[]> {
  const { net, masks, data, dispose } = setup();
  const adam = tf.train.adam(LR);
  try {
    await train({
      parameters: net.parameters,
      loss: net.loss,
      optimizer: adam,
      masks,
      regularizers: [l1(0.5)],
      batches: data,
      steps: STEPS,
      initialStep: 4,
      ...(change === undefined ? {} : { hooks: { onStepEnd: ({ step }) => (step + 1 === change.at ? change.run(net, masks) : undefined) } }),
    });
    return values(net);
  } finally {
    adam.dispose();
    dispose();
  }
}

describe('train with engine and proximal regularizers', () => {
  it.each(['stock', 'fused'] as const)("the '%s' engine takes the L1 prox after each step: the optimizer path's weights (within float32 rounding), no tensor left per step", async (kind) => {
    const reference = await viaOptimizer();
    const { net, masks, data, dispose } = setup();
    const before = tf.memory().numTensors;
    const stepper = await optimizerEngine(kind).start(net, masks, { learningRate: LR, initialStep: 4, batchSize: 6 });
    const seen: { context: StepContext; masks: Map<string, number[]> }[] = [];
    const counts: number[] = [];
    const maskValues = new Map([...masks].map(([name, mask]) => [name, Array.from(mask.dataSync())]));
    try {
      await train({
        parameters: net.parameters,
        loss: net.loss,
        engine: stepper,
        regularizers: [l1(0.5, seen)],
        learningRate: LR,
        batches: data,
        steps: STEPS,
        initialStep: 4,
        initialEpoch: 2,
        hooks: { onStepEnd: () => void counts.push(tf.memory().numTensors) },
      });
      stepper.sync();
      const trained = values(net);
      if (kind === 'stock') {
        // The same kernels in the same order as the optimizer path: the same bits.
        trained.forEach((v, i) => expect(Buffer.from(v.buffer).equals(Buffer.from((reference[i] as Float32Array).buffer)), net.parameters[i]?.name).toBe(true));
      } else {
        // fusedAdam and the fused loss round differently from tf.train.adam (sums in another order,
        // float32's 6e-8 relative per operation); Adam's normalised update keeps each step's
        // difference near that size times lr, and the soft threshold is 1-Lipschitz, so 30 steps
        // stay far below 1e-5 of the largest weight (measured: 1e-7).
        expect(relativeError(trained, reference)).toBeLessThan(1e-5);
      }
      // The prox acted (weights it set to 0 beyond the masked ones) and masked entries stayed 0.
      const kernel = trained[0] as Float32Array;
      const mask = maskValues.get('fc1/kernel') as number[];
      expect(kernel.filter((w, i) => w === 0 && mask[i] === 1).length).toBeGreaterThan(0);
      expect(kernel.every((w, i) => mask[i] === 1 || w === 0)).toBe(true);
      // The optimizer path's StepContext (absolute step, epoch, learning rate) and the engine's masks.
      expect(seen.map(({ context }) => context.step)).toEqual(Array.from({ length: STEPS }, (_, i) => 4 + i));
      expect(seen[0]?.context).toEqual({ step: 4, epoch: 2, learningRate: LR });
      expect(seen[STEPS - 1]?.context.epoch).toBe(2 + Math.floor((STEPS - 1) / data.length));
      expect(seen[0]?.masks).toEqual(maskValues);
      expect(new Set(counts).size).toBe(1);
    } finally {
      await stepper.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it.each(['stock', 'fused'] as const)("'%s': a variable changed between steps, then reload(), trains on as the optimizer path with the same change", async (kind) => {
    const change = {
      at: 7,
      // A kernel doubled plus 0.01, masked entries included (reload must zero them again; the
      // optimizer path, which reads the variables as they are at the next step, is given the
      // change masked), and a bias set.
      run(net: DenseMlp, masks?: MaskSet) {
        const [kernel, bias] = net.parameters as [DenseMlp['parameters'][number], DenseMlp['parameters'][number]];
        tf.tidy(() => {
          const changed = tf.add(tf.mul(kernel.variable, 2), 0.01);
          const mask = masks?.get(kernel.name);
          kernel.variable.assign(mask === undefined ? changed : tf.mul(changed, mask));
          bias.variable.assign(tf.fill(bias.variable.shape, 0.05));
        });
      },
    };
    const reference = await viaOptimizer(change);
    const { net, masks, data, dispose } = setup();
    const stepper = await optimizerEngine(kind).start(net, masks, { learningRate: LR, initialStep: 4, batchSize: 6 });
    try {
      await train({
        parameters: net.parameters,
        loss: net.loss,
        engine: stepper,
        regularizers: [l1(0.5)],
        learningRate: LR,
        batches: data,
        steps: STEPS,
        initialStep: 4,
        hooks: {
          onStepEnd: ({ step }) => {
            if (step + 1 !== change.at) return;
            stepper.sync();
            change.run(net);
            stepper.reload?.();
          },
        },
      });
      stepper.sync();
      const trained = values(net);
      // stock: the same operations as the optimizer path, so the same bits; fused: as above.
      if (kind === 'stock') trained.forEach((v, i) => expect(Array.from(v), net.parameters[i]?.name).toEqual(Array.from(reference[i] as Float32Array)));
      else expect(relativeError(trained, reference)).toBeLessThan(1e-5);
      // The change reached the trained weights: without it they differ.
      expect(relativeError(trained, await viaOptimizer())).toBeGreaterThan(1e-3);
    } finally {
      await stepper.dispose();
      dispose();
    }
  });

  it("after a mask update (maskUpdates), the proximal steps see the engine's new masks", async () => {
    const { net, masks, data, dispose } = setup();
    const before = tf.memory().numTensors;
    const stepper = await optimizerEngine('fused').start(net, masks, { learningRate: LR, initialStep: 0, batchSize: 6 });
    const seen: { context: StepContext; masks: Map<string, number[]> }[] = [];
    const installed: Float32Array[] = [];
    // At step 3, fc1/kernel's first active entry is dropped and its first inactive one grown (density kept).
    const rule: MaskUpdateRule = {
      name: 'swap-one',
      needsGradients: false,
      isUpdateStep: (step) => step === 3,
      update({ layers }) {
        const layer = layers.find((l) => l.name === 'fc1/kernel') as (typeof layers)[number];
        const mask = layer.mask.slice();
        const on = mask.indexOf(1);
        const off = mask.indexOf(0);
        mask[on] = 0;
        mask[off] = 1;
        installed.push(mask);
        return { masks: new Map([[layer.name, mask]]), grown: new Map([[layer.name, Uint32Array.of(off)]]) };
      },
    };
    try {
      await train({ parameters: net.parameters, loss: net.loss, engine: stepper, regularizers: [l1(0.5, seen)], learningRate: LR, batches: data, steps: 6, maskUpdates: { rule } });
    } finally {
      await stepper.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const fc1 = seen.map(({ masks: m }) => m.get('fc1/kernel'));
    expect(fc1[2]).toEqual(Array.from(masks.get('fc1/kernel')?.dataSync() ?? []));
    expect(fc1[3]).toEqual(Array.from(installed[0] ?? []));
    expect(fc1[5]).toEqual(Array.from(installed[0] ?? []));
    dispose();
  });

  it('refuses a penalty, a regularizer without proximalStep, an engine without reload and a missing learningRate, before any step', async () => {
    const { net, masks, data, dispose } = setup();
    const stepper = await optimizerEngine('stock').start(net, masks, { learningRate: LR, initialStep: 0, batchSize: 6 });
    const { reload: _reload, ...withoutReload } = stepper;
    const steps: number[] = [];
    const counting: EngineStepper = { ...withoutReload, step: async (batch) => (steps.push(1), stepper.step(batch)) };
    const penalty: Regularizer = { name: 'l2-penalty', penalty: (parameters) => tf.addN(parameters.map((p) => tf.sum(tf.square(p.variable)))) as tf.Scalar, proximalStep: () => {} };
    const base = { parameters: net.parameters, loss: net.loss, engine: stepper, batches: data, steps: 2, learningRate: LR };
    const cases: [object, string, RegExp][] = [
      [{ ...base, regularizers: [penalty] }, 'regularizers', /'l2-penalty' has a penalty, which an engine cannot add to its loss.*every regularizer must have a proximalStep and no penalty/],
      [{ ...base, regularizers: [{ regularizer: { name: 'bare' }, parameters: net.parameters }] }, 'regularizers', /'bare' has no proximalStep/],
      [{ ...base, engine: counting, regularizers: [l1(1)] }, 'regularizers', /its stepper has no reload\(\)/],
      [{ ...base, learningRate: undefined, regularizers: [l1(1)] }, 'learningRate', /need learningRate/],
      [{ ...base, learningRate: -1, regularizers: [l1(1)] }, 'learningRate', /finite number ≥ 0/],
      [{ ...base, regularizers: [] }, 'learningRate', /there are no regularizers/],
    ];
    for (const [options, field, message] of cases) {
      const caught = await train(options as never).catch((error: unknown) => error);
      expect(isSparseError(caught, 'E_CONFIG'), field).toBe(true);
      expect(caught).toMatchObject({ details: { field }, message: expect.stringMatching(message) });
    }
    expect(steps).toEqual([]);
    // Without regularizers, an engine without reload trains as before.
    await train({ parameters: net.parameters, loss: net.loss, engine: counting, batches: data, steps: 2 });
    expect(steps).toEqual([1, 1]);
    await stepper.dispose();
    dispose();
  });
});
