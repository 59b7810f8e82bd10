/**
 * The file name of one of the four Fashion-MNIST files, as distributed (gzip IDX).
 *
 * @example
 * ```ts
 * import type { FashionMnistFile } from '@sparse/datasets';
 *
 * const file: FashionMnistFile = 't10k-labels-idx1-ubyte.gz';
 * ```
 */
export type FashionMnistFile = 'train-images-idx3-ubyte.gz' | 'train-labels-idx1-ubyte.gz' | 't10k-images-idx3-ubyte.gz' | 't10k-labels-idx1-ubyte.gz';

/**
 * Which file holds which part: images and labels of the training and test splits.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_FILES } from '@sparse/datasets';
 *
 * console.log(FASHION_MNIST_FILES.test.labels); // 't10k-labels-idx1-ubyte.gz'
 * ```
 */
export const FASHION_MNIST_FILES = Object.freeze({
  train: Object.freeze({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' }),
  test: Object.freeze({ images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' }),
} as const satisfies Record<'train' | 'test', Record<'images' | 'labels', FashionMnistFile>>);

/**
 * SHA-256 checksums of the official Fashion-MNIST files (github.com/zalandoresearch/fashion-mnist,
 * 60,000 training and 10,000 test images). Files from a directory or URL are verified against them
 * unless other checksums are given.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_SHA256, sha256Hex } from '@sparse/datasets';
 * import { readFile } from 'node:fs/promises';
 *
 * const bytes = await readFile('/data/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * console.log((await sha256Hex(bytes)) === FASHION_MNIST_SHA256['t10k-labels-idx1-ubyte.gz']);
 * ```
 */
export const FASHION_MNIST_SHA256: Readonly<Record<FashionMnistFile, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
  'train-labels-idx1-ubyte.gz': '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
  't10k-images-idx3-ubyte.gz': 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
  't10k-labels-idx1-ubyte.gz': '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
});
