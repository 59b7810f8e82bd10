/**
 * The `lth` experiment kind as `sparse run` runs it: `runExperimentFile` with the wasm backend and
 * the lth plugin built in (worker threads rebuild the runtime from their specs), on tiny configs
 * of the bundled subset.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SparseError,
  TrainingEngines,
  createRuntime,
  definePlugin,
  deriveSeed,
  isSparseError,
  randomScorer,
  readMaskFile,
  type BinaryMaskSet,
  type TrainingEngine,
} from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { ExperimentKinds, builtInSpec, runExperimentFile, type BuiltInPlugin, type ExperimentOutcome } from '@sparse/experiments';
import lthDefault, { createMlp, defaultPrunable, impPruneStep, lthPlugin, type LthExperimentOutcome } from '../src/index.js';
import { keptOf } from './bodies.js';
import { useCpu } from './support.js';

beforeAll(useCpu);

const aliases = new URL('../../experiments/test/support/register-source-aliases.mjs', import.meta.url);

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});
async function temporaryFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** What `sparse run` loads, for these tests: the wasm backend and this family (plus any extra). */
function builtIns(extra: readonly BuiltInPlugin[] = []): BuiltInPlugin[] {
  return [
    { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
    { plugin: lthPlugin(), spec: builtInSpec('@sparse/lth', import.meta.url) },
    ...extra,
  ];
}

/** A tiny config: LeNet-like 784-24-16-10 on the bundled subset, 2 rounds of 30 iterations, one seed, one worker, cpu. */
function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'lth',
    name: 'tiny',
    seeds: [5],
    dataset: 'bundled',
    validationSize: 500,
    model: { layerSizes: [784, 24, 16, 10] },
    batchSize: 50,
    iterations: 30,
    evalEvery: 10,
    rounds: 2,
    rates: { default: 0.3, output: 0.15 },
    branches: { ticket: true, reinit: true },
    backend: 'cpu',
    workers: 1,
    checkpointEvery: 10,
    ...overrides,
  };
}

async function run(
  config: Record<string, unknown>,
  options: { runs?: string; signal?: AbortSignal; progress?: (chunk: string) => void; extra?: readonly BuiltInPlugin[] } = {},
): Promise<{ outcome: ExperimentOutcome; log: string; runs: string }> {
  const folder = await temporaryFolder('lth-config-');
  const path = join(folder, 'config.json');
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  const runs = options.runs ?? join(await temporaryFolder('lth-runs-'), 'runs');
  let log = '';
  const outcome = await runExperimentFile({
    path,
    runsRoot: runs,
    builtIns: builtIns(options.extra),
    preload: [aliases],
    log: (text) => (log += text),
    progress: { isTTY: false, write: (chunk: string) => (options.progress?.(chunk), true) },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { outcome, log, runs };
}

async function filesUnder(folder: string, out = new Map<string, Buffer>(), base = folder): Promise<Map<string, Buffer>> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await filesUnder(path, out, base);
    else if (entry.name !== 'timing.jsonl') out.set(relative(base, path), await readFile(path)); // timing.jsonl: wall times, never equal
  }
  return out;
}

describe('the lth plugin', () => {
  it('registers the experiment kind lth, is the default export, and checks its options', async () => {
    expect(lthDefault).toBe(lthPlugin);
    const runtime = await createRuntime({ backend: 'cpu', plugins: [lthPlugin()] });
    expect(runtime.names(ExperimentKinds)).toEqual(['lth']);
    expect(runtime.describe(ExperimentKinds, 'lth')?.pluginId).toBe('@sparse/lth');
    // The engines an lth config names are the runtime's: core's, and dense-trainer with the wasm backend's plugin.
    expect(runtime.names(TrainingEngines)).toEqual(['fused', 'stock']);
    expect(() => lthPlugin({ threads: 2 } as never)).toThrow(expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field: 'threads' }) }));
  });
});

