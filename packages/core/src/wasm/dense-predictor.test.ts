import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { Random } from '../random/random.js';
import { createDensePredictor, type DensePredictorLayer } from './dense-predictor.js';

/** Random layers `sizes[0] → … → sizes[L]`, uniform in [-1, 1] (bias left out when `bias` is false). */
function randomLayers(sizes: readonly number[], seed: number, bias: boolean): DensePredictorLayer[] {
  const random = new Random(seed);
  return sizes.slice(1).map((outputs, l) => {
    const inputs = sizes[l] as number;
    return {
      name: `fc${l + 1}`,
      inputs,
      outputs,
      kernel: random.fillUniform(new Float32Array(inputs * outputs), -1, 1),
      ...(bias ? { bias: random.fillUniform(new Float32Array(outputs), -1, 1) } : {}),
    };
  });
}

/** The forward pass in float64: ReLU after every layer but the last, then optionally softmax. */
function reference(layers: readonly DensePredictorLayer[], x: Float32Array, softmax: boolean): Float64Array {
  const batch = x.length / (layers[0] as DensePredictorLayer).inputs;
  let h = Float64Array.from(x);
  layers.forEach((layer, l) => {
    const next = new Float64Array(batch * layer.outputs);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < layer.outputs; j++) {
        let sum = layer.bias?.[j] ?? 0;
        for (let p = 0; p < layer.inputs; p++) sum += (h[i * layer.inputs + p] as number) * (layer.kernel[p * layer.outputs + j] as number);
        next[i * layer.outputs + j] = l < layers.length - 1 ? Math.max(sum, 0) : sum;
      }
    }
    h = next;
  });
  if (softmax) {
    const width = (layers[layers.length - 1] as DensePredictorLayer).outputs;
    for (let i = 0; i < batch; i++) {
      const row = h.subarray(i * width, (i + 1) * width);
      const max = Math.max(...row);
      let sum = 0;
      for (let j = 0; j < width; j++) sum += row[j] = Math.exp((row[j] as number) - max);
      for (let j = 0; j < width; j++) row[j] = (row[j] as number) / sum;
    }
  }
  return h;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

describe('createDensePredictor', () => {
  it('equals the float64 forward pass to float32 rounding on random shapes, batches and chunk sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 32 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (sizes, batch, chunkRows, softmax, bias, seed) => {
          const layers = randomLayers(sizes, seed, bias);
          const x = new Random(seed + 1).fillUniform(new Float32Array(batch * (sizes[0] as number)), -1, 1);
          const predictor = createDensePredictor(layers, { output: softmax ? 'softmax' : 'linear', chunkRows });
          const got = predictor.predict(x);
          predictor.dispose();
          const want = reference(layers, x, softmax);
          // Sums of up to 40 products of values in [-1, 1] through 4 layers: float32 rounding stays far below this.
          const scale = Math.max(1, ...Array.from(want, Math.abs));
          expect(maxDifference(got, want) / scale).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60, seed: 20 },
    );
  });

  it('writes into a given array, keeps its own copy of the weights and reports its sizes', () => {
    const layers = randomLayers([9, 12, 3], 1, true);
    const predictor = createDensePredictor(layers);
    expect(predictor.layerSizes).toEqual([9, 12, 3]);
    expect([predictor.inputs, predictor.outputs]).toEqual([9, 3]);
    const x = new Random(2).fillNormal(new Float32Array(2 * 9));
    const before = predictor.predict(x);
    (layers[0] as DensePredictorLayer).kernel.fill(0);
    const into = new Float32Array(6);
    expect(predictor.predict(x, into)).toBe(into);
    expect(Array.from(into)).toEqual(Array.from(before));
    predictor.dispose();
  });

  it('softmax rows sum to 1', () => {
    const predictor = createDensePredictor(randomLayers([5, 7, 4], 3, true), { output: 'softmax' });
    const y = predictor.predict(new Random(4).fillNormal(new Float32Array(3 * 5)));
    for (let i = 0; i < 3; i++) expect(y[4 * i]! + y[4 * i + 1]! + y[4 * i + 2]! + y[4 * i + 3]!).toBeCloseTo(1, 6);
    predictor.dispose();
  });

  it('names the layer that does not fit, before making any memory', () => {
    const catchError = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error;
      }
      throw new Error('expected a throw');
    };
    const good = randomLayers([4, 3, 2], 5, true);
    const cases: [unknown, RegExp][] = [
      [catchError(() => createDensePredictor([])), /at least one layer/],
      [catchError(() => createDensePredictor([good[0]!, { ...good[1]!, kernel: new Float32Array(5) }])), /layer 'fc2'.s kernel has 5 values; it needs 3 × 2 = 6/],
      [catchError(() => createDensePredictor([good[0]!, { ...good[1]!, bias: new Float32Array(3) }])), /layer 'fc2'.s bias has 3 values; it needs 2/],
      [catchError(() => createDensePredictor([good[0]!, { ...good[1]!, inputs: 2, kernel: new Float32Array(4) }])), /layer 'fc2' takes 2 inputs but the layer before it gives 3/],
      [catchError(() => createDensePredictor([{ inputs: 0, outputs: 1, kernel: new Float32Array(0) }])), /layer 'layer 0' has inputs 0/],
      [catchError(() => createDensePredictor(good, { output: 'sigmoid' as 'linear' })), /output must be 'linear' or 'softmax'/],
      [catchError(() => createDensePredictor(good, { chunkRows: 0 })), /chunkRows must be an integer from 1 to 4096/],
    ];
    for (const [error, message] of cases) {
      expect(isSparseError(error) && error.code === 'E_ARGUMENT').toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('rejects a wrong input length and use after dispose', () => {
    const predictor = createDensePredictor(randomLayers([4, 2], 6, false));
    expect(() => predictor.predict(new Float32Array(6))).toThrow(/predict takes batch × 4 float32 values \(batch ≥ 1\), got 6 values/);
    expect(() => predictor.predict(new Float32Array(0))).toThrow(/got 0 values/);
    expect(() => predictor.predict(new Float32Array(8), new Float32Array(3))).toThrow(/into must hold 2 × 2/);
    predictor.dispose();
    expect(() => predictor.predict(new Float32Array(4))).toThrow(expect.objectContaining({ code: 'E_FROZEN' }));
  });
});
