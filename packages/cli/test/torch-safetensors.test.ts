import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTensorData, encodeTensorData, float16BitsToFloat32, bfloat16BitsToFloat32, openSafetensors } from '@sparse/core';
import { FIXTURES } from './support.js';

/**
 * Files laid out by scripts/make-torch-fixtures.py from PyTorch tensors (struct + json, the
 * reference writer's layout): our reader must agree on every dtype, and our F16/BF16 rounding
 * must match PyTorch's `.half()` / `.bfloat16()` bit for bit.
 */
describe('safetensors written from PyTorch tensors', () => {
  it('reads every dtype with the values PyTorch had', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'torch-dtypes.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; values: (number | boolean)[] }>;
    const file = await openSafetensors(join(FIXTURES, 'torch-dtypes.safetensors'));
    try {
      expect(file.header.metadata).toEqual({ note: 'layout check' });
      expect(file.header.dataStart % 8).toBe(0);
      expect([...file.names].sort()).toEqual(Object.keys(expected).sort());
      for (const [name, { dtype, shape, values }] of Object.entries(expected)) {
        const info = file.info(name);
        expect(info.dtype, name).toBe(dtype);
        expect(info.shape, name).toEqual(shape);
        const decoded = Array.from(await file.read(name) as ArrayLike<number | bigint>, Number);
        const want = values.map((v) => (typeof v === 'boolean' ? Number(v) : dtype === 'F32' ? Math.fround(v) : v));
        expect(decoded, name).toEqual(want);
      }
    } finally {
      await file.close();
    }
  });

  it('rounds float32 to F16 and BF16 exactly as PyTorch does (ties to even, subnormals, overflow)', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'torch-conversions.json'), 'utf8')) as Record<'f32_bits' | 'f16_bits' | 'bf16_bits', number[]>;
    const source = new Float32Array(Int32Array.from(expected.f32_bits).buffer);
    const file = await openSafetensors(join(FIXTURES, 'torch-conversions.safetensors'));
    try {
      const fileSource = await file.readFloat32('f32');
      expect(Buffer.from(fileSource.buffer).equals(Buffer.from(source.buffer))).toBe(true);
      for (const [dtype, key, decode] of [['F16', 'f16_bits', float16BitsToFloat32], ['BF16', 'bf16_bits', bfloat16BitsToFloat32]] as const) {
        const ours = new Uint16Array(encodeTensorData(dtype, source).buffer);
        const theirs = expected[key];
        let compared = 0;
        for (let i = 0; i < source.length; i += 1) {
          if (Number.isNaN(source[i])) {
            // PyTorch's vectorised BF16 path writes NaN as 0xFFFF, its scalar path 0x7FC0; both are NaN.
            expect(decode(ours[i]!)).toBeNaN();
            expect(decode(theirs[i]!)).toBeNaN();
            continue;
          }
          expect(ours[i], `${dtype} of float32 bits 0x${(expected.f32_bits[i]! >>> 0).toString(16)}`).toBe(theirs[i]);
          compared += 1;
        }
        expect(compared).toBeGreaterThan(500);
        // The file's half tensors decode to the same values.
        const stored = Array.from(decodeTensorData(dtype, await file.readBytes(key.slice(0, -5))) as Float32Array);
        stored.forEach((value, i) => (Number.isNaN(value) ? expect(decode(theirs[i]!)).toBeNaN() : expect(value).toBe(decode(theirs[i]!))));
      }
    } finally {
      await file.close();
    }
  });
});
