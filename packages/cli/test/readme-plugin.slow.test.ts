/**
 * The README's plugin, as the file it points to (examples/plugins/power-magnitude.js), is named by
 * `sparse prune --plugin … --scorer power-magnitude` and by an lth config's "plugins" in
 * `sparse run`, and its option is checked before any work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTensorData, readMaskFile, writeSafetensors } from '@sparse/core';
import { CheckpointStore } from '@sparse/experiments';
import { snapshotToValues } from '@sparse/lth';
import { spawnSparse, tempFolder } from './support.js';

const PLUGIN = fileURLToPath(new URL('../../../examples/plugins/power-magnitude.js', import.meta.url));
const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const WEIGHTS = [0.9, -0.05, 0.4, -0.7, 0.01, 0.3, -0.2, 0.6, 0.08, -0.5, 0.15, 0.02];

describe("the README's plugin", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeAll(async () => {
    folder = await tempFolder('sparse-readme-plugin-');
    await writeSafetensors(join(folder.path, 'w.safetensors'), [{ name: 'fc.weight', dtype: 'F32', shape: [3, 4], data: encodeTensorData('F32', WEIGHTS) }], { metadata: { format: 'pt' } });
  });
  afterAll(async () => folder.remove());

  it('is the file the README shows', () => {
    const shown = /```js\n([\s\S]*?)```/.exec(readFileSync(README, 'utf8'))?.[1] ?? '';
    const file = readFileSync(PLUGIN, 'utf8');
    for (const line of shown.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'))) expect(file).toContain(line.trim());
  });

  it('prunes with sparse prune --plugin FILE --scorer power-magnitude, as magnitude ranks', async () => {
    const result = await spawnSparse(['prune', '--in', 'w.safetensors', '--out', 'out.safetensors', '--sparsity', '0.5', '--masks', 'm.safetensors', '--plugin', PLUGIN, '--scorer', 'power-magnitude', '--scorer-option', 'power=3'], folder.path);
    expect(result.code, result.stderr).toBe(0);
    const kept = Array.from((await readMaskFile(join(folder.path, 'm.safetensors'))).get('fc.weight')!.kept);
    const order = WEIGHTS.map((w, i) => [Math.abs(w), i] as const).sort((a, b) => a[0] - b[0]);
    const expected = WEIGHTS.map(() => 1);
    for (const [, i] of order.slice(0, 6)) expected[i] = 0;
    expect(kept).toEqual(expected);

    const bad = await spawnSparse(['prune', '--in', 'w.safetensors', '--out', 'bad.safetensors', '--sparsity', '0.5', '--plugin', PLUGIN, '--scorer', 'power-magnitude', '--scorer-option', 'power=-1'], folder.path);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/power/);
    expect(existsSync(join(folder.path, 'bad.safetensors'))).toBe(false);
  });

  it('is named by an lth config run with sparse run, and a wrong option stops it before any run directory', async () => {
    const config = {
      $schema: fileURLToPath(new URL('../../../schemas/lth.schema.json', import.meta.url)),
      kind: 'lth',
      plugins: [PLUGIN],
      backend: 'cpu',
      name: 'power-ticket',
      seeds: [0],
      validationSize: 200,
      model: { layerSizes: [784, 16, 10] },
      iterations: 30,
      evalEvery: 15,
      rounds: 1,
      rates: { default: 0.5, output: 0.5 },
      scorer: { name: 'power-magnitude', power: 3 },
      branches: { ticket: true, reinit: false, oneShot: { levels: [1] } },
      workers: 1,
      checkpointEvery: 15,
    };
    await writeFile(join(folder.path, 'bad.json'), JSON.stringify({ ...config, scorer: { name: 'power-magnitude', power: -1 } }));
    const bad = await spawnSparse(['run', 'bad.json', '--runs', 'runs'], folder.path, { SPARSE_BACKEND: 'cpu' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/scorer\.power: expected a number > 0, received -1/);
    expect(existsSync(join(folder.path, 'runs'))).toBe(false);

    await writeFile(join(folder.path, 'lth.json'), JSON.stringify(config));
    const result = await spawnSparse(['run', 'lth.json', '--runs', 'runs'], folder.path, { SPARSE_BACKEND: 'cpu' }, 300_000);
    expect(result.code, result.stderr).toBe(0);
    const [runName] = await readdir(join(folder.path, 'runs'));
    const run = join(folder.path, 'runs', runName!);
    const masks = await readMaskFile(join(run, 'masks', 'seed-0', 'level-01.safetensors'));
    const trained = snapshotToValues(await new CheckpointStore(join(run, 'states', 'seed-0', 'dense-trained')).load('weights'));
    for (const [name, mask] of masks) {
      const cubes = Array.from(trained.get(name)!, (w) => Math.abs(w) ** 3);
      const kept = cubes.filter((_, i) => mask.kept[i] === 1);
      const pruned = cubes.filter((_, i) => mask.kept[i] === 0);
      expect(pruned.length, name).toBeGreaterThan(0);
      // |w|^3 is computed in float32 by the plugin; ties there may break either way within rounding.
      expect(Math.max(...pruned), name).toBeLessThanOrEqual(Math.min(...kept) * (1 + 1e-5));
    }
  }, 360_000);
});
