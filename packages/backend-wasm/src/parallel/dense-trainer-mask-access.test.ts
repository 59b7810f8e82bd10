import * as tf from '@tensorflow/tfjs-core';
import { TrainingEngines, createDenseMlp, createRuntime, heNormal, type AdamState, type Batch, type DenseMlp, type EngineMaskAccess, type EngineStepper, type SparseRuntime } from '@sparse/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../index.js';

const SIZES = [12, 16, 8, 4] as const;
const MASKED = ['fc1/kernel', 'fc2/kernel'] as const;

let runtime: SparseRuntime;
let threaded: SparseRuntime;
beforeAll(async () => {
  runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  threaded = await createRuntime({ backend: 'wasm', plugins: [wasmBackend({ denseTrainerThreads: 2 })] });
});

function batches(count: number, seed = 0): Batch[] {
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([6, SIZES[0]], 0, 1, 'float32', 100 + seed + i),
      y: tf.cast(tf.oneHot(tf.randomUniform([6], 0, 4, 'int32', 200 + seed + i), 4), 'float32'),
    })),
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

interface Started {
  readonly net: DenseMlp;
  readonly stepper: EngineStepper;
  readonly access: EngineMaskAccess;
  close(): Promise<void>;
}

async function started(engine: string, seed = 3, on: SparseRuntime = runtime): Promise<Started> {
  const net = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed });
  const masks = new Map(
    MASKED.map((name, i) => {
      const shape = net.parameters.find((p) => p.name === name)?.variable.shape as number[];
      return [name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', 7 + i), 0.5), 'float32'))];
    }),
  );
  const stepper = await on.create(TrainingEngines, engine).start(net, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
  return {
    net,
    stepper,
    access: stepper.maskAccess as EngineMaskAccess,
    close: async () => {
      await stepper.dispose();
      net.dispose();
      tf.dispose([...masks.values()]);
    },
  };
}

describe("the dense-trainer engine's maskAccess", () => {
  it('reads weights and masks from the trainer, without a sync', async () => {
    const before = tf.memory().numTensors;
    const { net, stepper, access, close } = await started('dense-trainer');
    expect(access.names).toEqual([...MASKED]);
    expect(access.shapes.get('fc1/kernel')).toEqual([12, 16]);
    const data = batches(2);
    for (const batch of data) await stepper.step(batch);
    const weights = access.readWeights();
    expect(weights.get('fc1/kernel')).not.toEqual(net.read().get('fc1/kernel'));
    stepper.sync();
    for (const name of MASKED) expect(weights.get(name)).toEqual(net.read().get(name));
    const masks = access.readMasks();
    for (const name of MASKED) expect((weights.get(name) as Float32Array).every((w, i) => (masks.get(name) as Float32Array)[i] === 1 || w === 0)).toBe(true);
    await close();
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("computes the loss's dense gradients in its own memory (= tf.grads), changing nothing", async () => {
    const before = tf.memory().numTensors;
    const { net, stepper, access, close } = await started('dense-trainer');
    const data = batches(3);
    for (const batch of data.slice(0, 2)) await stepper.step(batch);
    const batch = data[2] as Batch;
    const state = await stepper.adamState();
    const weights = access.readWeights();
    const gradients = await access.denseGradients(batch);
    expect(await stepper.adamState()).toEqual(state);
    expect(access.readWeights()).toEqual(weights);
    stepper.sync();
    const kernels = MASKED.map((name) => net.parameters.find((p) => p.name === name)?.variable as tf.Variable);
    const reference = tf.tidy(() => tf.grads(() => net.loss(batch))(kernels));
    const expected = reference.map((tensor) => tensor.dataSync() as Float32Array);
    tf.dispose(reference);
    MASKED.forEach((name, i) => {
      const got = gradients.get(name) as Float32Array;
      const want = expected[i] as Float32Array;
      const scale = Math.max(...want.map(Math.abs));
      expect(Math.max(...got.map((g, j) => Math.abs(g - (want[j] as number)))) / scale, name).toBeLessThan(1e-5);
    });
    const mask = access.readMasks().get('fc1/kernel') as Float32Array;
    expect((gradients.get('fc1/kernel') as Float32Array).some((g, i) => mask[i] === 0 && g !== 0)).toBe(true);
    // The next step is the one it would have been.
    await stepper.step(batch);
    const { stepper: other, access: reference2, close: closeOther } = await started('dense-trainer');
    for (const b of data) await other.step(b);
    expect(access.readWeights()).toEqual(reference2.readWeights());
    await closeOther();
    await close();
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('replaceMasks zeroes pruned and grown weights and resets exactly the grown and pruned entries’ moments, in place', async () => {
    const before = tf.memory().numTensors;
    const data = batches(3);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.05, max: 0.6, noNaN: true }), async (seed, fraction) => {
        const { net, stepper, access, close } = await started('dense-trainer');
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
            const oldMoments = momentsOf(state, parameter.variable.name);
            const newMoments = momentsOf(after, parameter.variable.name);
            const mask = update.masks.get(parameter.name);
            if (mask === undefined) {
              expect(newMoments).toEqual(oldMoments);
              continue;
            }
            const grown = new Set(update.grown.get(parameter.name) ?? []);
            const [w0, w1] = [weights.get(parameter.name) as Float32Array, now.get(parameter.name) as Float32Array];
            for (let i = 0; i < w1.length; i++) {
              const reset = grown.has(i);
              expect((w1[i] as number) + 0).toBe(mask[i] === 0 || reset ? 0 : (w0[i] as number) + 0);
              // Grown and pruned entries' moments are 0; the others' are untouched.
              const cleared = reset || mask[i] === 0;
              expect((newMoments.m[i] as number) + 0).toBe(cleared ? 0 : (oldMoments.m[i] as number) + 0);
              expect((newMoments.v[i] as number) + 0).toBe(cleared ? 0 : (oldMoments.v[i] as number) + 0);
            }
          }
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
    const { stepper, access, close } = await started('dense-trainer');
    const data = batches(1);
    await stepper.step(data[0] as Batch);
    const [masks, weights, state] = [access.readMasks(), access.readWeights(), await stepper.adamState()];
    const mask = masks.get('fc1/kernel') as Float32Array;
    const pruned = mask.findIndex((m) => m === 0);
    const active = mask.findIndex((m) => m === 1);
    const grownMask = mask.slice();
    grownMask[pruned] = 1;
    const cases: [Map<string, Float32Array>, Map<string, Uint32Array>, RegExp][] = [
      [new Map([['fc3/kernel', new Float32Array(32)]]), new Map(), /'fc3\/kernel' is not a masked parameter/],
      [new Map([['fc1/kernel', new Float32Array(3)]]), new Map(), /Float32Array of 192 values/],
      [new Map([['fc1/kernel', mask.map((m, i) => (i === 5 ? 2 : m))]]), new Map(), /holds 2 at index 5/],
      [new Map([['fc1/kernel', grownMask]]), new Map([['fc1/kernel', Uint32Array.of(192)]]), /out of range/],
      [new Map([['fc1/kernel', mask]]), new Map([['fc1/kernel', Uint32Array.of(active)]]), /has new mask 0|already active/],
      [new Map([['fc1/kernel', grownMask]]), new Map([['fc1/kernel', Uint32Array.of(pruned, pruned)]]), /strictly ascending/],
    ];
    for (const [newMasks, grown, message] of cases) {
      expect(() => access.replaceMasks(newMasks, grown)).toThrowError(expect.objectContaining({ code: 'E_ARGUMENT', message: expect.stringMatching(message) }));
    }
    expect([access.readMasks(), access.readWeights(), await stepper.adamState()]).toEqual([masks, weights, state]);
    await close();
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
  });
});

/** Steps with a mask replacement (and, on odd steps, a gradients pass) before every other step; the final weights. */
async function trajectory(engine: string, on: SparseRuntime = runtime): Promise<{ weights: Map<string, Float32Array>; gradients: Float32Array[]; adam: AdamState }> {
  const data = batches(6, 50);
  const { net, stepper, access, close } = await started(engine, 11, on);
  const gradients: Float32Array[] = [];
  for (let i = 0; i < data.length; i++) {
    if (i % 2 === 1) {
      gradients.push(...(await access.denseGradients(data[i] as Batch)).values());
      const update = randomUpdate(access.readMasks(), 1000 + i, 0.3);
      access.replaceMasks(update.masks, update.grown);
    }
    await stepper.step(data[i] as Batch);
  }
  stepper.sync();
  const weights = new Map([...net.read()].map(([name, values]) => [name, values.slice()]));
  const adam = await stepper.adamState();
  await close();
  tf.dispose(data.flatMap((b) => [b.x, b.y]));
  return { weights, gradients, adam };
}

describe('engines with mask replacements between steps', () => {
  it('stock, fused and dense-trainer follow the same trajectory to float32 rounding', async () => {
    const before = tf.memory().numTensors;
    const [stock, fused, dense] = [await trajectory('stock'), await trajectory('fused'), await trajectory('dense-trainer')];
    expect(tf.memory().numTensors).toBe(before);
    for (const other of [fused, dense]) {
      for (const [name, values] of stock.weights) {
        const got = other.weights.get(name) as Float32Array;
        const scale = Math.max(...values.map(Math.abs));
        expect(Math.max(...values.map((v, i) => Math.abs(v - (got[i] as number)))) / scale, name).toBeLessThan(1e-4);
      }
      // Adam's state too (moment names differ: each run has its own variables).
      expect([other.adam.iterations, other.adam.accBeta1, other.adam.accBeta2]).toEqual([stock.adam.iterations, stock.adam.accBeta1, stock.adam.accBeta2]);
      stock.adam.moments.forEach(({ values }, k) => {
        const got = other.adam.moments[k]?.values as Float32Array;
        const scale = Math.max(...values.map(Math.abs));
        expect(Math.max(...values.map((v, i) => Math.abs(v - (got[i] as number)))) / scale, `moment ${k}`).toBeLessThan(1e-3);
      });
      // The same gradients at the same points, to float32 rounding.
      stock.gradients.forEach((values, k) => {
        const got = other.gradients[k] as Float32Array;
        const scale = Math.max(...values.map(Math.abs));
        expect(Math.max(...values.map((v, i) => Math.abs(v - (got[i] as number)))) / scale, `gradient ${k}`).toBeLessThan(1e-4);
      });
    }
  });

  it('the dense trainer gives the same bits on 2 threads as on 1, gradients included', async () => {
    const [one, two] = [await trajectory('dense-trainer'), await trajectory('dense-trainer', threaded)];
    for (const [name, values] of one.weights) expect(Buffer.from((two.weights.get(name) as Float32Array).buffer).equals(Buffer.from(values.buffer)), name).toBe(true);
    expect(two.gradients.length).toBe(6);
    two.gradients.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from((one.gradients[i] as Float32Array).buffer)), `gradient ${i}`).toBe(true));
  });
});
