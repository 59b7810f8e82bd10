import fc from 'fast-check';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparseError } from '../errors.js';
import { decodeTensorData, encodeTensorData } from './codec.js';
import { SAFETENSORS_DTYPE_SIZES, type SafetensorsDtype } from './dtype.js';
import { buildSafetensorsHeader, sortLikeSafetensors } from './header.js';
import { openSafetensors } from './reader.js';
import { deserializeSafetensors, serializeSafetensors, writeSafetensors } from './writer.js';

/** The elements of any decoded typed array (bigint ones included). */
const list = (data: ArrayLike<number | bigint>): (number | bigint)[] => Array.from(data);
const ascii = (text: string): number[] => [...new TextEncoder().encode(text)];
const u64 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0, 0, 0, 0];
const f32le = (values: number[]): number[] => [...new Uint8Array(new Float32Array(values).buffer)];
/** A file laid out by hand from the format description: length, header (padded or not), data. */
const handMade = (json: string, data: number[], pad = true): Uint8Array => {
  const header = ascii(json);
  const padding = pad ? (8 - (header.length % 8)) % 8 : 0;
  return new Uint8Array([...u64(header.length + padding), ...header, ...Array<number>(padding).fill(0x20), ...data]);
};

describe('safetensors layout (golden bytes written by hand from the format description)', () => {
  it('lays out one F32 tensor exactly: 8-byte LE length, compact JSON, data', () => {
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64); // already a multiple of 8: no padding
    const expected = handMade(json, f32le([0, 1, 2, 3, 4, 5]));
    const bytes = serializeSafetensors([{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], data: encodeTensorData('F32', [0, 1, 2, 3, 4, 5]) }]);
    expect([...bytes]).toEqual([...expected]);
  });

  it('pads the header with spaces to a multiple of 8 so the data is aligned', () => {
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65);
    const bytes = serializeSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], data: encodeTensorData('F32', [0, 1, 2, 3, 4, 5]) }]);
    expect(bytes[0]).toBe(72);
    expect([...bytes.subarray(8 + 65, 8 + 72)]).toEqual(Array<number>(7).fill(0x20));
    expect([...bytes]).toEqual([...handMade(json, f32le([0, 1, 2, 3, 4, 5]))]);
  });

  it('writes an empty file and __metadata__ first', () => {
    expect([...serializeSafetensors([])]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...ascii('{}      ')]);
    const withMetadata = serializeSafetensors([], { metadata: { framework: 'pt' } });
    expect([...withMetadata]).toEqual([...handMade('{"__metadata__":{"framework":"pt"}}', [])]);
    expect(withMetadata[0]).toBe(40);
  });

  it('stores tensors in the given order, or sorted like the reference writer', () => {
    const specs = [
      { name: 'b.mask', dtype: 'U8' as const, shape: [3] },
      { name: 'a.weight', dtype: 'F16' as const, shape: [2] },
      { name: 'c.weight', dtype: 'F32' as const, shape: [1] },
      { name: 'a.bias', dtype: 'F32' as const, shape: [1] },
    ];
    expect(buildSafetensorsHeader(specs).tensors.map((t) => t.name)).toEqual(['b.mask', 'a.weight', 'c.weight', 'a.bias']);
    expect(sortLikeSafetensors(specs).map((s) => s.name)).toEqual(['a.bias', 'c.weight', 'a.weight', 'b.mask']);
    const { tensors } = buildSafetensorsHeader(sortLikeSafetensors(specs));
    expect(tensors.map((t) => t.dataOffsets)).toEqual([[0, 4], [4, 8], [8, 12], [12, 15]]);
  });

  it('handles tensor names that are also Object.prototype keys', () => {
    const names = ['__proto__', 'constructor', 'toString'];
    const bytes = serializeSafetensors(names.map((name, i) => ({ name, dtype: 'U8' as const, shape: [1], data: Uint8Array.of(i) })), {
      metadata: JSON.parse('{"__proto__":"x"}') as Record<string, string>,
    });
    const { header, tensors } = deserializeSafetensors(bytes);
    expect(header.tensors.map((t) => t.name)).toEqual(names);
    expect(names.map((name) => tensors.get(name)?.bytes[0])).toEqual([0, 1, 2]);
    expect(Object.getOwnPropertyDescriptor(header.metadata, '__proto__')?.value).toBe('x');
  });

  it('reads files whose JSON lists tensors out of offset order and whose header is not padded', () => {
    const json = '{"w2":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"__metadata__":{"format":"pt"},"w1":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}';
    const data = [...new Uint8Array(new Float64Array([0.5]).buffer), 7, 0, 0, 0];
    const { header, tensors } = deserializeSafetensors(handMade(json, data, false));
    expect(header.tensors.map((t) => t.name)).toEqual(['w1', 'w2']);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(list(decodeTensorData('F64', tensors.get('w1')!.bytes))).toEqual([0.5]);
    expect(list(decodeTensorData('I32', tensors.get('w2')!.bytes))).toEqual([7]);
    expect(header.tensors[0]?.shape).toEqual([]);
    expect(header.tensors[0]?.elementCount).toBe(1);
  });
});

