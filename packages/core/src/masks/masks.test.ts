import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTensorData } from '../safetensors/codec.js';
import { deserializeSafetensors, serializeSafetensors } from '../safetensors/writer.js';
import type { BinaryMask } from './binary-mask.js';
import { packMaskBits, unpackMaskBits } from './bit-pack.js';
import { deserializeMasks, loadMaskSet, readMaskFile, saveMaskSet, serializeMasks, writeMaskFile } from './mask-file.js';

const shapeArb = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 4 });
const maskArb = shapeArb.chain((shape) => {
  const count = shape.reduce((a, b) => a * b, 1);
  return fc.uint8Array({ min: 0, max: 1, minLength: count, maxLength: count }).map((kept): BinaryMask => ({ shape, kept }));
});
const maskSetArb = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__metadata__'), maskArb), {
  selector: ([name]) => name,
  maxLength: 6,
});

describe('bit packing', () => {
  it('uses little bit order: element i is bit i % 8 of byte i / 8', () => {
    expect(Array.from(packMaskBits([1, 0, 0, 0, 0, 0, 0, 0]))).toEqual([0b00000001]);
    expect(Array.from(packMaskBits([0, 0, 0, 0, 0, 0, 0, 1]))).toEqual([0b10000000]);
    expect(Array.from(packMaskBits([1, 1, 0, 1, 0, 0, 0, 0, 0, 1]))).toEqual([0b00001011, 0b00000010]);
    expect(packMaskBits([])).toHaveLength(0);
  });

  it('round-trips any 0/1 array (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ min: 0, max: 1, maxLength: 300 }), (kept) => {
        const packed = packMaskBits(kept);
        return packed.byteLength === Math.ceil(kept.length / 8) && unpackMaskBits(packed, kept.length).every((v, i) => v === kept[i]);
      }),
    );
  });

  it('rejects non-binary values, a wrong byte count and stray padding bits', () => {
    expect(() => packMaskBits([1, 2])).toThrowError(/element 1 is 2/);
    expect(() => unpackMaskBits(new Uint8Array(2), 17)).toThrowError(/needs 3 bytes; got 2/);
    expect(() => unpackMaskBits(new Uint8Array([0xff, 0b00000010]), 9)).toThrowError(/bits set beyond its 9 elements/);
  });
});

describe('mask files', () => {
  it.each(['packed', 'u8'] as const)('round-trip any mask set in the %s format (property)', (format) => {
    fc.assert(
      fc.property(maskSetArb, (list) => {
        const masks = new Map(list);
        const back = deserializeMasks(serializeMasks(masks, format));
        // Order is kept except among empty masks, which share an offset (the format leaves it open).
        expect([...back.keys()].sort()).toEqual([...masks.keys()].sort());
        for (const [name, mask] of masks) {
          expect(back.get(name)?.shape).toEqual(mask.shape);
          expect(Array.from(back.get(name)!.kept)).toEqual(Array.from(mask.kept));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('packs to about n/8 bytes, eight times smaller than u8', () => {
    const n = 300 * 784;
    const kept = Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) % 7 < 3 ? 1 : 0);
    const masks = new Map([['fc1.weight', { shape: [300, 784], kept }]]);
    const packed = serializeMasks(masks, 'packed');
    const plain = serializeMasks(masks, 'u8');
    expect(packed.byteLength).toBeGreaterThanOrEqual(n / 8);
    expect(packed.byteLength).toBeLessThan(n / 8 + 256); // + the header
    expect(plain.byteLength).toBeGreaterThanOrEqual(n);
    const { header } = deserializeSafetensors(packed);
    expect(header.metadata).toMatchObject({ 'sparse.format': 'packed-mask', 'sparse.bit_order': 'little', 'sparse.shapes': '{"fc1.weight":[300,784]}' });
    expect(header.tensors[0]).toMatchObject({ dtype: 'U8', shape: [n / 8] });
  });

  it('reads plain masks written by other tools in any numeric dtype, and rejects non-masks', () => {
    const bytes = serializeSafetensors([
      { name: 'a', dtype: 'F32', shape: [2, 2], data: encodeTensorData('F32', [1, 0, 0, 1]) },
      { name: 'b', dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
    ]);
    const masks = deserializeMasks(bytes);
    expect(Array.from(masks.get('a')!.kept)).toEqual([1, 0, 0, 1]);
    expect(masks.get('b')?.shape).toEqual([3]);
    const weights = serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: encodeTensorData('F32', [0.5, 1]) }]);
    expect(() => deserializeMasks(weights, 'w.safetensors')).toThrowError("w.safetensors: 'w' is not a mask: element 0 is 0.5 (masks hold 0 = pruned, 1 = kept).");
  });

  it('refuses masks whose values or shape are wrong before writing', () => {
    expect(() => serializeMasks(new Map([['w', { shape: [2, 2], kept: new Uint8Array(3) }]]))).toThrowError(/shape \[2, 2\] \(4 elements\) but 3 values/);
    expect(() => serializeMasks(new Map([['w', { shape: [2], kept: new Uint8Array([0, 3]) }]]), 'u8')).toThrowError(/element 1 is 3/);
    expect(() => serializeMasks(new Map(), 'bits' as never)).toThrowError(/Unknown mask file format "bits"; allowed: packed, u8/);
  });

  describe('on disk, through tensors', () => {
    let folder: string;
    beforeAll(async () => {
      await tf.setBackend('cpu');
      folder = await mkdtemp(join(tmpdir(), 'sparse-masks-'));
    });
    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('saves and loads a MaskSet without leaking tensors', async () => {
      const masks = new Map<string, tf.Tensor>([
        ['dense_1/kernel', tf.tensor2d([[1, 0, 1], [0, 0, 1]])],
        ['conv/kernel', tf.tensor4d([1, 0, 1, 1, 0, 1, 1, 1, 1], [3, 3, 1, 1])],
      ]);
      const before = tf.memory().numTensors;
      const path = join(folder, 'masks.safetensors');
      await saveMaskSet(path, masks);
      const loaded = await loadMaskSet(path);
      expect(tf.memory().numTensors).toBe(before + 2);
      for (const [name, mask] of masks) {
        expect(loaded.get(name)?.shape).toEqual(mask.shape);
        expect(Array.from(await loaded.get(name)!.data())).toEqual(Array.from(await mask.data()));
      }
      for (const tensor of [...masks.values(), ...loaded.values()]) tensor.dispose();
      expect(tf.memory().numTensors).toBe(before - 2);
      await expect(saveMaskSet(path, new Map([['x', tf.tensor1d([0.5])]]))).rejects.toThrowError(/element 0 is 0.5/);
    });

    it('writes u8 masks a safetensors reader sees with the parameter shape', async () => {
      const path = join(folder, 'u8.safetensors');
      await writeMaskFile(path, new Map([['w', { shape: [2, 3], kept: new Uint8Array([1, 1, 0, 0, 1, 0]) }]]), 'u8');
      expect((await stat(path)).size % 8).toBe(6); // 8-byte aligned header + 6 data bytes
      expect(Array.from((await readMaskFile(path)).get('w')!.kept)).toEqual([1, 1, 0, 0, 1, 0]);
    });
  });
});
