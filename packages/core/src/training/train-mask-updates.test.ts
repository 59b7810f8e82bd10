import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../contracts/batch.js';
import type { MaskUpdateRequest, MaskUpdateRule } from '../contracts/mask-update-rule.js';
import type { EngineStepper } from '../contracts/training-engine.js';
import { createRuntime } from '../create-runtime.js';
import { createDenseMlp, type DenseMlp } from '../models/dense-mlp.js';
import { heNormal } from '../models/initializers.js';
import { fusedAdam } from './fused-adam.js';
import { optimizerEngine } from './optimizer-engine.js';
import { maskUpdateSeed } from './mask-update-step.js';
import { train } from './train.js';
import type { GradualPruning, MaskUpdateEvent } from './train-types.js';

const SIZES = [12, 16, 8, 4] as const;

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

function batches(count: number): Batch[] {
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([6, SIZES[0]], 0, 1, 'float32', 300 + i),
      y: tf.cast(tf.oneHot(tf.randomUniform([6], 0, 4, 'int32', 400 + i), 4), 'float32'),
    })),
  );
}

/** A small RigL-like rule: every second step from 2, drop the 20% smallest |w|, grow the largest |g| among the rest. */
function swapRule(requests: MaskUpdateRequest[]): MaskUpdateRule {
  return {
    name: 'swap',
    needsGradients: true,
    isUpdateStep: (step) => step > 0 && step % 2 === 0,
    update(request) {
      requests.push(request);
      const masks = new Map<string, Float32Array>();
      const grown = new Map<string, Uint32Array>();
      for (const layer of request.layers) {
        const mask = layer.mask.slice();
        const active = [...mask.keys()].filter((i) => mask[i] === 1);
        const count = Math.floor(0.2 * active.length);
        const drop = active.sort((a, b) => Math.abs(layer.weights[a] as number) - Math.abs(layer.weights[b] as number) || a - b).slice(0, count);
        for (const i of drop) mask[i] = 0;
        const gradients = layer.gradients as Float32Array;
        const candidates = [...mask.keys()].filter((i) => mask[i] === 0).sort((a, b) => Math.abs(gradients[b] as number) - Math.abs(gradients[a] as number) || a - b);
        const grow = candidates.slice(0, count);
        for (const i of grow) mask[i] = 1;
        masks.set(layer.name, mask);
        grown.set(layer.name, Uint32Array.from(grow.filter((i) => layer.mask[i] === 0).sort((a, b) => a - b)));
      }
      return { masks, grown };
    },
  };
}

function setup(): { net: DenseMlp; masks: Map<string, tf.Tensor>; data: Batch[]; dispose(): void } {
  const net = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed: 5 });
  const masks = new Map(
    (['fc1/kernel', 'fc2/kernel'] as const).map((name, i) => {
      const shape = net.parameters.find((p) => p.name === name)?.variable.shape as number[];
      return [name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', 9 + i), 0.5), 'float32'))] as const;
    }),
  );
  const data = batches(4);
  return { net, masks, data, dispose: () => (net.dispose(), tf.dispose([...masks.values(), ...data.flatMap((b) => [b.x, b.y])])) };
}

const density = (mask: Float32Array) => mask.reduce((sum, m) => sum + m, 0);

