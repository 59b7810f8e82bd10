import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSparseError } from '@sparse/core';
import { encodeIdx } from '../idx/encode-idx.js';
import { gzip } from '../io/gzip.js';
import { sha256Hex } from '../io/sha256.js';
import { FASHION_MNIST_CLASSES } from './classes.js';
import { FASHION_MNIST_FILES, FASHION_MNIST_SHA256, type FashionMnistFile } from './files.js';
import { loadFashionMnist } from './load-fashion-mnist.js';
import { readFashionMnistSubsetManifest } from './subset-manifest.js';

/** The full set where the full LTH example config says it is (never a path written here). */
const FULL_SET_DIR = ((): string => {
  const config = new URL('../../../../examples/lth/lenet-fashion-mnist-full.json', import.meta.url);
  const dataset = (JSON.parse(readFileSync(config, 'utf8')) as { dataset: { dir: string } }).dataset;
  return fileURLToPath(new URL(dataset.dir, config));
})();
const ALL_FILES = Object.keys(FASHION_MNIST_SHA256) as FashionMnistFile[];

/** Rejects with a SparseError of `code` whose message matches `pattern`. */
async function expectSparseRejection(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected a rejection').toBeDefined();
  expect(isSparseError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(pattern);
}

/** Four small, valid Fashion-MNIST-shaped gzip files, with their checksums. */
async function syntheticFiles(counts = { train: 20, test: 10 }, tweak: Partial<Record<FashionMnistFile, Uint8Array>> = {}) {
  const files = {} as Record<FashionMnistFile, Uint8Array>;
  for (const split of ['train', 'test'] as const) {
    const n = counts[split];
    const images = Uint8Array.from({ length: n * 28 * 28 }, (_, i) => (i * 7 + n) % 256);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    files[FASHION_MNIST_FILES[split].images] = await gzip(encodeIdx({ dtype: 'uint8', shape: [n, 28, 28], data: images }));
    files[FASHION_MNIST_FILES[split].labels] = await gzip(encodeIdx({ dtype: 'uint8', shape: [n], data: labels }));
  }
  Object.assign(files, tweak);
  const checksums = {} as Record<FashionMnistFile, string>;
  for (const file of ALL_FILES) checksums[file] = await sha256Hex(files[file]);
  return { files, checksums };
}

async function writeFiles(files: Record<FashionMnistFile, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sparse-fmnist-'));
  for (const file of ALL_FILES) await writeFile(join(dir, file), files[file]);
  return dir;
}

const temporaries: string[] = [];
const temporary = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'sparse-fmnist-'));
  temporaries.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(temporaries.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the bundled subset', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('loads offline with the manifest counts, 28×28 float pixels in [0, 1] and balanced classes', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no network in tests')));
    vi.stubGlobal('fetch', fetchSpy);
    const manifest = await readFashionMnistSubsetManifest();
    const data = await loadFashionMnist();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(data.classNames).toEqual(FASHION_MNIST_CLASSES);
    for (const split of ['train', 'test'] as const) {
      const set = data[split];
      expect(set.count).toBe(manifest.splits[split].count);
      expect(set.shape).toEqual([28, 28]);
      expect(set.images).toBeInstanceOf(Float32Array);
      expect(set.images.length).toBe(set.count * 784);
      expect(set.images.every((v) => v >= 0 && v <= 1)).toBe(true);
      const perClass = new Array<number>(10).fill(0);
      for (const label of set.labels) perClass[label]! += 1;
      expect(perClass).toEqual(new Array<number>(10).fill(manifest.splits[split].perClass));
    }
    expect(data.train.count).toBe(6000);
    expect(data.test.count).toBe(1000);
  });

  it('gives the raw bytes with pixels: uint8, equal to the float pixels × 255', async () => {
    const raw = await loadFashionMnist({ source: 'bundled', pixels: 'uint8' });
    const floats = await loadFashionMnist({ source: 'bundled', pixels: 'float32' });
    expect(raw.test.images).toBeInstanceOf(Uint8Array);
    expect(Array.from(raw.test.images.subarray(0, 784), (v) => Math.fround(v / 255))).toEqual(Array.from(floats.test.images.subarray(0, 784)));
    expect(raw.test.labels).toEqual(floats.test.labels);
  });

  it('has files whose SHA-256 and size are those in the manifest, which the loader verifies', async () => {
    const manifest = await readFashionMnistSubsetManifest();
    let total = 0;
    for (const file of ALL_FILES) {
      const bytes = await readFile(new URL(`../../data/${file}`, import.meta.url));
      expect(await sha256Hex(bytes), file).toBe(manifest.files[file].sha256);
      expect(bytes.length).toBe(manifest.files[file].bytes);
      total += bytes.length;
    }
    expect(total).toBeLessThan(6_000_000);
    expect(manifest.source.sha256).toEqual(FASHION_MNIST_SHA256);
    expect(manifest.splits.train.sourceIndices).toHaveLength(manifest.splits.train.count);
  });
});

