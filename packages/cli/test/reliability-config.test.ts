/**
 * The reliability issue's config items (issue 14), each a test that failed before its fix: a long
 * key is echoed cut, a config nested 100,000 levels deep is a typed one-line error (no stack
 * overflow), a config module whose default export throws or rejects is one typed line, and a
 * corrupt dataset.dir is refused in the main thread before any run directory exists.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempFolder } from './support.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const DATA = fileURLToPath(new URL('../../datasets/data/', import.meta.url));
const QUICK = {
  lth: 'lth/lenet-fashion-mnist-quick.json',
  'group-envelope': 'group-envelope/mlp-fashion-mnist-quick.json',
  activation: 'activation/activation-fashion-mnist-quick.json',
  delta: 'delta/mlp-fashion-mnist-quick.json',
} as const;

let folder: Awaited<ReturnType<typeof tempFolder>>;
const bases: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  folder = await tempFolder('reliability-config');
  for (const [kind, path] of Object.entries(QUICK)) {
    const config = JSON.parse(await readFile(join(EXAMPLES, path), 'utf8')) as Record<string, unknown>;
    delete config['$schema'];
    bases[kind] = { ...config, backend: 'cpu' };
  }
  // A data folder with the three good files of the bundled subset and a corrupt training-images file.
  await mkdir(join(folder.path, 'corrupt'));
  for (const file of ['train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) await copyFile(join(DATA, file), join(folder.path, 'corrupt', file));
  await writeFile(join(folder.path, 'corrupt', 'train-images-idx3-ubyte.gz'), 'not a gzip file');
});
afterAll(async () => folder.remove());

/** Writes `text` as a config, runs `sparse run` on it, and returns the outcome and whether a run directory appeared. */
async function runConfig(name: string, text: string): Promise<{ code: number; stderr: string; seconds: number; runs: string[] }> {
  await writeFile(join(folder.path, name), text);
  const started = performance.now();
  const result = await run(['run', name, '--runs', 'runs'], folder.path);
  const seconds = (performance.now() - started) / 1000;
  const runs = await readdir(join(folder.path, 'runs')).catch(() => []);
  return { code: result.code, stderr: result.stderr, seconds, runs };
}

describe('config values that used to hang, overflow or print a stack', () => {
  it('a 1 MB unknown key is named cut, in well under a second', async () => {
    const result = await runConfig('long-key.json', JSON.stringify({ ...bases['lth'], ['k'.repeat(1_000_000)]: 1 }));
    expect(result.code).toBe(2);
    expect(result.stderr.length).toBeLessThan(2000);
    expect(result.stderr).toMatch(/… \(100000\d characters\)/);
    expect(result.seconds).toBeLessThan(1);
  });

  it.each(['backend', 'scope', 'name', 'scorer'])('a 10 MB value of %s is refused in well under a second, echoed cut', async (field) => {
    const result = await runConfig(`long-${field}.json`, JSON.stringify({ ...bases['lth'], [field]: 'x'.repeat(10_000_000) }));
    expect(result.code).toBe(2);
    expect(result.stderr.length).toBeLessThan(3000);
    expect(result.seconds).toBeLessThan(1);
    expect(result.runs).toEqual([]);
  });

  it('a value nested 100,000 levels deep is one E_CONFIG line naming the limit', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = await runConfig('deep.json', JSON.stringify({ ...bases['lth'], dataset: '@@' }).replace('"@@"', deep));
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sparse run: Invalid config .*deep\.json: dataset\[0\]\[0\]… is nested deeper than 64 levels/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.runs).toEqual([]);
  });

  it.each([
    ['throws.mjs', 'export default (() => { throw new Error("bad\\nsecond line"); })();\n', /Cannot load the config module .*throws\.mjs: bad$/m],
    ['rejects.mjs', 'export default Promise.reject(new Error("nope\\nmore"));\n', /The config module .*rejects\.mjs failed: its default export rejected with nope\.$/m],
  ])('a config module whose default export %s is one typed line, no stack', async (name, text, pattern) => {
    const result = await runConfig(name, text);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toMatch(/second line|more/);
  });
});

describe('a corrupt dataset.dir is refused before anything is written', () => {
  it.each(Object.keys(QUICK))('%s', async (kind) => {
    const result = await runConfig(`${kind}-corrupt.json`, JSON.stringify({ ...bases[kind], dataset: { dir: join(folder.path, 'corrupt') } }));
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toMatch(/^sparse run: dataset\.dir: Checksum mismatch for .*train-images-idx3-ubyte\.gz/);
    expect(result.stderr).not.toMatch(/Worker job/);
    expect(result.runs).toEqual([]);
  });
});

describe('sizes against memory are checked before any model is built or anything written', () => {
  it.each([
    ['lth', { model: { layerSizes: [784, 1_000_000_000, 10] } }, /^sparse run: model\.layerSizes: \[784, 1000000000, 10\] has \d+ parameters/],
    ['group-envelope', { model: { layerSizes: [784, 65536, 65536, 65536, 10] } }, /^sparse run: model\.layerSizes: \[784, 65536, 65536, 65536, 10\] has \d+ parameters/],
    ['activation', { models: [{ id: 'big', model: { name: 'relu-mlp', hidden: [65536, 65536, 65536] }, epochs: 1, learningRate: 0.002 }] }, /^sparse run: models\[0\]\.model: relu-mlp \[784, 65536, 65536, 65536, 10\] has \d+ parameters/],
    ['activation', { models: [{ id: 'wide', model: { name: 'gated-mlp', dModel: 65536, hidden: 65536, blocks: 64 }, epochs: 1, learningRate: 0.002 }] }, /^sparse run: models\[0\]\.model: gated-mlp \(dModel 65536/],
  ])('%s: %j', async (kind, change, pattern) => {
    const result = await runConfig(`${kind}-big.json`, JSON.stringify({ ...bases[kind], ...change }));
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(pattern);
    expect(result.seconds).toBeLessThan(5);
    expect(result.runs).toEqual([]);
  });
});

