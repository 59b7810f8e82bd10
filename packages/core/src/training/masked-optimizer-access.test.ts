import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdamState } from '../contracts/adam-state.js';
import type { Batch } from '../contracts/batch.js';
import type { EngineMaskAccess, EngineStepper } from '../contracts/training-engine.js';
import { createRuntime } from '../create-runtime.js';
import { createDenseMlp, type DenseMlp } from '../models/dense-mlp.js';
import { heNormal } from '../models/initializers.js';
import { optimizerEngine } from './optimizer-engine.js';

const SIZES = [12, 16, 8, 4] as const;
const MASKED = ['fc1/kernel', 'fc2/kernel'] as const;

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

function batches(count: number, seed = 0): Batch[] {
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([6, SIZES[0]], 0, 1, 'float32', 100 + seed + i),
      y: tf.cast(tf.oneHot(tf.randomUniform([6], 0, 4, 'int32', 200 + seed + i), 4), 'float32'),
    })),
  );
}

function initialMasks(net: DenseMlp): Map<string, tf.Tensor> {
  return new Map(
    MASKED.map((name, i) => {
      const shape = net.parameters.find((p) => p.name === name)?.variable.shape as number[];
      return [name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', 7 + i), 0.5), 'float32'))];
    }),
  );
}

/** A tiny seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Drops `fraction` of the active entries of each mask and grows as many pruned ones, at random. */
function randomUpdate(masks: ReadonlyMap<string, Float32Array>, seed: number, fraction: number): { masks: Map<string, Float32Array>; grown: Map<string, Uint32Array> } {
  const next = random(seed);
  const shuffle = (values: number[]) => {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [values[i], values[j]] = [values[j] as number, values[i] as number];
    }
    return values;
  };
  const out = { masks: new Map<string, Float32Array>(), grown: new Map<string, Uint32Array>() };
  for (const [name, mask] of masks) {
    const active = shuffle([...mask.keys()].filter((i) => mask[i] === 1));
    const pruned = shuffle([...mask.keys()].filter((i) => mask[i] === 0));
    const count = Math.min(pruned.length, Math.floor(fraction * active.length));
    const fresh = mask.slice();
    for (const i of active.slice(0, count)) fresh[i] = 0;
    const grown = pruned.slice(0, count).sort((a, b) => a - b);
    for (const i of grown) fresh[i] = 1;
    out.masks.set(name, fresh);
    out.grown.set(name, Uint32Array.from(grown));
  }
  return out;
}

const momentsOf = (state: AdamState, variableName: string) => ({
  m: state.moments.find((entry) => entry.name === `${variableName}/m`)?.values as Float32Array,
  v: state.moments.find((entry) => entry.name === `${variableName}/v`)?.values as Float32Array,
});

async function started(kind: 'stock' | 'fused', seed = 3): Promise<{ net: DenseMlp; masks: Map<string, tf.Tensor>; stepper: EngineStepper; access: EngineMaskAccess; close(): Promise<void> }> {
  const net = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed });
  const masks = initialMasks(net);
  const stepper = await optimizerEngine(kind).start(net, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
  const access = stepper.maskAccess as EngineMaskAccess;
  return {
    net,
    masks,
    stepper,
    access,
    close: async () => {
      await stepper.dispose();
      net.dispose();
      tf.dispose([...masks.values()]);
    },
  };
}