describe('validation: every malformed file is an E_FORMAT error that says what is wrong', () => {
  const good = handMade('{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}', f32le([1, 2, 3, 4]));
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty buffer', new Uint8Array(0), /fewer than the 8-byte header length/],
    ['a 5-byte buffer', new Uint8Array(5), /fewer than the 8-byte header length/],
    ['a header length beyond the file', new Uint8Array([...u64(1000), ...ascii('{}')]), /declares a 1000-byte header but only 2 bytes follow/],
    ['a huge header length', new Uint8Array([0, 0, 0, 0, 0, 0, 1, 0, ...ascii('{}')]), /beyond the end of the 10-byte file/],
    ['truncated data', good.subarray(0, good.byteLength - 3), /need 16 data bytes \(up to 'w'\), but only 13 follow the header: the file is truncated/],
    ['trailing bytes', new Uint8Array([...good, 0]), /1 bytes follow the last tensor/],
    ['bad JSON', handMade('{"w":{"dtype":"F32",}', []), /not valid JSON/],
    ['a header that is not an object', handMade('[1,2]', []), /must be a JSON object starting with '\{'/],
    ['an unknown dtype', handMade('{"w":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /unknown dtype "F31"; allowed: BOOL, U8/],
    ['a shape/byte-length mismatch', handMade('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', Array<number>(8).fill(0)), /shape \[3\] of F32, which needs 12 bytes, but its data_offsets \[0, 8\] span 8/],
    ['a negative dimension', handMade('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /expected an array of non-negative integers/],
    ['reversed offsets', handMade('{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}', [0, 0, 0, 0]), /expected \[begin, end\] with 0 <= begin <= end/],
    [
      'overlapping offsets',
      handMade('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', Array<number>(12).fill(0)),
      /tensor 'b' starts at data offset 4, which overlaps the previous tensor \(expected 8\)/,
    ],
    [
      'a gap between tensors',
      handMade('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', Array<number>(12).fill(0)),
      /leaves a gap of 4 bytes/,
    ],
    ['out-of-range offsets', handMade('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', Array<number>(8).fill(0)), /only 8 follow the header/],
    ['non-string metadata', handMade('{"__metadata__":{"epoch":3}}', []), /__metadata__\.epoch must be a string; got 3/],
    ['invalid UTF-8', new Uint8Array([...u64(8), 0x7b, 0xff, 0xfe, 0x7d, 32, 32, 32, 32]), /not valid UTF-8/],
  ];
  it.each(cases)('%s', (_label, bytes, message) => {
    let caught: unknown;
    try {
      deserializeSafetensors(bytes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SparseError);
    expect((caught as SparseError).code).toBe('E_FORMAT');
    expect((caught as SparseError).message).toMatch(message);
  });

  it('accepts the well-formed file the cases were cut from', () => {
    expect(deserializeSafetensors(good).header.tensors).toHaveLength(1);
  });
});

describe('dtypes: encode, store, read back', () => {
  const samples: Record<string, [SafetensorsDtype, number[]]> = {
    F64: ['F64', [0.1, -1e300, 5e-324, Infinity, -0]],
    F32: ['F32', [Math.fround(0.1), -3.5, 1e-45, -Infinity, 0]],
    F16: ['F16', [0.5, -65504, 2 ** -24, Infinity, 0.0999755859375]],
    BF16: ['BF16', [1, -2.5, 3.3895313892515355e38, -Infinity, 0.10009765625]],
    I64: ['I64', [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 42]],
    I32: ['I32', [0, -1, 2147483647, -2147483648, 42]],
    I16: ['I16', [0, -1, 32767, -32768, 42]],
    I8: ['I8', [0, -1, 127, -128, 42]],
    U8: ['U8', [0, 1, 255, 128, 42]],
    BOOL: ['BOOL', [0, 1, 1, 0, 1]],
  };
  it.each(Object.entries(samples))('%s', (_name, [dtype, values]) => {
    const data = encodeTensorData(dtype, values);
    expect(data.byteLength).toBe(values.length * SAFETENSORS_DTYPE_SIZES[dtype]);
    const bytes = serializeSafetensors([{ name: 't', dtype, shape: [values.length], data }]);
    const read = deserializeSafetensors(bytes).tensors.get('t')!;
    expect(read.info.dtype).toBe(dtype);
    const decoded = Array.from(decodeTensorData(dtype, read.bytes) as ArrayLike<number | bigint>, Number);
    const expected = dtype === 'F32' || dtype === 'F16' || dtype === 'BF16' ? values.map(Math.fround) : values;
    expect(decoded).toEqual(expected); // the samples are exactly representable in their dtype
  });

  it('decodes U32, U16, U64 read from other writers', () => {
    expect(list(decodeTensorData('U32', new Uint8Array([0xff, 0xff, 0xff, 0xff])))).toEqual([4294967295]);
    expect(list(decodeTensorData('U16', new Uint8Array([0x01, 0x80])))).toEqual([0x8001]);
    expect(list(decodeTensorData('U64', new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0x80])))).toEqual([2n ** 63n + 1n]);
    expect(list(decodeTensorData('BOOL', new Uint8Array([0, 2])))).toEqual([0, 1]);
  });

  it('refuses values a dtype cannot hold and F8 decoding', () => {
    expect(() => encodeTensorData('U8', [256])).toThrowError(/Element 0 is 256, which is not a U8 value \(integers in \[0, 255\]\)/);
    expect(() => encodeTensorData('I32', [1.5])).toThrowError(/not a I32 value/);
    expect(() => encodeTensorData('F8_E4M3', [1])).toThrowError(/Cannot encode numbers as F8_E4M3/);
    expect(() => decodeTensorData('F8_E5M2', new Uint8Array(1))).toThrowError(/only be copied as raw bytes/);
    expect(() => decodeTensorData('F32', new Uint8Array(3))).toThrowError(/multiple of 4 bytes; got 3/);
  });

  it('round-trips arbitrary float32 tensors bit for bit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rows: fc.integer({ min: 0, max: 5 }), cols: fc.integer({ min: 1, max: 5 }), seed: fc.integer() }), { maxLength: 5 }),
        (shapes) => {
          const entries = shapes.map(({ rows, cols, seed }, i) => {
            const values = Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(seed + k) * 1e3);
            return { name: `t${i}`, dtype: 'F32' as const, shape: [rows, cols], data: new Uint8Array(values.buffer) };
          });
          const { tensors } = deserializeSafetensors(serializeSafetensors(entries));
          return entries.every((entry) => {
            const read = tensors.get(entry.name)!;
            return read.info.shape.join() === entry.shape.join() && Buffer.from(read.bytes).equals(Buffer.from(entry.data));
          });
        },
      ),
    );
  });
});

