import { echoValue, SparseError } from '@sparse/core';
import { readBundledFile } from '../bundled-data.js';
import type { IdxArray } from '../idx/idx-types.js';
import { readIdx } from '../idx/read-idx.js';
import type { ImageSet } from '../image-set.js';
import { readFileBytes } from '../io/node-files.js';
import { verifySha256 } from './checksum.js';
import { FASHION_MNIST_CLASSES } from './classes.js';
import { fetchVerified } from './download.js';
import { FASHION_MNIST_FILES, FASHION_MNIST_SHA256, type FashionMnistFile } from './files.js';
import { readFashionMnistSubsetManifest } from './subset-manifest.js';

/**
 * Where {@link loadFashionMnist} gets the four files:
 *
 * - `'bundled'`: the class-balanced subset shipped in this package (6,000 training and 1,000 test
 *   images), verified against its manifest. Works offline on a fresh clone.
 * - `{ dir }`: a folder holding the four official `.gz` files (Node).
 * - `{ url, cacheDir }`: a base URL serving the four files, fetched with the global `fetch` (or the
 *   one given) and, when `cacheDir` is set (Node), cached there after verification.
 *
 * @example
 * ```ts
 * import type { FashionMnistSource } from '@sparse/datasets';
 *
 * const local: FashionMnistSource = { dir: '/data/fashion-mnist' };
 * const remote: FashionMnistSource = {
 *   url: 'https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
 *   cacheDir: '.cache/fashion-mnist',
 * };
 * ```
 */
export type FashionMnistSource =
  | 'bundled'
  | { readonly dir: string }
  | { readonly url: string; readonly cacheDir?: string; readonly fetch?: typeof fetch };

/**
 * Options of {@link loadFashionMnist}.
 *
 * @example
 * ```ts
 * import type { LoadFashionMnistOptions } from '@sparse/datasets';
 *
 * const options: LoadFashionMnistOptions = { source: { dir: '/data/fashion-mnist' }, pixels: 'uint8' };
 * ```
 */
export interface LoadFashionMnistOptions {
  /** Where the files come from (default `'bundled'`). */
  readonly source?: FashionMnistSource;
  /** `float32` (default): pixels scaled to [0, 1]; `uint8`: the raw bytes 0–255. */
  readonly pixels?: 'float32' | 'uint8';
  /**
   * For `dir` and `url` sources: the SHA-256 each file must have (default: the official
   * {@link FASHION_MNIST_SHA256}; missing entries fall back to it), or `false` to skip verification.
   * The bundled subset is always verified against its manifest.
   */
  readonly checksums?: Partial<Record<FashionMnistFile, string>> | false;
}

/**
 * Fashion-MNIST loaded into memory: the training and test splits and the class names.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, type FashionMnist } from '@sparse/datasets';
 *
 * const data: FashionMnist<Float32Array> = await loadFashionMnist();
 * console.log(data.classNames[data.train.labels[0] ?? 0]);
 * ```
 */
export interface FashionMnist<Pixels extends Float32Array | Uint8Array = Float32Array> {
  /** The training split (60,000 images in the full set). */
  readonly train: ImageSet<Pixels>;
  /** The test split (10,000 images in the full set). */
  readonly test: ImageSet<Pixels>;
  /** Class names by label, {@link FASHION_MNIST_CLASSES}. */
  readonly classNames: typeof FASHION_MNIST_CLASSES;
}

type FileReader = (file: FashionMnistFile) => Promise<Uint8Array>;

/**
 * Loads Fashion-MNIST from the bundled subset, a folder or a URL, verifies every file's SHA-256
 * before parsing it, and checks the IDX contents (uint8 images `[n, rows, cols]`, uint8 labels
 * `[n]` in 0–9, equal counts). Errors are `SparseError`s: `E_ARGUMENT` for bad options, `E_IO` for
 * missing files or failed downloads, `E_FORMAT` for checksum mismatches and malformed files.
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from '@sparse/datasets';
 *
 * const subset = await loadFashionMnist(); // offline: the bundled 6,000 + 1,000 subset
 * const full = await loadFashionMnist({ source: { dir: '/data/fashion-mnist' } });
 * const raw = await loadFashionMnist({ source: { url: 'https://example.org/fashion/', cacheDir: '.cache/fmnist' }, pixels: 'uint8' });
 * console.log(subset.train.count, full.train.count, raw.test.images[0]); // 6000 60000 0
 * ```
 */
export function loadFashionMnist(options: LoadFashionMnistOptions & { readonly pixels: 'uint8' }): Promise<FashionMnist<Uint8Array>>;
export function loadFashionMnist(options?: LoadFashionMnistOptions & { readonly pixels?: 'float32' }): Promise<FashionMnist<Float32Array>>;
export function loadFashionMnist(options?: LoadFashionMnistOptions): Promise<FashionMnist<Float32Array> | FashionMnist<Uint8Array>>;
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnist<Float32Array> | FashionMnist<Uint8Array>> {
  const { source = 'bundled', pixels = 'float32' } = options;
  if (pixels !== 'float32' && pixels !== 'uint8') {
    throw new SparseError('E_ARGUMENT', `pixels must be 'float32' or 'uint8', got ${echoValue(pixels)}.`, {
      field: 'pixels',
      received: pixels,
      allowed: ['float32', 'uint8'],
    });
  }
  const read = await fileReader(source, options.checksums);
  const [train, test] = await settleAll([loadSplit(read, 'train'), loadSplit(read, 'test')]);
  if (pixels === 'uint8') return { train, test, classNames: FASHION_MNIST_CLASSES };
  return { train: toFloat(train), test: toFloat(test), classNames: FASHION_MNIST_CLASSES };
}

