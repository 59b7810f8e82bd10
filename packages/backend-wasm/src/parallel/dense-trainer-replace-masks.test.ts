import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, type SparseError } from '@sparse/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../index.js';
import { createDenseTrainer, type DenseTrainer, type DenseTrainerAdamState } from './dense-trainer.js';

// replaceMasks writes the new masks with one scan and a zero-fill per buffer (keeping the active entries'
// bits). The previous implementation set each entry whose new mask is 0 (±0), then each grown entry, to +0
// in the kernel and both moments, and left every other bit alone; these tests hold the new one to exactly
// that, bit for bit, with −0 in the masks and −0, NaN payloads and subnormals in the moments.

beforeAll(async () => {
  await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
});

/** Layers of widths not multiples of 8, so that rows are padded; layer 1 unmasked. */
const SIZES = [13, 11, 9, 3] as const;
const MASKED = [true, false, true] as const;

function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bits = (values: Float32Array): number[] => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

/** Moments with special values: −0, NaN with a payload, a subnormal, and ordinary values. */
function moments(size: number, next: () => number): Float32Array {
  const out = new Float32Array(size);
  const view = new Uint32Array(out.buffer);
  for (let i = 0; i < size; i++) {
    const u = next();
    if (u < 0.1) view[i] = 0x80000000;
    else if (u < 0.15) view[i] = 0x7fc01234;
    else if (u < 0.2) view[i] = 0x00000005;
    else out[i] = next() - 0.5;
  }
  return out;
}

async function trainer(seed: number): Promise<{ trainer: DenseTrainer; dispose(): void }> {
  const next = generator(seed);
  const layers = SIZES.slice(1).map((out, l) => ({
    kernel: tf.variable(tf.randomNormal([SIZES[l] as number, out], 0, 0.3, 'float32', seed + l)),
    bias: tf.variable(tf.zeros([out])),
  }));
  const masks = layers.map((layer, l) => (MASKED[l] ? tf.tensor2d(Float32Array.from({ length: layer.kernel.size }, () => (next() < 0.5 ? 1 : 0)), layer.kernel.shape as [number, number]) : null));
  const adam: DenseTrainerAdamState = {
    steps: 3,
    accBeta1: Math.fround(0.9 ** 4),
    accBeta2: Math.fround(0.999 ** 4),
    layers: layers.map((layer) => ({ kernelM: moments(layer.kernel.size, next), kernelV: moments(layer.kernel.size, next), biasM: new Float32Array(layer.bias.size), biasV: new Float32Array(layer.bias.size) })),
  };
  const made = await createDenseTrainer({ layers, masks, learningRate: 1e-2, batchSize: 4, adam });
  return { trainer: made, dispose: () => tf.dispose([...layers.flatMap((layer) => [layer.kernel, layer.bias]), ...masks.filter((m): m is tf.Tensor2D => m !== null)]) };
}

/** A random replacement: each masked layer (or none) gets a new mask (some zeros as −0) and the list of entries going 0 → 1. */
function replacement(current: readonly (Float32Array | null)[], next: () => number): { masks: (Float32Array | undefined)[]; grown: (Uint32Array | undefined)[] } {
  const masks: (Float32Array | undefined)[] = [];
  const grown: (Uint32Array | undefined)[] = [];
  current.forEach((mask) => {
    if (mask === null || next() < 0.2) {
      masks.push(undefined);
      grown.push(undefined);
      return;
    }
    const fresh = Float32Array.from(mask, (m) => (next() < 0.3 ? 1 - m : m));
    for (let i = 0; i < fresh.length; i++) if (fresh[i] === 0 && next() < 0.3) fresh[i] = -0;
    masks.push(fresh);
    // Not every 0 → 1 entry need be listed as grown (such an entry keeps its values).
    grown.push(Uint32Array.from([...fresh.keys()].filter((i) => mask[i] === 0 && fresh[i] === 1 && next() < 0.8)));
  });
  return { masks, grown };
}

