/**
 * Tells whether bytes start with the gzip magic number `1f 8b`.
 *
 * @example
 * ```ts
 * import { isGzip } from '@sparse/datasets';
 *
 * console.log(isGzip(new Uint8Array([0x1f, 0x8b, 8, 0]))); // true
 * console.log(isGzip(new Uint8Array([0, 0, 8, 1]))); // false: a plain IDX header
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True in Node (and Node-compatible runtimes), where node:zlib is available. */
function hasNodeZlib(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

async function throughStream(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes.slice()]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** The browser path of {@link gunzip}: `DecompressionStream('gzip')` (also in Node ≥ 18, for tests). */
export function gunzipWithStreams(bytes: Uint8Array): Promise<Uint8Array> {
  return throughStream(bytes, new DecompressionStream('gzip'));
}

/** The browser path of {@link gzip}: `CompressionStream('gzip')`. */
export function gzipWithStreams(bytes: Uint8Array): Promise<Uint8Array> {
  return throughStream(bytes, new CompressionStream('gzip'));
}

/**
 * Decompresses gzip bytes: with node:zlib in Node (all members of a multi-member file), with
 * `DecompressionStream('gzip')` in browsers. Rejects (a plain `Error` from the platform) when the
 * bytes are not valid gzip; {@link readIdx} wraps that into a `SparseError`.
 *
 * @example
 * ```ts
 * import { gunzip, gzip } from '@sparse/datasets';
 *
 * const packed = await gzip(new Uint8Array([1, 2, 3]));
 * console.log(await gunzip(packed)); // Uint8Array [1, 2, 3]
 * ```
 */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (hasNodeZlib()) {
    const zlib = await import('node:zlib');
    const output = await new Promise<Buffer>((resolve, reject) => zlib.gunzip(bytes, (error, result) => (error ? reject(error) : resolve(result))));
    return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  }
  return gunzipWithStreams(bytes);
}

/**
 * Compresses bytes with gzip: node:zlib in Node (level 9 by default, a fixed header, so the output
 * is reproducible for a given zlib), `CompressionStream('gzip')` in browsers (which ignores `level`).
 *
 * @param level - zlib compression level 0–9 (Node only).
 *
 * @example
 * ```ts
 * import { gzip, isGzip } from '@sparse/datasets';
 *
 * const packed = await gzip(new TextEncoder().encode('hello'));
 * console.log(isGzip(packed)); // true
 * ```
 */
export async function gzip(bytes: Uint8Array, level = 9): Promise<Uint8Array> {
  if (hasNodeZlib()) {
    const zlib = await import('node:zlib');
    const output = await new Promise<Buffer>((resolve, reject) => zlib.gzip(bytes, { level }, (error, result) => (error ? reject(error) : resolve(result))));
    return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  }
  return gzipWithStreams(bytes);
}