describe('train with maskUpdates', () => {
  it('updates the masks of an optimizer before the rule’s steps, with the step seed and total, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const { net, masks, data, dispose } = setup();
    const active = new Map([...masks].map(([name, mask]) => [name, density(mask.dataSync() as Float32Array)]));
    const requests: MaskUpdateRequest[] = [];
    const events: MaskUpdateEvent[] = [];
    const optimizer = fusedAdam(1e-2);
    const result = await train({
      parameters: net.parameters,
      loss: (batch) => net.loss(batch),
      optimizer,
      batches: data,
      epochs: 2,
      masks,
      seed: 17,
      maskUpdates: { rule: swapRule(requests) },
      hooks: { onMaskUpdate: (event) => void events.push(event) },
    });
    expect(result).toMatchObject({ stepsDone: 8, maskUpdates: 3 });
    expect(requests.map((r) => [r.step, r.totalSteps, r.seed])).toEqual([2, 4, 6].map((step) => [step, 8, maskUpdateSeed(17, step)]));
    expect(events.map((e) => [e.step, e.epoch])).toEqual([[2, 0], [4, 1], [6, 1]]);
    expect(events.every((e) => e.grown > 0)).toBe(true);
    for (const [name, mask] of result.masks) {
      const values = mask.dataSync() as Float32Array;
      expect(density(values), name).toBe(active.get(name));
      const weights = net.parameters.find((p) => p.name === name)?.variable.dataSync() as Float32Array;
      expect(weights.every((w, i) => values[i] === 1 || w === 0)).toBe(true);
      expect(masks.get(name)).not.toBe(mask);
    }
    // The loop's masks are now the caller's; those it replaced are already disposed.
    tf.dispose([...result.masks.values()]);
    optimizer.dispose();
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('updates the masks of an engine through its maskAccess, as the optimizer path does', async () => {
    const runs: Map<string, Float32Array>[] = [];
    for (const path of ['optimizer', 'engine'] as const) {
      const { net, masks, data, dispose } = setup();
      const rule = swapRule([]);
      let stepper: EngineStepper | undefined;
      if (path === 'engine') {
        stepper = await optimizerEngine('fused').start(net, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
        const result = await train({ parameters: net.parameters, loss: (batch) => net.loss(batch), engine: stepper, batches: data, steps: 8, seed: 17, maskUpdates: { rule } });
        expect(result.maskUpdates).toBe(3);
        stepper.sync();
      } else {
        const result = await train({ parameters: net.parameters, loss: (batch) => net.loss(batch), optimizer: fusedAdam(1e-2), batches: data, steps: 8, masks, seed: 17, maskUpdates: { rule } });
        tf.dispose([...result.masks.values()]);
      }
      runs.push(new Map([...net.read()].map(([name, values]) => [name, values.slice()])));
      await stepper?.dispose();
      dispose();
    }
    const [viaOptimizer, viaEngine] = runs as [Map<string, Float32Array>, Map<string, Float32Array>];
    for (const [name, values] of viaOptimizer) {
      const other = viaEngine.get(name) as Float32Array;
      const scale = Math.max(...values.map(Math.abs));
      expect(Math.max(...values.map((v, i) => Math.abs(v - (other[i] as number)))) / scale, name).toBeLessThan(1e-4);
    }
  });

  it('refuses an engine without maskAccess, missing masks, an unknown total, a non-rule and pruning beside it, before any step', async () => {
    const { net, masks, data, dispose } = setup();
    const requests: MaskUpdateRequest[] = [];
    const rule = swapRule(requests);
    const bare: EngineStepper = { step: async () => {}, sync: () => {}, adamState: async () => ({ iterations: 0, accBeta1: 0.9, accBeta2: 0.999, moments: [] }), dispose: async () => {} };
    const base = { parameters: net.parameters, loss: (batch: Batch) => net.loss(batch) };
    await expect(train({ ...base, engine: bare, batches: data, steps: 2, maskUpdates: { rule } })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/needs an engine whose stepper has a maskAccess/) });
    await expect(train({ ...base, optimizer: fusedAdam(), batches: data, steps: 2, maskUpdates: { rule } })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/needs masks/) });
    const oneShot = (function* () {
      yield* data;
    })();
    await expect(train({ ...base, optimizer: fusedAdam(), masks, batches: oneShot, epochs: 1, maskUpdates: { rule } })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/give maskUpdates.totalSteps/) });
    await expect(train({ ...base, optimizer: fusedAdam(), masks, batches: data, steps: 2, maskUpdates: { rule: { name: 'x' } as unknown as MaskUpdateRule } })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/must be a MaskUpdateRule/) });
    const pruning = { scorer: { score: async () => new Map() }, pruner: { prune: async () => new Map() }, schedule: { sparsityAt: () => 0.5, isUpdateStep: () => false } } as unknown as GradualPruning;
    await expect(train({ ...base, optimizer: fusedAdam(), masks, batches: data, steps: 2, pruning, maskUpdates: { rule } })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/cannot be combined with pruning/) });
    // Nothing ran: the masks and weights are as they were.
    expect(requests).toEqual([]);
    dispose();
  });
});
