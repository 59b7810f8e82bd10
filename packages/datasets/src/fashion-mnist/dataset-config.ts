import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { SparseError, echoValue } from '@sparse/core';
import { verifySha256 } from './checksum.js';
import { FASHION_MNIST_FILES, FASHION_MNIST_SHA256 } from './files.js';

/**
 * The `"dataset"` field of an experiment config on Fashion-MNIST: `"bundled"` (the 6,000 / 1,000
 * subset shipped in this package) or `{ "dir": "<folder with the four official .gz files>" }`
 * (relative to the working directory, else to the config file's folder).
 *
 * @example
 * ```ts
 * import { fashionMnistDatasetSchema } from '@sparse/datasets';
 *
 * console.log(fashionMnistDatasetSchema.parse('bundled')); // bundled
 * ```
 */
export const fashionMnistDatasetSchema = z
  .union([z.literal('bundled'), z.strictObject({ dir: z.string().min(1).max(4096) })])
  .meta({ description: '"bundled" (the shipped 6,000 / 1,000 subset) or { "dir": folder with the four Fashion-MNIST .gz files }, relative to the working directory or the config\'s folder.' });

/**
 * A validated `"dataset"` field.
 *
 * @example
 * ```ts
 * import type { FashionMnistDatasetConfig } from '@sparse/datasets';
 *
 * const full: FashionMnistDatasetConfig = { dir: '../data/fashion-mnist' };
 * ```
 */
export type FashionMnistDatasetConfig = z.infer<typeof fashionMnistDatasetSchema>;

/** Training examples of each source. */
const TRAIN_COUNT = { full: 60000, bundled: 6000 } as const;
/** Test examples of each source. */
const TEST_COUNT = { full: 10000, bundled: 1000 } as const;

/**
 * Where a config's data set is and how big it is, checked before any work.
 *
 * @example
 * ```ts
 * import type { ResolvedFashionMnist } from '@sparse/datasets';
 *
 * const bundled: ResolvedFashionMnist = { trainCount: 6000, testCount: 1000 };
 * ```
 */
export interface ResolvedFashionMnist {
  /** The absolute folder of the full data set; absent for the bundled subset. */
  readonly dir?: string;
  /** Training examples it holds. */
  readonly trainCount: number;
  /** Test examples it holds. */
  readonly testCount: number;
}

/**
 * Resolves a config's `"dataset"` to a folder and checks that the four files are there: a
 * relative `dir` is tried against the working directory, then against the config file's folder.
 *
 * @param dataset - the validated field.
 * @param options - the config file (when there is one) and the working directory.
 * @throws SparseError `E_CONFIG` (field `dataset.dir`) naming the folders tried or the missing file.
 *
 * @example
 * ```ts
 * import { resolveFashionMnistDataset } from '@sparse/datasets';
 *
 * console.log(resolveFashionMnistDataset('bundled', { cwd: process.cwd() }).trainCount); // 6000
 * ```
 */
export function resolveFashionMnistDataset(dataset: FashionMnistDatasetConfig, options: { readonly configPath?: string; readonly cwd: string }): ResolvedFashionMnist {
  if (dataset === 'bundled') return { trainCount: TRAIN_COUNT.bundled, testCount: TEST_COUNT.bundled };
  const { dir } = dataset;
  const candidates = isAbsolute(dir) ? [dir] : [...new Set([resolve(options.cwd, dir), ...(options.configPath === undefined ? [] : [resolve(options.cwd, dirname(options.configPath), dir)])])];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new SparseError('E_CONFIG', `dataset.dir: the folder ${echoValue(dir)} does not exist (looked in ${candidates.join(' and ')}); give the folder with the four Fashion-MNIST .gz files, or "bundled".`, {
      field: 'dataset.dir',
      received: dir,
      allowed: candidates,
    });
  }
  if (!statSync(found).isDirectory()) {
    throw new SparseError('E_CONFIG', `dataset.dir: ${found} is a file, not a folder; give the folder with the four Fashion-MNIST .gz files, or "bundled".`, { field: 'dataset.dir', received: dir });
  }
  const files = [FASHION_MNIST_FILES.train.images, FASHION_MNIST_FILES.train.labels, FASHION_MNIST_FILES.test.images, FASHION_MNIST_FILES.test.labels];
  const missing = files.filter((file) => !existsSync(join(found, file)));
  if (missing.length > 0) {
    throw new SparseError('E_CONFIG', `dataset.dir: ${found} lacks ${missing.join(', ')}; it needs the four Fashion-MNIST files ${files.join(', ')}.`, {
      field: 'dataset.dir',
      received: dir,
      allowed: files,
    });
  }
  return { dir: found, trainCount: TRAIN_COUNT.full, testCount: TEST_COUNT.full };
}

/**
 * Checks, in the calling thread and before any run directory exists, that the four files of a
 * resolved full data set are the official Fashion-MNIST files: their SHA-256 checksums (so a
 * corrupt, truncated or foreign file is refused before worker threads start and before anything
 * is written). The bundled subset is checked where it is loaded (its manifest), so nothing is
 * read for it here.
 *
 * @throws SparseError `E_FORMAT` (field `dataset.dir`) naming the file whose checksum differs.
 *
 * @example
 * ```ts
 * import { resolveFashionMnistDataset, verifyFashionMnistDataset } from '@sparse/datasets';
 *
 * await verifyFashionMnistDataset(resolveFashionMnistDataset({ dir: 'data/fashion-mnist' }, { cwd: process.cwd() }));
 * ```
 */
export async function verifyFashionMnistDataset(resolved: ResolvedFashionMnist): Promise<void> {
  const { dir } = resolved;
  if (dir === undefined) return;
  for (const file of [FASHION_MNIST_FILES.train.images, FASHION_MNIST_FILES.train.labels, FASHION_MNIST_FILES.test.images, FASHION_MNIST_FILES.test.labels]) {
    const path = join(dir, file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new SparseError('E_CONFIG', `dataset.dir: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'dataset.dir', received: dir }, { cause: error });
    }
    try {
      await verifySha256(bytes, FASHION_MNIST_SHA256[file], path);
    } catch (error) {
      throw new SparseError('E_FORMAT', `dataset.dir: ${error instanceof Error ? error.message : String(error)}`, { field: 'dataset.dir', received: dir }, { cause: error });
    }
  }
}