describe('loadFashionMnist from a directory', () => {
  it('loads files that match the given checksums', async () => {
    const { files, checksums } = await syntheticFiles();
    const dir = await writeFiles(files);
    temporaries.push(dir);
    const data = await loadFashionMnist({ source: { dir }, checksums, pixels: 'uint8' });
    expect(data.train.count).toBe(20);
    expect(data.test.count).toBe(10);
    expect(data.train.images[1]).toBe((7 + 20) % 256);
    expect(Array.from(data.test.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('verifies against the official checksums by default, naming the file and both sums', async () => {
    const { files } = await syntheticFiles();
    const dir = await writeFiles(files);
    temporaries.push(dir);
    await expectSparseRejection(
      loadFashionMnist({ source: { dir } }),
      'E_FORMAT',
      /Checksum mismatch for .*sparse-fmnist-.*\/t(rain|10k)-(images|labels)-idx[13]-ubyte\.gz: expected SHA-256 [0-9a-f]{64}, got [0-9a-f]{64}/,
    );
    const loaded = await loadFashionMnist({ source: { dir }, checksums: false });
    expect(loaded.train.count).toBe(20);
  });

  it('reports a missing file as E_IO and inconsistent contents as E_FORMAT', async () => {
    const empty = await temporary();
    await expectSparseRejection(loadFashionMnist({ source: { dir: empty }, checksums: false }), 'E_IO', /Cannot read .*-ubyte\.gz: it does not exist/);

    const fewerLabels = await gzip(encodeIdx({ dtype: 'uint8', shape: [19], data: new Uint8Array(19) }));
    const mismatch = await syntheticFiles(undefined, { 'train-labels-idx1-ubyte.gz': fewerLabels });
    const dir1 = await writeFiles(mismatch.files);
    temporaries.push(dir1);
    await expectSparseRejection(
      loadFashionMnist({ source: { dir: dir1 }, checksums: false }),
      'E_FORMAT',
      /train-images-idx3-ubyte\.gz holds 20 images but train-labels-idx1-ubyte\.gz holds 19 labels/,
    );

    const badLabel = await gzip(encodeIdx({ dtype: 'uint8', shape: [10], data: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]) }));
    const dir2 = await writeFiles((await syntheticFiles(undefined, { 't10k-labels-idx1-ubyte.gz': badLabel })).files);
    temporaries.push(dir2);
    await expectSparseRejection(loadFashionMnist({ source: { dir: dir2 }, checksums: false }), 'E_FORMAT', /label 10 at index 9; Fashion-MNIST labels are 0–9/);

    const floatImages = await gzip(encodeIdx({ dtype: 'float32', shape: [10, 28, 28], data: new Float32Array(7840) }));
    const dir3 = await writeFiles((await syntheticFiles(undefined, { 't10k-images-idx3-ubyte.gz': floatImages })).files);
    temporaries.push(dir3);
    await expectSparseRejection(
      loadFashionMnist({ source: { dir: dir3 }, checksums: false }),
      'E_FORMAT',
      /t10k-images-idx3-ubyte\.gz must hold uint8 \[n, rows, cols\], got float32 of shape \[10, 28, 28\]/,
    );
  });

  it('rejects bad options before reading anything', async () => {
    await expectSparseRejection(loadFashionMnist({ pixels: 'uint16' as 'uint8' }), 'E_ARGUMENT', /pixels must be 'float32' or 'uint8', got "uint16"/);
    await expectSparseRejection(loadFashionMnist({ source: { path: '/x' } as unknown as 'bundled' }), 'E_ARGUMENT', /source must be 'bundled', \{ dir \} or \{ url, cacheDir\? \}/);
    await expectSparseRejection(loadFashionMnist({ source: { url: 'not a url' } }), 'E_ARGUMENT', /source\.url must be an absolute URL, got "not a url"/);
  });
});

describe('loadFashionMnist from a URL (local server on 127.0.0.1)', () => {
  let server: Server;
  let base: string;
  const served = new Map<string, Uint8Array>();
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const name = (request.url ?? '/').slice(1);
      requests.push(name);
      const body = served.get(name);
      if (body === undefined) {
        response.writeHead(404, 'Not Found').end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const serve = (files: Record<FashionMnistFile, Uint8Array>): void => {
    served.clear();
    for (const file of ALL_FILES) served.set(file, files[file]);
    requests.length = 0;
  };

  it('downloads, verifies and caches the files, then loads from the cache without the network', async () => {
    const { files, checksums } = await syntheticFiles({ train: 30, test: 10 });
    serve(files);
    const cacheDir = join(await temporary(), 'cache');
    const first = await loadFashionMnist({ source: { url: base, cacheDir }, checksums });
    expect(first.train.count).toBe(30);
    expect(requests.sort()).toEqual([...ALL_FILES].sort());
    expect((await readdir(cacheDir)).sort()).toEqual([...ALL_FILES].sort());
    for (const file of ALL_FILES) expect(new Uint8Array(await readFile(join(cacheDir, file)))).toEqual(files[file]);

    requests.length = 0;
    const second = await loadFashionMnist({ source: { url: `${base}/`, cacheDir }, checksums });
    expect(requests).toEqual([]);
    expect(second.train.images).toEqual(first.train.images);
  });

  it('downloads again a cached file that no longer verifies', async () => {
    const { files, checksums } = await syntheticFiles({ train: 30, test: 10 });
    serve(files);
    const cacheDir = await temporary();
    await loadFashionMnist({ source: { url: base, cacheDir }, checksums });
    await writeFile(join(cacheDir, 't10k-labels-idx1-ubyte.gz'), 'corrupt');
    requests.length = 0;
    const again = await loadFashionMnist({ source: { url: base, cacheDir }, checksums });
    expect(requests).toEqual(['t10k-labels-idx1-ubyte.gz']);
    expect(again.test.count).toBe(10);
    expect(new Uint8Array(await readFile(join(cacheDir, 't10k-labels-idx1-ubyte.gz')))).toEqual(files['t10k-labels-idx1-ubyte.gz']);
  });

  it('fails on a wrong checksum with a clear message and leaves no cache file behind', async () => {
    const { files, checksums } = await syntheticFiles();
    serve({ ...files, 'train-images-idx3-ubyte.gz': files['t10k-images-idx3-ubyte.gz'] });
    const cacheDir = await temporary();
    await expectSparseRejection(
      loadFashionMnist({ source: { url: base, cacheDir }, checksums }),
      'E_FORMAT',
      new RegExp(
        `Checksum mismatch for ${base.replace(/\./g, '\\.')}/train-images-idx3-ubyte\\.gz: expected SHA-256 ${checksums['train-images-idx3-ubyte.gz']}, got ${checksums['t10k-images-idx3-ubyte.gz']} .*Nothing was cached\\.`,
      ),
    );
    // The loader waits for the other downloads to settle before it rejects: the folder is final.
    const left = await readdir(cacheDir);
    expect(left.sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
  });

  it('fails on the official checksums when the server has other files, caching nothing', async () => {
    const { files } = await syntheticFiles();
    serve(files);
    const cacheDir = await temporary();
    await expectSparseRejection(loadFashionMnist({ source: { url: base, cacheDir } }), 'E_FORMAT', /Checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/.*Nothing was cached\./);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('reports HTTP errors and unreachable servers as E_IO', async () => {
    served.clear();
    await expectSparseRejection(loadFashionMnist({ source: { url: base }, checksums: false }), 'E_IO', /Cannot download http:\/\/127\.0\.0\.1:\d+\/.*: the server answered HTTP 404 Not Found/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expectSparseRejection(loadFashionMnist({ source: { url: `http://127.0.0.1:${port}/` } }), 'E_IO', new RegExp(`Cannot download http://127\\.0\\.0\\.1:${port}/`));
  });

  it('uses the fetch it is given', async () => {
    const { files, checksums } = await syntheticFiles();
    const fetchStub = vi.fn((input: RequestInfo | URL) => Promise.resolve(new Response(files[String(input).split('/').pop() as FashionMnistFile].slice())));
    const data = await loadFashionMnist({ source: { url: 'https://example.invalid/fmnist', fetch: fetchStub as typeof fetch }, checksums });
    expect(data.test.count).toBe(10);
    expect(fetchStub).toHaveBeenCalledWith('https://example.invalid/fmnist/t10k-labels-idx1-ubyte.gz');
  });
});

describe('the full Fashion-MNIST set', () => {
  it.skipIf(!existsSync(FULL_SET_DIR))(
    `loads 60,000 + 10,000 images with the official checksums from ${FULL_SET_DIR} (the folder examples/lth/lenet-fashion-mnist-full.json names; skipped when it is absent, as on a fresh clone)`,
    async () => {
      for (const file of ALL_FILES) expect(await sha256Hex(await readFile(join(FULL_SET_DIR, file))), file).toBe(FASHION_MNIST_SHA256[file]);
      const full = await loadFashionMnist({ source: { dir: FULL_SET_DIR }, pixels: 'uint8' });
      expect(full.train.count).toBe(60_000);
      expect(full.test.count).toBe(10_000);
      expect(full.train.shape).toEqual([28, 28]);
      // Each class has 6,000 training and 1,000 test images.
      for (const [split, each] of [['train', 6000], ['test', 1000]] as const) {
        const perClass = new Array<number>(10).fill(0);
        for (const label of full[split].labels) perClass[label]! += 1;
        expect(perClass).toEqual(new Array<number>(10).fill(each));
      }
      // Provenance: the bundled subset is the full set at the manifest's indices.
      const manifest = await readFashionMnistSubsetManifest();
      const subset = await loadFashionMnist({ pixels: 'uint8' });
      for (const split of ['train', 'test'] as const) {
        manifest.splits[split].sourceIndices.forEach((source, row) => {
          if (subset[split].labels[row] !== full[split].labels[source]) expect.fail(`${split} row ${row}: label differs from source ${source}`);
        });
        for (const row of [0, 1, subset[split].count - 1]) {
          const source = manifest.splits[split].sourceIndices[row]!;
          expect(subset[split].images.subarray(row * 784, (row + 1) * 784)).toEqual(full[split].images.subarray(source * 784, (source + 1) * 784));
        }
      }
    },
  );
});
