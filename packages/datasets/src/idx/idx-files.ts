import { gzip } from '../io/gzip.js';
import { readFileBytes, writeFileAtomic } from '../io/node-files.js';
import { encodeIdx } from './encode-idx.js';
import type { IdxArray } from './idx-types.js';
import { readIdx } from './read-idx.js';

/**
 * Reads an IDX file from disk (Node), gzip-compressed or plain. Rejects with `E_IO` when the file
 * cannot be read and `E_FORMAT` when it is not valid IDX.
 *
 * @example
 * ```ts
 * import { readIdxFile } from '@sparse/datasets';
 *
 * const labels = await readIdxFile('/data/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * console.log(labels.dtype, labels.shape); // 'uint8' [10000]
 * ```
 */
export async function readIdxFile(path: string | URL): Promise<IdxArray> {
  return readIdx(await readFileBytes(path), { name: String(path) });
}

/**
 * Options of {@link writeIdxFile}.
 *
 * @example
 * ```ts
 * import type { WriteIdxFileOptions } from '@sparse/datasets';
 *
 * const options: WriteIdxFileOptions = { gzip: true };
 * ```
 */
export interface WriteIdxFileOptions {
  /** Compress with gzip (level 9). Default: true when the path ends in `.gz`. */
  readonly gzip?: boolean;
}

/**
 * Writes an array as an IDX file (Node), atomically: to a temporary file in the same folder, then
 * renamed. Returns the bytes written (compressed when gzip is on), e.g. to checksum them.
 *
 * @example
 * ```ts
 * import { writeIdxFile } from '@sparse/datasets';
 *
 * await writeIdxFile('/tmp/labels-idx1-ubyte.gz', { dtype: 'uint8', shape: [2], data: new Uint8Array([1, 2]) });
 * ```
 */
export async function writeIdxFile(path: string, array: IdxArray, options: WriteIdxFileOptions = {}): Promise<Uint8Array> {
  const plain = encodeIdx(array);
  const bytes = (options.gzip ?? path.endsWith('.gz')) ? await gzip(plain) : plain;
  await writeFileAtomic(path, bytes);
  return bytes;
}
