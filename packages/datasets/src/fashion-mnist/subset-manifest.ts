import { echoValue, SparseError } from '@sparse/core';
import { readBundledFile } from '../bundled-data.js';
import { FASHION_MNIST_FILES, type FashionMnistFile } from './files.js';

/**
 * The manifest of the Fashion-MNIST subset shipped in the package's `data/` folder
 * (`data/subset.json`): where it came from, how it was drawn, its counts and the SHA-256 of each
 * file, which {@link loadFashionMnist} verifies on every load.
 *
 * @example
 * ```ts
 * import { readFashionMnistSubsetManifest } from '@sparse/datasets';
 *
 * const manifest = await readFashionMnistSubsetManifest();
 * console.log(manifest.splits.train.count, manifest.splits.train.perClass); // 6000 600
 * ```
 */
export interface FashionMnistSubsetManifest {
  /** Always `fashion-mnist-subset`. */
  readonly name: 'fashion-mnist-subset';
  /** Format version of this manifest. */
  readonly version: 1;
  /** The full files it was drawn from. */
  readonly source: {
    readonly dataset: string;
    readonly homepage: string;
    readonly license: string;
    readonly sha256: Readonly<Record<FashionMnistFile, string>>;
  };
  /** The seed of the draw and the algorithm used. */
  readonly seed: number;
  readonly method: string;
  /** The command that regenerates the files. */
  readonly command: string;
  /** Per split: examples, examples per class, and their indices in the full split (ascending). */
  readonly splits: Readonly<
    Record<'train' | 'test', { readonly count: number; readonly perClass: number; readonly sourceIndices: readonly number[] }>
  >;
  /** Per file of `data/`: its size and SHA-256. */
  readonly files: Readonly<Record<FashionMnistFile, { readonly bytes: number; readonly sha256: string }>>;
}

/** The manifest's file name inside `data/`. */
export const SUBSET_MANIFEST_FILE = 'subset.json';

const ALL_FILES: readonly FashionMnistFile[] = [
  FASHION_MNIST_FILES.train.images,
  FASHION_MNIST_FILES.train.labels,
  FASHION_MNIST_FILES.test.images,
  FASHION_MNIST_FILES.test.labels,
];

/** Checks the fields the loader relies on, as E_FORMAT naming the first bad one. */
export function parseSubsetManifest(text: string, where: string): FashionMnistSubsetManifest {
  const fail = (field: string, problem: string): never => {
    throw new SparseError('E_FORMAT', `${where} is not a valid subset manifest: ${field} ${problem}. Regenerate it with packages/datasets/scripts/make-subset.ts.`, {
      field,
    });
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail('(whole file)', `is not JSON (${(error as Error).message})`);
  }
  const manifest = value as Partial<FashionMnistSubsetManifest> | null;
  if (manifest === null || typeof manifest !== 'object') return fail('(whole file)', 'is not an object');
  if (manifest.name !== 'fashion-mnist-subset') fail('name', `must be "fashion-mnist-subset", got ${echoValue(manifest.name)}`);
  if (manifest.version !== 1) fail('version', `must be 1, got ${echoValue(manifest.version)}`);
  for (const split of ['train', 'test'] as const) {
    const entry = manifest.splits?.[split];
    if (entry === undefined || !Number.isInteger(entry.count) || entry.count < 0) fail(`splits.${split}.count`, 'must be a non-negative integer');
  }
  for (const file of ALL_FILES) {
    const entry = manifest.files?.[file];
    if (entry === undefined || typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) {
      fail(`files["${file}"].sha256`, 'must be 64 lower-case hex digits');
    }
  }
  return manifest as FashionMnistSubsetManifest;
}

/**
 * Reads and checks the manifest of the bundled Fashion-MNIST subset (`data/subset.json`).
 *
 * @example
 * ```ts
 * import { readFashionMnistSubsetManifest } from '@sparse/datasets';
 *
 * const { seed, splits } = await readFashionMnistSubsetManifest();
 * console.log(seed, splits.test.count);
 * ```
 */
export async function readFashionMnistSubsetManifest(): Promise<FashionMnistSubsetManifest> {
  const bytes = await readBundledFile(SUBSET_MANIFEST_FILE);
  return parseSubsetManifest(new TextDecoder().decode(bytes), `data/${SUBSET_MANIFEST_FILE}`);
}
