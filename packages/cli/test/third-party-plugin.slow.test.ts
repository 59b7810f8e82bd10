/**
 * A third-party plugin, the way a user gets one: an npm package (`@my-org/power-magnitude`, ESM,
 * `@sparse/core` as a peer dependency) packed with `npm pack` and installed offline from the
 * tarball into a separate project, then named by `sparse prune --plugin` and by an experiment
 * config's "plugins". Its scorer, `inverse-magnitude` (1 / (|w| + eps)), ranks weights opposite to
 * magnitude, so the masks show which scorer ran: they must keep the SMALLEST weights.
 *
 * The CLI runs as a child process from the project's folder, from the TypeScript sources
 * (`spawnSparse`); its hooks map `@sparse/<pkg>` and packages/<pkg>/dist/*.js to packages/<pkg>/src,
 * so the plugin's `@sparse/core` (a symlink to the workspace's packages/core) is the very module
 * the CLI uses. The plugin's other peers, zod (its options schema: core checks it with
 * `instanceof z.ZodObject`) and @tensorflow/tfjs-core (its score tensors), are symlinked to the
 * workspace's copies, which a real install would dedupe the same way.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTensorData, readMaskFile, writeSafetensors } from '@sparse/core';
import { CheckpointStore } from '@sparse/experiments';
import { snapshotToValues } from '@sparse/lth';
import { scorerHelpEntry, spawnSparse, tempFolder } from './support.js';

const exec = promisify(execFile);
const WORKSPACE_CORE = fileURLToPath(new URL('../../core/', import.meta.url));

const PLUGIN_MANIFEST = {
  name: '@my-org/power-magnitude',
  version: '1.0.0',
  description: 'A sparse plugin: the inverse-magnitude scorer.',
  type: 'module',
  exports: { '.': './index.js' },
  files: ['index.js'],
  peerDependencies: { '@sparse/core': '*', '@tensorflow/tfjs-core': '^4.22.0', zod: '^4.0.0' },
  license: 'MIT',
};

const PLUGIN_INDEX = `import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, Scorers } from '@sparse/core';
import { z } from 'zod';

const options = z.object({ eps: z.number().positive().default(1e-6) });

/** 1 / (|w| + eps): the smallest weights score highest, so pruning the lowest scores removes the largest weights. */
function inverseMagnitude({ eps }) {
  return {
    name: 'inverse-magnitude',
    requiresData: false,
    score: ({ parameters }) => new Map(parameters.map((p) => [p.name, tf.tidy(() => tf.reciprocal(tf.add(tf.abs(p.variable), eps)))])),
  };
}

export default function powerMagnitude() {
  return definePlugin('@my-org/power-magnitude', (registry) => {
    registry.provide(Scorers, 'inverse-magnitude', inverseMagnitude, { options, summary: '1 / (|w| + eps): ranks weights opposite to magnitude.' });
  });
}
`;

/** The folder of an installed package, found from a file inside it (works for any package layout). */
function packageDir(name: string, fromDir: string): string {
  let dir = dirname(createRequire(join(fromDir, 'noop.js')).resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return realpathSync(dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name} from ${fromDir}`);
    dir = parent;
  }
}

/** npm with the environment of a user's shell: none of the npm_config_* a package manager running the tests may have set. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/** Distinct magnitudes, mixed signs: magnitude and inverse-magnitude pruning are exact opposites. */
const TENSORS = [
  { name: 'fc.weight', shape: [4, 6], values: Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? -1 : 1) * (0.05 + ((i * 7) % 24) * 0.1)) },
  { name: 'conv.weight', shape: [2, 3, 2, 2], values: Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (0.03 + ((i * 5) % 24) * 0.07)) },
];

/** The mask (1 = kept) that prunes the round(S·n) LARGEST |w| of a tensor: the opposite of magnitude pruning. */
function largestPruned(values: readonly number[], sparsity: number): number[] {
  const order = values.map((v, i) => [Math.abs(v), i] as const).sort((a, b) => b[0] - a[0]);
  const kept = values.map(() => 1);
  for (const [, i] of order.slice(0, Math.round(sparsity * values.length))) kept[i] = 0;
  return kept;
}

