import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, encodeTensorData, openSafetensors, writeSafetensors, type SafetensorsDtype, type SparseRuntime } from '@sparse/core';
import { planPrune } from './plan.js';
import { selectMasks } from './select-masks.js';
import { canStreamMagnitude, magnitudeMasker, pruneCount, streamMagnitudeMasks } from './stream-magnitude.js';

const defaults = { scorer: 'magnitude', scorerOptions: {}, pattern: { kind: 'unstructured' }, mode: 'pytorch', seed: 0, include: [], exclude: [] } as const;

/** Few distinct values (ties everywhere), NaN, ±0, ±Infinity, subnormals. */
const VALUES = [0, -0, 0.5, -0.5, 1, -1, 0.25, -0.25, 2, Number.NaN, Infinity, -Infinity, 1e-40, -3];

let runtime: SparseRuntime;
let folder: string;
beforeAll(async () => {
  runtime = await createRuntime({ backend: 'cpu' });
  folder = await mkdtemp(join(tmpdir(), 'sparse-stream-'));
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

describe('pruneCount', () => {
  it("is PyTorch's round(s·N) (halves to even) in pytorch mode and ⌊s·N⌋ in exact mode, after snapping float error", () => {
    expect(pruneCount(0.9, 15, 'pytorch')).toBe(14);
    expect(pruneCount(0.5, 5, 'pytorch')).toBe(2);
    expect(pruneCount(0.9, 15, 'exact')).toBe(13);
    expect(pruneCount(0.29, 100, 'exact')).toBe(29); // 0.29 · 100 = 28.999…
    expect(pruneCount(1, 7, 'pytorch')).toBe(7);
    expect(pruneCount(0, 7, 'exact')).toBe(0);
  });
});

describe('canStreamMagnitude', () => {
  it('takes core magnitude without options, unstructured, in pytorch or exact mode only', () => {
    expect(canStreamMagnitude(defaults, runtime)).toBe(true);
    expect(canStreamMagnitude({ ...defaults, mode: 'exact' }, runtime)).toBe(true);
    expect(canStreamMagnitude({ ...defaults, mode: 'tfmot' }, runtime)).toBe(false);
    expect(canStreamMagnitude({ ...defaults, scorer: 'random' }, runtime)).toBe(false);
    expect(canStreamMagnitude({ ...defaults, pattern: { kind: 'n:m', n: 2, m: 4 } }, runtime)).toBe(false);
    expect(canStreamMagnitude({ ...defaults, scorerOptions: { power: 2 } }, runtime)).toBe(false);
  });
});

describe('streamMagnitudeMasks', () => {
  let file = 0;
  it('returns the masks and warnings of the backend path (selectMasks), for any checkpoint, scope, mode and sparsity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            rows: fc.integer({ min: 1, max: 6 }),
            columns: fc.integer({ min: 1, max: 9 }),
            dtype: fc.constantFrom<SafetensorsDtype>('F32', 'F16', 'BF16', 'F64'),
            values: fc.array(fc.oneof(fc.constantFrom(...VALUES), fc.float({ noNaN: true })), { minLength: 54, maxLength: 54 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom('layerwise' as const, 'global' as const),
        fc.constantFrom('pytorch' as const, 'exact' as const),
        fc.constantFrom(0, 0.1, 0.5, 0.9, 0.95, 1),
        async (specs, scope, mode, sparsity) => {
          const path = join(folder, `w${file++}.safetensors`);
          const tensors = specs.map((spec, k) => {
            const n = spec.rows * spec.columns;
            // Encoded, then decoded: the values both paths see (F16/BF16 rounding, F64 to float32).
            return { name: `t${k}.weight`, shape: [spec.rows, spec.columns], dtype: spec.dtype, data: encodeTensorData(spec.dtype, spec.values.slice(0, n)) };
          });
          await writeSafetensors(path, [...tensors, { name: 'bias', dtype: 'F32', shape: [2], data: encodeTensorData('F32', [1, 2]) }]);
          const checkpoint = await openSafetensors(path);
          try {
            const plans = planPrune(checkpoint.header, defaults).filter((plan) => plan.prune);
            const streamedWarnings: string[] = [];
            const streamed = await streamMagnitudeMasks(checkpoint, plans, { sparsity, scope, mode }, (message) => streamedWarnings.push(message));
            const backendWarnings: string[] = [];
            const inputs = await Promise.all(plans.map(async ({ info }) => ({ name: info.name, shape: info.shape, values: await checkpoint.readFloat32(info.name) })));
            const backend = await selectMasks(inputs, { ...defaults, sparsity, scope, mode }, { runtime, onWarning: (message) => backendWarnings.push(message) });
            expect([...streamed.keys()]).toEqual([...backend.keys()]);
            for (const [name, mask] of backend) expect(Array.from(streamed.get(name) ?? []), name).toEqual(Array.from(mask));
            expect(streamedWarnings).toEqual(backendWarnings);
          } finally {
            await checkpoint.close();
          }
        },
      ),
      { seed: 20_261_207, numRuns: 60 },
    );
  });

  it('masks tensors only in the plans\' order (ties depend on it), else E_INTERNAL', async () => {
    const path = join(folder, 'order.safetensors');
    await writeSafetensors(path, [
      { name: 'a', dtype: 'F32', shape: [1, 2], data: encodeTensorData('F32', [1, 2]) },
      { name: 'b', dtype: 'F32', shape: [2, 1], data: encodeTensorData('F32', [3, 4]) },
    ]);
    const checkpoint = await openSafetensors(path);
    try {
      const masker = await magnitudeMasker(checkpoint, planPrune(checkpoint.header, defaults), { sparsity: 0.5, scope: 'global', mode: 'pytorch' }, () => {});
      expect(() => masker.mask('b', Float32Array.of(3, 4))).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
      expect(Array.from(masker.mask('a', Float32Array.of(1, 2)))).toEqual([0, 0]);
      expect(Array.from(masker.mask('b', Float32Array.of(3, 4)))).toEqual([1, 1]);
      expect([...masker.masks.keys()]).toEqual(['a', 'b']);
    } finally {
      await checkpoint.close();
    }
  });

  it('takes ties in (tensor, index) order across tensors under a global scope', async () => {
    const path = join(folder, 'ties.safetensors');
    await writeSafetensors(path, [
      { name: 'a', dtype: 'F32', shape: [1, 3], data: encodeTensorData('F32', [1, -1, 2]) },
      { name: 'b', dtype: 'F32', shape: [3, 1], data: encodeTensorData('F32', [1, 0.5, 3]) },
    ]);
    const checkpoint = await openSafetensors(path);
    try {
      const plans = planPrune(checkpoint.header, defaults);
      // round(0.5 · 6) = 3: 0.5 (b[1]), then two of the three |1|: a[0] and a[1].
      const masks = await streamMagnitudeMasks(checkpoint, plans, { sparsity: 0.5, scope: 'global', mode: 'pytorch' }, () => {});
      expect(Array.from(masks.get('a') ?? [])).toEqual([0, 0, 1]);
      expect(Array.from(masks.get('b') ?? [])).toEqual([1, 0, 1]);
    } finally {
      await checkpoint.close();
    }
  });
});
