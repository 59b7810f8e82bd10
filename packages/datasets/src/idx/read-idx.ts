import { SparseError } from '@sparse/core';
import { gunzip, isGzip } from '../io/gzip.js';
import type { IdxArray } from './idx-types.js';
import { parseIdx, type ParseIdxOptions } from './parse-idx.js';

/**
 * Parses an IDX file that may be gzip-compressed: bytes starting with `1f 8b` are decompressed
 * first (node:zlib in Node, `DecompressionStream` in browsers), then parsed by {@link parseIdx}.
 * Corrupt gzip and malformed IDX both reject with a `SparseError` of code `E_FORMAT`.
 *
 * @param bytes - a `Uint8Array` or Node `Buffer` holding the file.
 *
 * @example
 * ```ts
 * import { encodeIdx, gzip, readIdx } from '@sparse/datasets';
 *
 * const file = await gzip(encodeIdx({ dtype: 'int16', shape: [2], data: new Int16Array([-1, 300]) }));
 * const array = await readIdx(file, { name: 'example.idx1.gz' });
 * console.log(array.data); // Int16Array [-1, 300]
 * ```
 */
export async function readIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): Promise<IdxArray> {
  if (!isGzip(bytes)) return parseIdx(bytes, options);
  let plain: Uint8Array;
  try {
    plain = await gunzip(bytes);
  } catch (error) {
    const name = options.name ?? 'IDX data';
    throw new SparseError(
      'E_FORMAT',
      `${name} starts with the gzip magic 1f 8b but is not valid gzip (truncated or corrupt): ${(error as Error).message}.`,
      { field: 'gzip', received: `${bytes.length} bytes` },
      { cause: error },
    );
  }
  return parseIdx(plain, options);
}