describe('DenseTrainer.replaceMasks, bit for bit as before', () => {
  it('sets exactly the entries whose new mask is ±0 and the grown ones to +0 (kernel and moments), keeps every other bit, and installs the masks as given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const { trainer: t, dispose } = await trainer(seed);
        const next = generator(seed ^ 0x5bd1e995);
        const x = tf.randomUniform([4, SIZES[0]], 0, 1, 'float32', seed);
        const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3), 'float32'));
        try {
          for (let round = 0; round < 3; round++) {
            const [kernels, state, masks] = [t.readKernels(), t.adamState(), t.readMasks()];
            const { masks: newMasks, grown } = replacement(masks, next);
            t.replaceMasks(newMasks, grown);
            const [kernelsAfter, stateAfter, masksAfter] = [t.readKernels(), t.adamState(), t.readMasks()];
            expect([stateAfter.steps, stateAfter.accBeta1, stateAfter.accBeta2]).toEqual([state.steps, state.accBeta1, state.accBeta2]);
            SIZES.slice(1).forEach((_, l) => {
              const mask = newMasks[l];
              const cleared = new Set(grown[l] ?? []);
              if (mask !== undefined) mask.forEach((m, i) => m === 0 && cleared.add(i));
              const expected = (values: Float32Array) => bits(values).map((b, i) => (cleared.has(i) ? 0 : b));
              expect(bits(kernelsAfter[l] as Float32Array)).toEqual(expected(kernels[l] as Float32Array));
              const [before, after] = [state.layers[l], stateAfter.layers[l]];
              expect(bits(after?.kernelM as Float32Array)).toEqual(expected(before?.kernelM as Float32Array));
              expect(bits(after?.kernelV as Float32Array)).toEqual(expected(before?.kernelV as Float32Array));
              expect(bits(after?.biasM as Float32Array)).toEqual(bits(before?.biasM as Float32Array));
              const installed = masksAfter[l] ?? null;
              expect(installed === null ? null : bits(installed)).toEqual(mask !== undefined ? bits(mask) : masks[l] === null ? null : bits(masks[l] as Float32Array));
            });
            t.step(x, y);
          }
        } finally {
          await t.dispose();
          dispose();
          tf.dispose([x, y]);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('refuses bad input with the error the full check gives (the first problem, masks before grown), changing nothing', async () => {
    const { trainer: t, dispose } = await trainer(5);
    try {
      const masks = t.readMasks();
      const [first, last] = [masks[0] as Float32Array, masks[2] as Float32Array];
      const pruned = first.findIndex((m) => m === 0);
      const badValue = last.map((m, i) => (i === 4 ? 0.5 : m));
      const message = (f: () => void): string => {
        try {
          f();
        } catch (error) {
          return `${(error as SparseError).code}: ${(error as Error).message}`;
        }
        return 'no error';
      };
      const before = [t.readKernels(), t.adamState(), t.readMasks()];
      // A grown entry of layer 0 whose new mask is 0, and a value 0.5 in layer 2's mask: the mask values are checked first.
      expect(message(() => t.replaceMasks([first, undefined, badValue], [Uint32Array.of(pruned)]))).toMatch(/E_ARGUMENT: replaceMasks: the new mask of 'layers\[2\]' holds 0.5 at index 4/);
      expect(message(() => t.replaceMasks([first.map((m, i) => (i === 7 ? NaN : m))], []))).toMatch(/'layers\[0\]' holds NaN at index 7/);
      expect(message(() => t.replaceMasks([first.map((m, i) => (i === 2 ? -1 : m))], []))).toMatch(/holds -1 at index 2/);
      expect(message(() => t.replaceMasks([new Float32Array(3), undefined, badValue], []))).toMatch(/'layers\[0\]' must be a Float32Array of 143 values/);
      expect(message(() => t.replaceMasks([undefined, new Float32Array(99)], []))).toMatch(/'layers\[1\]' is not a masked parameter/);
      expect(message(() => t.replaceMasks([first], [Uint32Array.of(pruned)]))).toMatch(/grown entry \d+ of 'layers\[0\]' has new mask 0/);
      expect([t.readKernels(), t.adamState(), t.readMasks()]).toEqual(before);
    } finally {
      await t.dispose();
      dispose();
    }
  });
});
