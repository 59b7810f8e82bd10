import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { SparseError, echoValue } from '@sparse/core';
import { FASHION_MNIST_FILES } from './files.js';

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