describe('files: streaming reads and atomic writes', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'sparse-safetensors-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes, then reads single tensors by name from their offsets', async () => {
    const path = join(folder, 'model.safetensors');
    const calls: string[] = [];
    const tensors = await writeSafetensors(
      path,
      [
        { name: 'fc.weight', dtype: 'BF16', shape: [2, 3], data: () => (calls.push('fc.weight'), encodeTensorData('BF16', [1, 2, 3, 4, 5, 6])) },
        { name: 'fc.bias', dtype: 'F32', shape: [2], data: async () => (calls.push('fc.bias'), encodeTensorData('F32', [0.5, -0.5])) },
        { name: 'step', dtype: 'I64', shape: [], data: encodeTensorData('I64', [7]) },
      ],
      { metadata: { format: 'pt' } },
    );
    expect(calls).toEqual(['fc.weight', 'fc.bias']);
    expect(tensors.map((t) => t.dataOffsets)).toEqual([[0, 12], [12, 20], [20, 28]]);
    const file = await openSafetensors(path);
    try {
      expect(file.names).toEqual(['fc.weight', 'fc.bias', 'step']);
      expect(file.header.metadata).toEqual({ format: 'pt' });
      expect(file.header.dataStart % 8).toBe(0);
      expect(Array.from(await file.readFloat32('fc.bias'))).toEqual([0.5, -0.5]);
      expect(Array.from(await file.readFloat32('fc.weight'))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(list(await file.read('step'))).toEqual([7n]);
      expect([...(await file.readBytes('fc.weight'))]).toEqual([...encodeTensorData('BF16', [1, 2, 3, 4, 5, 6])]);
      await expect(file.readBytes('fc.kernel')).rejects.toThrowError(/has no tensor 'fc.kernel'; it has: fc.weight, fc.bias, step/);
    } finally {
      await file.close();
    }
    await expect(file.readBytes('step')).rejects.toThrowError(/is closed/);
  });

  it('reads one tensor at its offset without touching the others (a sparse 400 MB file)', async () => {
    const path = join(folder, 'big.safetensors');
    const { bytes: header, tensors } = buildSafetensorsHeader([
      { name: 'big', dtype: 'F32', shape: [100_000_000] },
      { name: 'small', dtype: 'F32', shape: [2] },
    ]);
    const handle = await open(path, 'w');
    await handle.write(header, 0, header.byteLength, 0);
    await handle.write(encodeTensorData('F32', [1.5, -2]), 0, 8, header.byteLength + tensors[1]!.dataOffsets[0]);
    await handle.close();
    const file = await openSafetensors(path);
    try {
      expect(file.byteLength).toBe(header.byteLength + 400_000_008);
      expect(Array.from(await file.readFloat32('small'))).toEqual([1.5, -2]);
    } finally {
      await file.close();
    }
  });

  it('names the path of a missing, truncated or foreign file', async () => {
    await expect(openSafetensors(join(folder, 'nope.safetensors'))).rejects.toMatchObject({ code: 'E_IO', message: expect.stringMatching(/nope\.safetensors: no such file/) as unknown });
    await expect(openSafetensors(folder)).rejects.toMatchObject({ code: 'E_IO' });
    const path = join(folder, 'truncated.safetensors');
    const full = serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [4], data: new Uint8Array(16) }]);
    await writeFile(path, full.subarray(0, full.byteLength - 1));
    await expect(openSafetensors(path)).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringContaining(`${path}: the tensors need 16 data bytes`) as unknown });
    await writeFile(path, 'hello, world');
    await expect(openSafetensors(path)).rejects.toMatchObject({ code: 'E_FORMAT' });
  });

  it('leaves nothing behind and the old file intact when a write fails', async () => {
    const path = join(folder, 'atomic.safetensors');
    await writeFile(path, 'old contents');
    await expect(
      writeSafetensors(path, [
        { name: 'a', dtype: 'F32', shape: [1], data: new Uint8Array(4) },
        { name: 'b', dtype: 'F32', shape: [2], data: () => new Uint8Array(4) },
      ]),
    ).rejects.toThrowError(/Tensor 'b' of shape \[2\] and dtype F32 needs 8 bytes; got 4 bytes/);
    await expect(
      writeSafetensors(path, [{ name: 'a', dtype: 'F32', shape: [1], data: () => Promise.reject(new Error('disk on fire')) }]),
    ).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('disk on fire') as unknown });
    expect(await readFile(path, 'utf8')).toBe('old contents');
    expect((await readdir(folder)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('validates the header before creating any file', async () => {
    const path = join(folder, 'invalid.safetensors');
    await expect(writeSafetensors(path, [{ name: 'a', dtype: 'F32', shape: [1], data: new Uint8Array(4) }, { name: 'a', dtype: 'F32', shape: [1], data: new Uint8Array(4) }])).rejects.toThrowError(/used twice/);
    await expect(writeSafetensors(path, [{ name: '__metadata__', dtype: 'F32', shape: [1], data: new Uint8Array(4) }])).rejects.toThrowError(/reserved/);
    await expect(writeSafetensors(path, [{ name: 'a', dtype: 'F31' as never, shape: [1], data: new Uint8Array(4) }])).rejects.toThrowError(/unknown dtype/);
    await expect(writeSafetensors(join(folder, 'missing', 'x.safetensors'), [])).rejects.toThrowError(/the folder .*missing does not exist/);
    expect((await readdir(folder)).filter((name) => name.startsWith('invalid') || name.includes('.tmp'))).toEqual([]);
  });
});