describe('the lth experiment kind', () => {
  it('runs a tiny config: run directory, results.json, results.md, report.html, the printed table, no leaked tensor; a second run reprints it', async () => {
    const tensors = tf.memory().numTensors;
    const { outcome, log } = await run(tinyConfig());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(outcome.resumed).toBe(false);
    expect(outcome.runPath).toMatch(/tiny-[0-9a-f]{12}$/);
    expect(outcome.reportPath).toBe(join(outcome.runPath, 'report.html'));
    expect(outcome.markdownPath).toBe(join(outcome.runPath, 'results.md'));
    expect(log).toContain('engine dense-trainer');
    expect(log).toContain(outcome.table);
    expect(outcome.table).toMatch(/winning ticket/);
    const { units } = JSON.parse(await readFile(join(outcome.runPath, 'results.json'), 'utf8')) as { units: { id: string }[] };
    expect(units.map((unit) => unit.id)).toEqual(['seed-5/level-00/ticket', 'seed-5/level-01/ticket', 'seed-5/level-01/reinit', 'seed-5/level-02/ticket', 'seed-5/level-02/reinit']);
    expect((outcome as LthExperimentOutcome).summaries).toHaveLength(5);
    const markdown = await readFile(join(outcome.runPath, 'results.md'), 'utf8');
    expect(markdown).toMatch(/^# Lottery tickets: tiny/);
    expect(markdown).toContain('## Results');
    expect(markdown).not.toContain(outcome.runPath); // the page is the same wherever the run directory is
    expect(existsSync(join(outcome.runPath, 'results-test-accuracy-at-early-stop.svg'))).toBe(true);
    expect(await readFile(outcome.reportPath, 'utf8')).toMatch(/^<!doctype html>/i);
    const config = JSON.parse(await readFile(join(outcome.runPath, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ kind: 'lth', backend: 'cpu', scorer: 'magnitude' });

    const again = await run(tinyConfig(), { runs: join(outcome.runPath, '..') });
    expect(again.outcome.resumed).toBe(true);
    expect(again.outcome.runPath).toBe(outcome.runPath);
    expect(again.outcome.table).toBe(outcome.table);
  });

  it('resumes a run aborted part-way and ends with the same files as an uninterrupted one', async () => {
    const config = tinyConfig({ name: 'resume', rewindStep: 5, branches: { ticket: true, reinit: true, randomPrune: { levels: [2], shuffle: 'global' }, oneShot: { levels: [2] } } });
    const straight = await run(config);

    const controller = new AbortController();
    const runs = join(await temporaryFolder('lth-runs-'), 'runs');
    await expect(
      run(config, {
        runs,
        signal: controller.signal,
        progress: (chunk) => {
          const percent = /(\d+(?:\.\d+)?)%/.exec(chunk);
          if (percent !== null && Number(percent[1]) >= 40) controller.abort(new Error('stopped for the test'));
        },
      }),
    ).rejects.toThrow();
    const [folder] = await readdir(runs);
    const interrupted = join(runs, folder as string);
    expect(existsSync(join(interrupted, 'results.json'))).toBe(false);

    const resumed = await run(config, { runs });
    expect(resumed.outcome.resumed).toBe(true);
    expect(resumed.outcome.runPath).toBe(interrupted);
    const expected = await filesUnder(straight.outcome.runPath);
    const actual = await filesUnder(interrupted);
    const compared = [...expected.keys()].filter((name) => !name.startsWith('checkpoints/') && !name.startsWith('states/') && name !== 'run.lock');
    for (const name of ['results.json', 'metrics.jsonl', 'results.md', 'report.html', 'summary.json', 'config.json']) expect(compared, name).toContain(name);
    expect(compared.filter((name) => name.startsWith('masks/')).sort()).toEqual(['masks/seed-5/level-01.safetensors', 'masks/seed-5/level-02.safetensors', 'masks/seed-5/one-shot-level-02.safetensors']);
    for (const name of compared) expect(actual.get(name)?.equals(expected.get(name) as Buffer), name).toBe(true);
  });

  it("keeps the random scorer's seeding: each level's masks are those of the scores drawn from deriveSeed(seed, 'random-scores'), or from the config's own seed option", async () => {
    const seed = 5;
    /** The masks of `rounds` rounds of random-score pruning with `scorer`: random scores ignore the weights, so no training is needed. */
    const expectedMasks = async (scorer: ReturnType<typeof randomScorer>, rounds: number): Promise<BinaryMaskSet[]> => {
      const model = createMlp({ layerSizes: [784, 24, 16, 10], seed });
      const levels: BinaryMaskSet[] = [];
      let masks: BinaryMaskSet = new Map();
      for (let level = 1; level <= rounds; level += 1) {
        masks = await impPruneStep({ parameters: model.parameters, prunable: defaultPrunable(model.parameters), masks, rates: { default: 0.3, output: 0.15 }, outputParameter: model.outputParameter, scorer });
        levels.push(masks);
      }
      model.dispose();
      return levels;
    };
    // The rule before scorers were resolved through the runtime: createScorer('random', { seed: deriveSeed(seed, 'random-scores') }).
    const oldRule = await expectedMasks(randomScorer({ seed: deriveSeed(seed, 'random-scores') }), 2);
    const ownSeed = await expectedMasks(randomScorer({ seed: 7 }), 2);
    expect(keptOf(oldRule[0] as BinaryMaskSet)).not.toEqual(keptOf(ownSeed[0] as BinaryMaskSet));
    for (const [scorer, expected] of [['random', oldRule], [{ name: 'random', seed: 7 }, ownSeed]] as const) {
      const { outcome } = await run(tinyConfig({ name: 'random-scores', scorer, engine: 'fused', branches: { ticket: true, reinit: false } }));
      for (const level of [1, 2]) {
        const saved = await readMaskFile(join(outcome.runPath, 'masks', `seed-${seed}`, `level-0${level}.safetensors`));
        expect(keptOf(saved), `${JSON.stringify(scorer)} level ${level}`).toEqual(keptOf(expected[level - 1] as BinaryMaskSet));
      }
    }
  });

  describe('a wrong config fails before any run directory exists, naming the field and what is allowed', () => {
    /** An engine that refuses every model, registered by a plugin: the kind's check asks it before anything is written. */
    const picky: TrainingEngine = {
      name: 'picky',
      refusal: () => new SparseError('E_CONFIG', 'picky trains no MLP.', { field: 'engine' }),
      start: async () => {
        throw new Error('never started');
      },
    };
    const pickyPlugin: BuiltInPlugin = {
      plugin: definePlugin('test/picky-engine', (registry) => registry.provide(TrainingEngines, 'picky', () => picky, { summary: 'refuses every model' })),
      spec: { specifier: 'test/picky-engine', module: 'test/picky-engine', exportName: 'default', options: {} },
    };
    const cases: [string, Record<string, unknown>, string, string, RegExp][] = [
      ['a wrong scorer option type', { scorer: { name: 'random', seed: 'x' } }, 'E_CONFIG', 'scorer.seed', /scorer\.seed: expected a number, received "x"/],
      ['an unknown scorer option', { scorer: { name: 'random', sed: 3 } }, 'E_CONFIG', 'scorer.sed', /scorer\.sed: unknown option of the scorer 'random'; allowed: seed, distribution/],
      ['an unknown scorer', { scorer: 'magnitud' }, 'E_CONFIG', 'scorer', /scorer: unknown scorer "magnitud"; registered: grasp, magnitude, movement, random, snip, synflow, taylor/],
      ['an unknown engine', { engine: 'turbo' }, 'E_CONFIG', 'engine', /engine: unknown training engine "turbo"; registered: dense-trainer, fused, picky, stock/],
      ['an engine option it does not take', { engine: { name: 'fused', lr: 1 } }, 'E_CONFIG', 'engine.lr', /the training engine 'fused' takes no options/],
      ['an engine that refuses the model', { engine: 'picky' }, 'E_CONFIG', 'engine', /engine: the training engine 'picky' cannot train this model: picky trains no MLP\. Engines that can: dense-trainer, fused, stock/],
      ['the old optimizer.kernels', { optimizer: { name: 'adam', learningRate: 0.001, kernels: 'stock' } }, 'E_CONFIG', 'optimizer.kernels', /optimizer\.kernels: unknown field; allowed: name, learningRate/],
      ['an unknown plugin', { plugins: ['./nope.mjs'] }, 'E_PLUGIN', 'plugins[0]', /plugins\[0\]: the plugin file "\.\/nope\.mjs" does not exist/],
      ['a missing data folder', { dataset: { dir: './no-such-folder' } }, 'E_CONFIG', 'dataset.dir', /dataset\.dir: the folder "\.\/no-such-folder" does not exist/],
      ['a validation split too large', { validationSize: 6000 }, 'E_CONFIG', 'validationSize', /below the 6000 training examples/],
      ['a rewind step past a round', { iterations: undefined, epochsPerRound: 1, batchSize: 1000, rewindStep: 6 }, 'E_CONFIG', 'rewindStep', /rewindStep: must be below the 6 iterations of a round/],
      ['layers too large for memory', { model: { layerSizes: [784, 4000000, 10] } }, 'E_CONFIG', 'model.layerSizes', /model\.layerSizes: .* more than this machine's/],
      ['an unknown field', { epochs: 3 }, 'E_CONFIG', 'epochs', /epochs: unknown field; allowed: .*epochsPerRound/],
    ];
    it.each(cases)('%s', async (_what, overrides, code, field, message) => {
      const runs = join(await temporaryFolder('lth-runs-'), 'runs');
      const failure = await run(tinyConfig(overrides), { runs, extra: [pickyPlugin] }).catch((error: unknown) => error);
      expect(isSparseError(failure), String(failure)).toBe(true);
      expect(failure).toMatchObject({ code, details: { field } });
      expect((failure as Error).message).toMatch(message);
      expect(existsSync(runs)).toBe(false);
    });

    it('lists the registered names in the error of an unknown scorer or engine', async () => {
      const scorer = await run(tinyConfig({ scorer: 'nope' })).catch((error: unknown) => error);
      expect((scorer as SparseError).details.allowed).toEqual(['grasp', 'magnitude', 'movement', 'random', 'snip', 'synflow', 'taylor']);
      const engine = await run(tinyConfig({ engine: 'nope' })).catch((error: unknown) => error);
      expect((engine as SparseError).details.allowed).toEqual(['dense-trainer', 'fused', 'stock']);
    });
  });
});
