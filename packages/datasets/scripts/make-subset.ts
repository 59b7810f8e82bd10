/**
 * Makes the Fashion-MNIST subset shipped in packages/datasets/data/: a class-balanced, seeded
 * sample of the official files, written as gzip IDX files under the official names, with
 * subset.json (the manifest loadFashionMnist verifies) and SUBSET.md (its human-readable twin).
 *
 *   pnpm tsx packages/datasets/scripts/make-subset.ts [--from DIR] [--out DIR] [--seed N]
 *                                                      [--train-per-class N] [--test-per-class N]
 *
 * --from is required (the four official .gz files, e.g. ../shared/datasets/fashion-mnist; their
 * SHA-256s are checked against the official ones first). --out defaults to this package's data/.
 * The output is deterministic: the same inputs and options give byte-identical files.
 */
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  balancedSubsetIndices,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_SHA256,
  loadFashionMnist,
  selectExamples,
  sha256Hex,
  writeIdxFile,
  type FashionMnistFile,
  type FashionMnistSubsetManifest,
  type ImageSet,
} from '../src/index.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../data/', import.meta.url)) },
    seed: { type: 'string', default: '20240' },
    'train-per-class': { type: 'string', default: '600' },
    'test-per-class': { type: 'string', default: '100' },
  },
});

if (values.from === undefined) {
  console.error('make-subset: give --from DIR, the folder with the four official Fashion-MNIST .gz files.');
  process.exit(2);
}
const from: string = values.from;
const seed = Number(values.seed);
const perClass = { train: Number(values['train-per-class']), test: Number(values['test-per-class']) };
const full = await loadFashionMnist({ source: { dir: from }, pixels: 'uint8' });
console.log(`read ${full.train.count} train and ${full.test.count} test images from ${from} (official checksums verified)`);

const splits = {} as Record<'train' | 'test', { count: number; perClass: number; sourceIndices: number[] }>;
const files = {} as Record<FashionMnistFile, { bytes: number; sha256: string }>;
for (const split of ['train', 'test'] as const) {
  const indices = balancedSubsetIndices(full[split].labels, { perClass: perClass[split], seed, name: split });
  const subset: ImageSet<Uint8Array> = selectExamples(full[split], indices);
  const [rows = 0, cols = 0] = subset.shape;
  const written: [FashionMnistFile, Uint8Array][] = [
    [FASHION_MNIST_FILES[split].images, await writeIdxFile(join(values.out, FASHION_MNIST_FILES[split].images), { dtype: 'uint8', shape: [subset.count, rows, cols], data: subset.images })],
    [FASHION_MNIST_FILES[split].labels, await writeIdxFile(join(values.out, FASHION_MNIST_FILES[split].labels), { dtype: 'uint8', shape: [subset.count], data: subset.labels })],
  ];
  for (const [file, bytes] of written) files[file] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  splits[split] = { count: subset.count, perClass: perClass[split], sourceIndices: Array.from(indices) };
}

const command = `pnpm tsx packages/datasets/scripts/make-subset.ts --seed ${seed} --train-per-class ${perClass.train} --test-per-class ${perClass.test}`;
const manifest: FashionMnistSubsetManifest = {
  name: 'fashion-mnist-subset',
  version: 1,
  source: {
    dataset: 'Fashion-MNIST (Zalando Research): 60,000 training and 10,000 test images, 28×28, 10 classes',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    license: 'MIT',
    sha256: { ...FASHION_MNIST_SHA256 },
  },
  seed,
  method:
    "balancedSubsetIndices from @sparse/datasets: for each split and class c, a Fisher–Yates shuffle (i from n-1 down to 1, j = floor(u·(i+1))) of the class's indices in original order, with u = nextUint32() / 2^32 of xoshiro128** seeded by deriveSeed(seed, 'balanced-subset', '<split>/class <c>') (the @sparse/core Random stream); the first perClass are taken and all taken indices sorted ascending",
  command,
  splits,
  files,
};

/** Atomic write of a text file: temporary file in the same folder, then rename. */
async function writeText(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

// Indices on one line per split keep the manifest short and diffable.
const json = JSON.stringify(manifest, (key, value: unknown) => (key === 'sourceIndices' ? `@@${JSON.stringify(value)}@@` : value), 2).replace(
  /"@@(\[[^"]*\])@@"/g,
  '$1',
);
await writeText(join(values.out, 'subset.json'), `${json}\n`);

const total = Object.values(files).reduce((sum, file) => sum + file.bytes, 0);
const rows = (Object.entries(files) as [FashionMnistFile, { bytes: number; sha256: string }][])
  .map(([file, { bytes, sha256 }]) => `| ${file} | ${bytes.toLocaleString('en-US')} | \`${sha256}\` |`)
  .join('\n');
const markdown = `# Fashion-MNIST subset

A class-balanced sample of [Fashion-MNIST](${manifest.source.homepage}) (Zalando Research, MIT licence)
shipped with \`@sparse/datasets\` so that tests and the default experiment run offline:
\`loadFashionMnist()\` (source \`'bundled'\`) loads it and verifies every file against \`subset.json\`.

- Training: ${splits.train.count.toLocaleString('en-US')} images, ${splits.train.perClass} per class.
- Test: ${splits.test.count.toLocaleString('en-US')} images, ${splits.test.perClass} per class.
- Classes (label order): ${FASHION_MNIST_CLASSES.join(', ')}.
- Seed: ${seed}. Method: ${manifest.method}.
- The indices of the chosen images in the full splits are in \`subset.json\` (\`splits.*.sourceIndices\`).

## Provenance

Drawn from the four official files, verified against their SHA-256s:

| official file | SHA-256 |
| --- | --- |
${(Object.entries(FASHION_MNIST_SHA256) as [string, string][]).map(([file, sha256]) => `| ${file} | \`${sha256}\` |`).join('\n')}

Regenerate (byte-identical for the same zlib) with:

\`\`\`sh
${command} --from /path/to/fashion-mnist
\`\`\`

## Files

| file | bytes | SHA-256 |
| --- | ---: | --- |
${rows}
| total | ${total.toLocaleString('en-US')} | |
`;
await writeText(join(values.out, 'SUBSET.md'), markdown);
console.log(`wrote ${splits.train.count} train + ${splits.test.count} test images to ${values.out}: ${total} bytes in 4 gzip IDX files`);
