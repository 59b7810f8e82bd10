import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { gunzipWithStreams, gzip, gzipWithStreams } from '../io/gzip.js';
import { encodeIdx } from './encode-idx.js';
import { IDX_DATA_TYPES, type IdxArray, type IdxDataType } from './idx-types.js';
import { parseIdx } from './parse-idx.js';
import { readIdx } from './read-idx.js';

const elements: Record<IdxDataType, (n: number) => fc.Arbitrary<IdxArray['data']>> = {
  uint8: (n) => fc.uint8Array({ minLength: n, maxLength: n }),
  int8: (n) => fc.int8Array({ minLength: n, maxLength: n }),
  int16: (n) => fc.int16Array({ minLength: n, maxLength: n }),
  int32: (n) => fc.int32Array({ minLength: n, maxLength: n }),
  float32: (n) => fc.float32Array({ minLength: n, maxLength: n }),
  float64: (n) => fc.float64Array({ minLength: n, maxLength: n }),
};

/** Any dtype, rank 0–5, dimensions 0–4 (so empty arrays and scalars are covered). */
const idxArray = (dtype: IdxDataType): fc.Arbitrary<IdxArray> =>
  fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 5 })
    .chain((shape) => elements[dtype](shape.reduce((a, b) => a * b, 1)).map((data) => ({ dtype, shape, data })));

const anyIdxArray = fc.constantFrom(...IDX_DATA_TYPES).chain(idxArray);