describe('a third-party scorer plugin installed from an npm tarball', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let project: string;
  beforeAll(async () => {
    folder = await tempFolder('third-party');
    const pluginDir = join(folder.path, 'power-magnitude');
    project = join(folder.path, 'project');
    await mkdir(pluginDir);
    await mkdir(project);
    await writeFile(join(pluginDir, 'package.json'), `${JSON.stringify(PLUGIN_MANIFEST, null, 2)}\n`);
    await writeFile(join(pluginDir, 'index.js'), PLUGIN_INDEX);
    const packed = await exec('npm', ['pack', '--json', '--offline'], { cwd: pluginDir, env: npmEnv(), timeout: 120_000 });
    const tarball = join(pluginDir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);

    await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'my-experiments', private: true, type: 'module' }, null, 2)}\n`);
    // --legacy-peer-deps: npm leaves the peers to us (they come from the workspace below), so nothing is fetched.
    await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', tarball], { cwd: project, env: npmEnv(), timeout: 120_000 });
    const modules = join(project, 'node_modules');
    expect(JSON.parse(readFileSync(join(modules, '@my-org/power-magnitude/package.json'), 'utf8'))).toMatchObject({ name: '@my-org/power-magnitude' });
    // The peers, after the install (npm would prune links it did not make).
    await mkdir(join(modules, '@sparse'), { recursive: true });
    await mkdir(join(modules, '@tensorflow'), { recursive: true });
    await symlink(WORKSPACE_CORE, join(modules, '@sparse/core'), 'dir');
    await symlink(packageDir('zod', WORKSPACE_CORE), join(modules, 'zod'), 'dir');
    await symlink(packageDir('@tensorflow/tfjs-core', WORKSPACE_CORE), join(modules, '@tensorflow/tfjs-core'), 'dir');

    await writeSafetensors(
      join(project, 'w.safetensors'),
      [...TENSORS.map(({ name, shape, values }) => ({ name, dtype: 'F32' as const, shape, data: encodeTensorData('F32', values) })), { name: 'fc.bias', dtype: 'F32' as const, shape: [4], data: encodeTensorData('F32', [1, 2, 3, 4]) }],
      { metadata: { format: 'pt' } },
    );
  }, 240_000);
  afterAll(async () => folder.remove());

  it('sparse prune --plugin @my-org/power-magnitude --scorer inverse-magnitude keeps the smallest weights', async () => {
    const result = await spawnSparse(
      ['prune', '--in', 'w.safetensors', '--out', 'out.safetensors', '--sparsity', '0.5', '--masks', 'm.safetensors', '--plugin', '@my-org/power-magnitude', '--scorer', 'inverse-magnitude'],
      project,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/warning:|sparse prune:/);
    expect(result.stdout).toMatch(/\nfc\.weight\s+4x6\s+F32\s+24\s+12\s+50\.00%\n/);
    const masks = await readMaskFile(join(project, 'm.safetensors'));
    expect([...masks.keys()].sort()).toEqual(['conv.weight', 'fc.weight']);
    for (const { name, values } of TENSORS) {
      const kept = Array.from(masks.get(name)!.kept);
      expect(kept, name).toEqual(largestPruned(values, 0.5));
      // Every kept weight is smaller than every pruned one: the opposite of magnitude pruning.
      const keptMax = Math.max(...values.filter((_, i) => kept[i] === 1).map(Math.abs));
      const prunedMin = Math.min(...values.filter((_, i) => kept[i] === 0).map(Math.abs));
      expect(keptMax, name).toBeLessThan(prunedMin);
    }
  });

  it("checks the plugin scorer's options against its zod schema and lists it in --help", async () => {
    const bad = await spawnSparse(
      ['prune', '--in', 'w.safetensors', '--out', 'bad.safetensors', '--sparsity', '0.5', '--plugin', '@my-org/power-magnitude', '--scorer', 'inverse-magnitude', '--scorer-option', 'eps=-1'],
      project,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sparse prune: --scorer-option eps: .*received -1\. The options of inverse-magnitude: eps\.\n/);
    expect(existsSync(join(project, 'bad.safetensors'))).toBe(false);

    const help = await spawnSparse(['prune', '--help', '--plugin', '@my-org/power-magnitude'], project);
    expect(help.code).toBe(0);
    expect(scorerHelpEntry(help.stdout, 'inverse-magnitude')).toBe('1 / (|w| + eps): ranks weights opposite to magnitude. Options: eps. (plugin @my-org/power-magnitude)');
    expect(scorerHelpEntry(help.stdout, 'magnitude')).toBe('|w|: keep the largest weights.');
  });

  it(
    'names the plugin in an lth experiment config run with sparse run: the level-1 ticket prunes the largest trained weights',
    async () => {
      // The lottery-ticket fields (packages/lth/src/experiment/config.ts), tiny; "kind", "plugins" and "backend" are the runner's.
      const config = {
        kind: 'lth',
        plugins: ['@my-org/power-magnitude'],
        backend: 'cpu',
        name: 'inverse-ticket',
        seeds: [0],
        dataset: 'bundled',
        validationSize: 200,
        model: { layerSizes: [784, 16, 10] },
        batchSize: 60,
        iterations: 30,
        evalEvery: 15,
        rounds: 1,
        rates: { default: 0.5, output: 0.5 },
        scope: 'layerwise',
        scorer: 'inverse-magnitude',
        // oneShot keeps the dense network's trained weights in the run directory, which the check below reads.
        branches: { ticket: true, reinit: false, oneShot: { levels: [1] } },
        workers: 1,
        checkpointEvery: 15,
      };
      await writeFile(join(project, 'lth.json'), `${JSON.stringify(config, null, 2)}\n`);
      const result = await spawnSparse(['run', 'lth.json', '--runs', 'runs'], project, { SPARSE_BACKEND: 'cpu' }, 300_000);
      expect(result.code, result.stderr).toBe(0);

      const runs = (await readdir(join(project, 'runs'))).filter((entry) => entry.startsWith('inverse-ticket'));
      expect(runs).toHaveLength(1);
      const run = join(project, 'runs', runs[0]!);
      // The level-1 ticket's masks were chosen on the weights the dense level 0 ended its training with.
      const masks = await readMaskFile(join(run, 'masks', 'seed-0', 'level-01.safetensors'));
      const saved = await new CheckpointStore(join(run, 'states', 'seed-0', 'dense-trained')).load('weights');
      // The replicate keeps the dense network's trained weights as an lth snapshot (for the one-shot baseline).
      const trained = snapshotToValues(saved);
      expect(masks.size).toBeGreaterThan(0);
      for (const [name, mask] of masks) {
        const weights = trained.get(name);
        expect(weights, name).toBeDefined();
        const values = Array.from(weights!, Math.abs);
        const kept = values.filter((_, i) => mask.kept[i] === 1);
        const pruned = values.filter((_, i) => mask.kept[i] === 0);
        expect(pruned.length, name).toBeGreaterThan(0);
        // inverse-magnitude prunes the LARGEST trained weights: every pruned one is at least every kept one.
        expect(Math.min(...pruned), name).toBeGreaterThanOrEqual(Math.max(...kept));
      }
    },
    360_000,
  );
});