describe.each(['stock', 'fused'] as const)('the %s engine’s maskAccess', (kind) => {
  it('names the masked kernels and reads their weights and masks', async () => {
    const before = tf.memory().numTensors;
    const { net, masks, access, close } = await started(kind);
    expect(access.names).toEqual([...MASKED]);
    expect(access.shapes.get('fc2/kernel')).toEqual([16, 8]);
    const weights = access.readWeights();
    const read = access.readMasks();
    for (const name of MASKED) {
      expect(read.get(name)).toEqual(Float32Array.from(masks.get(name)?.dataSync() ?? []));
      expect(weights.get(name)).toEqual(net.parameters.find((p) => p.name === name)?.variable.dataSync());
      const mask = read.get(name) as Float32Array;
      expect((weights.get(name) as Float32Array).every((w, i) => mask[i] === 1 || w === 0)).toBe(true);
    }
    await close();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gives the loss's dense gradients (tf.grads), changing nothing, leaking nothing", async () => {
    const before = tf.memory().numTensors;
    const { net, stepper, access, close } = await started(kind);
    const data = batches(3);
    for (const batch of data.slice(0, 2)) await stepper.step(batch);
    const batch = data[2] as Batch;
    const state = await stepper.adamState();
    const weights = net.read();
    const copy = new Map([...weights].map(([name, values]) => [name, values.slice()]));
    const inside = tf.memory().numTensors;
    const gradients = await access.denseGradients(batch);
    expect(tf.memory().numTensors).toBe(inside);
    const kernels = MASKED.map((name) => net.parameters.find((p) => p.name === name)?.variable as tf.Variable);
    const reference = tf.tidy(() => tf.grads((...ws: tf.Tensor[]) => {
      void ws;
      return net.loss(batch);
    })(kernels));
    const expected = reference.map((tensor) => tensor.dataSync() as Float32Array);
    tf.dispose(reference);
    MASKED.forEach((name, i) => {
      const got = gradients.get(name) as Float32Array;
      const want = expected[i] as Float32Array;
      const scale = Math.max(...want.map(Math.abs));
      expect(Math.max(...got.map((g, j) => Math.abs(g - (want[j] as number)))) / scale).toBeLessThan(1e-5);
    });
    // Pruned entries have gradients too (dense, not masked).
    const mask = access.readMasks().get('fc1/kernel') as Float32Array;
    expect((gradients.get('fc1/kernel') as Float32Array).some((g, i) => mask[i] === 0 && g !== 0)).toBe(true);
    expect(net.read()).toEqual(copy);
    expect(await stepper.adamState()).toEqual(state);
    await close();
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('replaceMasks zeroes pruned and grown weights and resets exactly the grown and pruned entries’ Adam moments', async () => {
    const before = tf.memory().numTensors;
    const data = batches(3);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.05, max: 0.6, noNaN: true }), async (seed, fraction) => {
        const { net, stepper, access, close } = await started(kind);
        try {
          for (const batch of data) await stepper.step(batch);
          const state = await stepper.adamState();
          const weights = access.readWeights();
          const update = randomUpdate(access.readMasks(), seed, fraction);
          access.replaceMasks(update.masks, update.grown);
          const after = await stepper.adamState();
          expect([after.iterations, after.accBeta1, after.accBeta2]).toEqual([state.iterations, state.accBeta1, state.accBeta2]);
          expect(access.readMasks()).toEqual(update.masks);
          const now = access.readWeights();
          for (const parameter of net.parameters) {
            const name = parameter.name;
            const oldMoments = momentsOf(state, parameter.variable.name);
            const newMoments = momentsOf(after, parameter.variable.name);
            const mask = update.masks.get(name);
            const grown = new Set(update.grown.get(name) ?? []);
            if (mask === undefined) {
              expect(newMoments).toEqual(oldMoments);
              continue;
            }
            const w0 = weights.get(name) as Float32Array;
            const w1 = now.get(name) as Float32Array;
            for (let i = 0; i < w1.length; i++) {
              const reset = grown.has(i);
              // (+ 0: a pruned weight may be −0)
              expect((w1[i] as number) + 0).toBe(mask[i] === 0 || reset ? 0 : (w0[i] as number) + 0);
              // Grown and pruned entries' moments are 0; the others' are untouched.
              const cleared = reset || mask[i] === 0;
              expect((newMoments.m[i] as number) + 0).toBe(cleared ? 0 : (oldMoments.m[i] as number) + 0);
              expect((newMoments.v[i] as number) + 0).toBe(cleared ? 0 : (oldMoments.v[i] as number) + 0);
            }
          }
          // Training goes on with the new masks in force.
          await stepper.step(data[0] as Batch);
          const trained = access.readWeights();
          for (const [name, mask] of update.masks) expect((trained.get(name) as Float32Array).every((w, i) => mask[i] === 1 || w === 0)).toBe(true);
        } finally {
          await close();
        }
      }),
      { numRuns: 8 },
    );
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('replaceMasks refuses bad input before changing anything', async () => {
    const { stepper, access, close } = await started(kind);
    const data = batches(1);
    await stepper.step(data[0] as Batch);
    const masks = access.readMasks();
    const weights = access.readWeights();
    const state = await stepper.adamState();
    const mask = masks.get('fc1/kernel') as Float32Array;
    const pruned = mask.findIndex((m) => m === 0);
    const active = mask.findIndex((m) => m === 1);
    const grownMask = mask.slice();
    grownMask[pruned] = 1;
    const cases: [Map<string, Float32Array>, Map<string, Uint32Array>, RegExp][] = [
      [new Map([['fc3/kernel', new Float32Array(32)]]), new Map(), /'fc3\/kernel' is not a masked parameter/],
      [new Map([['fc1/kernel', new Float32Array(3)]]), new Map(), /Float32Array of 192 values/],
      [new Map([['fc1/kernel', mask.map((m, i) => (i === 5 ? 0.5 : m))]]), new Map(), /holds 0.5 at index 5/],
      [new Map([['fc1/kernel', grownMask]]), new Map([['fc1/kernel', Uint32Array.of(192)]]), /out of range/],
      [new Map([['fc1/kernel', grownMask]]), new Map([['fc1/kernel', Uint32Array.of(pruned, pruned)]]), /strictly ascending/],
      [new Map([['fc1/kernel', mask]]), new Map([['fc1/kernel', Uint32Array.of(pruned)]]), /has new mask 0/],
      [new Map([['fc1/kernel', mask]]), new Map([['fc1/kernel', Uint32Array.of(active)]]), /already active/],
      [new Map([['fc1/kernel', grownMask]]), new Map([['fc2/kernel', Uint32Array.of(0)]]), /masks has no new mask for it/],
    ];
    for (const [newMasks, grown, message] of cases) {
      expect(() => access.replaceMasks(newMasks, grown)).toThrowError(expect.objectContaining({ code: 'E_ARGUMENT', message: expect.stringMatching(message) }));
    }
    expect(access.readMasks()).toEqual(masks);
    expect(access.readWeights()).toEqual(weights);
    expect(await stepper.adamState()).toEqual(state);
    await close();
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
  });
});

describe('stock and fused engines with mask replacements', () => {
  it('follow the same trajectory to float32 rounding', async () => {
    const data = batches(6, 50);
    const runs: Map<string, Float32Array>[] = [];
    for (const kind of ['stock', 'fused'] as const) {
      const { net, stepper, access, close } = await started(kind, 11);
      for (let i = 0; i < data.length; i++) {
        if (i % 2 === 1) {
          const update = randomUpdate(access.readMasks(), 1000 + i, 0.3);
          access.replaceMasks(update.masks, update.grown);
        }
        await stepper.step(data[i] as Batch);
      }
      stepper.sync();
      runs.push(new Map([...net.read()].map(([name, values]) => [name, values.slice()])));
      await close();
    }
    const [stock, fused] = runs as [Map<string, Float32Array>, Map<string, Float32Array>];
    for (const [name, values] of stock) {
      const other = fused.get(name) as Float32Array;
      const scale = Math.max(...values.map(Math.abs));
      expect(Math.max(...values.map((v, i) => Math.abs(v - (other[i] as number)))) / scale, name).toBeLessThan(1e-4);
    }
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
  });
});