/** Same bits, so NaN payloads and -0 count as equal only when they really are. */
function sameBytes(a: IdxArray['data'], b: IdxArray['data']): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function expectFormatError(run: () => unknown, pattern: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(isSparseError(error, 'E_FORMAT'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  expect.fail('expected an E_FORMAT SparseError');
}

describe('IDX round trip', () => {
  it.each(IDX_DATA_TYPES)('parseIdx(encodeIdx(a)) equals a for %s, every rank', (dtype) => {
    fc.assert(
      fc.property(idxArray(dtype), (array) => {
        const back = parseIdx(encodeIdx(array));
        expect(back.dtype).toBe(array.dtype);
        expect(back.shape).toEqual(array.shape);
        expect(back.data.constructor).toBe(array.data.constructor);
        expect(sameBytes(back.data, array.data)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('readIdx reads gzip and plain files alike', async () => {
    await fc.assert(
      fc.asyncProperty(anyIdxArray, fc.boolean(), async (array, compress) => {
        const plain = encodeIdx(array);
        const back = await readIdx(compress ? await gzip(plain) : plain);
        expect(back.shape).toEqual(array.shape);
        expect(sameBytes(back.data, array.data)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('reads gzip made by CompressionStream and node:zlib alike, and the stream path reads zlib output', async () => {
    const array: IdxArray = { dtype: 'int32', shape: [2, 3], data: new Int32Array([1, -2, 3, -4, 5, 2147483647]) };
    const viaStreams = await readIdx(await gzipWithStreams(encodeIdx(array)));
    expect(viaStreams.data).toEqual(array.data);
    expect(parseIdx(await gunzipWithStreams(await gzip(encodeIdx(array)))).data).toEqual(array.data);
  });

  it('writes big-endian headers and elements, as the format specifies', () => {
    const bytes = encodeIdx({ dtype: 'int16', shape: [2], data: new Int16Array([1, -2]) });
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x00, 0x01, 0xff, 0xfe]);
    const images = encodeIdx({ dtype: 'uint8', shape: [1, 2, 2], data: new Uint8Array([1, 2, 3, 4]) });
    expect(Array.from(images.subarray(0, 4))).toEqual([0, 0, 8, 3]); // magic 0x00000803
  });

  it('does not alias the input bytes', () => {
    const bytes = encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]) });
    const parsed = parseIdx(bytes);
    bytes[bytes.length - 1] = 99;
    expect(Array.from(parsed.data)).toEqual([1, 2, 3]);
  });

  it('parses a view into a larger buffer at an odd offset', () => {
    const file = encodeIdx({ dtype: 'float64', shape: [2], data: new Float64Array([Math.PI, -1e300]) });
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 1);
    expect(Array.from(parseIdx(padded.subarray(1, 1 + file.length)).data)).toEqual([Math.PI, -1e300]);
  });
});

describe('IDX errors', () => {
  const good = encodeIdx({ dtype: 'uint8', shape: [2, 3], data: new Uint8Array(6) });

  it('rejects a bad magic number, naming the file and the allowed type codes', () => {
    const bad = good.slice();
    bad[0] = 1;
    expectFormatError(() => parseIdx(bad, { name: 'x.idx' }), /x\.idx has a bad IDX magic number 0x01000802.*0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64/);
    const unknownType = good.slice();
    unknownType[2] = 0x0a;
    expectFormatError(() => parseIdx(unknownType), /bad IDX magic number 0x00000A02/);
  });

  it('tells that gzip bytes must be decompressed first', async () => {
    expectFormatError(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])), /gzip magic 1f 8b: decompress it first/);
    const gz = await gzip(good);
    await expect(readIdx(gz.subarray(0, gz.length - 10), { name: 'cut.gz' })).rejects.toThrow(/cut\.gz starts with the gzip magic 1f 8b but is not valid gzip/);
    await expect(readIdx(gz.subarray(0, gz.length - 10))).rejects.toSatisfy((error: unknown) => isSparseError(error, 'E_FORMAT'));
  });

  it('rejects files shorter than the magic number or the header', () => {
    expectFormatError(() => parseIdx(new Uint8Array([0, 0])), /truncated: an IDX file starts with a 4-byte magic number, got 2 byte/);
    expectFormatError(() => parseIdx(good.subarray(0, 9)), /truncated: its magic number 0x00000802 announces 2 dimension\(s\), so the header is 12 bytes, but the data has only 9/);
  });

  it('rejects data shorter or longer than the product of the dimensions', () => {
    expectFormatError(() => parseIdx(good.subarray(0, good.length - 1)), /is truncated: dimensions \[2, 3\] of uint8 need 6 data bytes .* but 5 follow/);
    const long = new Uint8Array(good.length + 2);
    long.set(good);
    expectFormatError(() => parseIdx(long), /has more data than its dimensions describe: dimensions \[2, 3\] of uint8 need 6 data bytes .* but 8 follow/);
    const f32 = encodeIdx({ dtype: 'float32', shape: [3], data: new Float32Array(3) });
    expectFormatError(() => parseIdx(f32.subarray(0, f32.length - 2)), /need 12 data bytes \(3 element\(s\) × 4\), but 10/);
  });

  it('rejects dimensions whose product overflows', () => {
    const header = new Uint8Array(4 + 4 * 4);
    header.set([0, 0, 8, 4]);
    new DataView(header.buffer).setUint32(4, 0xffffffff);
    new DataView(header.buffer).setUint32(8, 0xffffffff);
    new DataView(header.buffer).setUint32(12, 0xffffffff);
    new DataView(header.buffer).setUint32(16, 0xffffffff);
    expectFormatError(() => parseIdx(header), /is truncated: dimensions \[4294967295, 4294967295, 4294967295, 4294967295\]/);
  });

  it('the writer validates its input before writing', () => {
    const wrong = (array: unknown, pattern: RegExp): void => {
      try {
        encodeIdx(array as IdxArray);
        expect.fail('expected an error');
      } catch (error) {
        expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
        expect((error as Error).message).toMatch(pattern);
      }
    };
    wrong({ dtype: 'uint16', shape: [1], data: new Uint16Array(1) }, /unknown dtype "uint16"; allowed: uint8, int8, int16, int32, float32, float64/);
    wrong({ dtype: 'int16', shape: [1], data: new Int32Array(1) }, /dtype int16 needs its own typed array, got a Int32Array/);
    wrong({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) }, /shape \[2, 2\] holds 4 element\(s\) but data has 3/);
    wrong({ dtype: 'uint8', shape: [1.5], data: new Uint8Array(1) }, /has the dimension 1.5/);
    wrong({ dtype: 'uint8', shape: new Array<number>(256).fill(1), data: new Uint8Array(1) }, /rank 256 is above the format's limit of 255/);
  });
});