/**
 * Like Promise.all, but waits for every promise to settle before rejecting with the first error, so
 * no download or cache write is still running when the caller sees the failure.
 */
async function settleAll<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function expectedSha256(file: FashionMnistFile, checksums: LoadFashionMnistOptions['checksums']): string | undefined {
  if (checksums === false) return undefined;
  return checksums?.[file] ?? FASHION_MNIST_SHA256[file];
}

async function fileReader(source: FashionMnistSource, checksums: LoadFashionMnistOptions['checksums']): Promise<FileReader> {
  if (source === 'bundled') {
    const manifest = await readFashionMnistSubsetManifest();
    return async (file) => {
      const bytes = await readBundledFile(file);
      await verifySha256(bytes, manifest.files[file].sha256, `the bundled ${file}`, ' Reinstall @sparse/datasets or regenerate data/ with scripts/make-subset.ts.');
      return bytes;
    };
  }
  if (typeof source === 'object' && source !== null && 'dir' in source && typeof source.dir === 'string') {
    const { join } = await import('node:path');
    return async (file) => {
      const path = join(source.dir, file);
      const bytes = await readFileBytes(path);
      const sha256 = expectedSha256(file, checksums);
      if (sha256 !== undefined) await verifySha256(bytes, sha256, path);
      return bytes;
    };
  }
  if (typeof source === 'object' && source !== null && 'url' in source && typeof source.url === 'string') {
    let base: URL;
    try {
      base = new URL(source.url.endsWith('/') ? source.url : `${source.url}/`);
    } catch (error) {
      throw new SparseError('E_ARGUMENT', `source.url must be an absolute URL, got ${echoValue(source.url)}.`, { field: 'source.url', received: source.url }, { cause: error });
    }
    const { cacheDir } = source;
    const join = cacheDir === undefined ? undefined : (await import('node:path')).join;
    const fetchImpl = source.fetch ?? globalThis.fetch;
    return (file) =>
      fetchVerified({
        url: new URL(file, base).href,
        sha256: expectedSha256(file, checksums),
        cachePath: cacheDir === undefined || join === undefined ? undefined : join(cacheDir, file),
        fetch: fetchImpl,
      });
  }
  throw new SparseError('E_ARGUMENT', `source must be 'bundled', { dir } or { url, cacheDir? }, got ${echoValue(source)}.`, {
    field: 'source',
    received: source,
    allowed: ["'bundled'", '{ dir: string }', '{ url: string, cacheDir?: string }'],
  });
}

async function loadSplit(read: FileReader, split: 'train' | 'test'): Promise<ImageSet<Uint8Array>> {
  const names = FASHION_MNIST_FILES[split];
  const [imageBytes, labelBytes] = await settleAll([read(names.images), read(names.labels)]);
  const images = await readIdx(imageBytes, { name: names.images });
  const labels = await readIdx(labelBytes, { name: names.labels });
  expectUint8(images, 3, names.images, '[n, rows, cols]');
  expectUint8(labels, 1, names.labels, '[n]');
  const [count = 0, rows = 0, cols = 0] = images.shape;
  if (labels.shape[0] !== count) {
    throw new SparseError('E_FORMAT', `${names.images} holds ${count} images but ${names.labels} holds ${labels.shape[0]} labels; they must match.`, {
      field: names.labels,
      received: labels.shape[0],
      allowed: [count],
    });
  }
  const labelData = labels.data as Uint8Array;
  const bad = labelData.findIndex((label) => label >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) {
    throw new SparseError('E_FORMAT', `${names.labels} has the label ${labelData[bad]} at index ${bad}; Fashion-MNIST labels are 0–9.`, {
      field: names.labels,
      received: labelData[bad],
      allowed: '0–9',
    });
  }
  return { images: images.data as Uint8Array, labels: labelData, count, shape: [rows, cols] };
}

function expectUint8(array: IdxArray, rank: number, name: string, layout: string): void {
  if (array.dtype !== 'uint8' || array.shape.length !== rank) {
    throw new SparseError('E_FORMAT', `${name} must hold uint8 ${layout}, got ${array.dtype} of shape [${array.shape.join(', ')}].`, {
      field: name,
      received: `${array.dtype} [${array.shape.join(', ')}]`,
      allowed: `uint8 ${layout}`,
    });
  }
}

function toFloat(set: ImageSet<Uint8Array>): ImageSet<Float32Array> {
  const images = new Float32Array(set.images.length);
  for (let i = 0; i < images.length; i += 1) images[i] = (set.images[i] ?? 0) / 255;
  return { ...set, images };
}
