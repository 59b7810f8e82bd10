import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Regularizers, definePlugin, isSparseError } from '@sparse/core';
import { runExperimentFile, type BuiltInPlugin, type ExperimentOutcome } from '@sparse/experiments';
import { afterAll, describe, expect, it } from 'vitest';
import type { GroupEnvelopeMethodResult } from '../src/index.js';
import { builtIns, filesUnder, removeFolders, repository, temporaryFolder, tinyConfig, writeConfig } from './support/experiment.js';

afterAll(removeFolders);

interface RunOptions {
  readonly runs?: string;
  readonly signal?: AbortSignal;
  readonly progress?: (chunk: string) => void;
  readonly plugins?: readonly BuiltInPlugin[];
}

async function run(config: Record<string, unknown>, options: RunOptions = {}): Promise<{ outcome: ExperimentOutcome; log: string; runs: string }> {
  const folder = await temporaryFolder('ge-config-');
  const runs = options.runs ?? join(await temporaryFolder('ge-runs-'), 'runs');
  let log = '';
  const outcome = await runExperimentFile({
    path: await writeConfig(folder, config),
    runsRoot: runs,
    builtIns: [...builtIns(), ...(options.plugins ?? [])],
    log: (text) => (log += text),
    progress: { isTTY: false, write: (chunk: string) => options.progress?.(chunk) },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { outcome, log, runs };
}

describe('the group-envelope experiment kind', () => {
  it('runs a tiny config: run directory, results.json, results.md, report.html, the printed table, no leaked tensor', async () => {
    await run(tinyConfig({ name: 'warm-up', methods: [], epochs: 1 }));
    const tensors = tf.memory().numTensors;
    const { outcome, log } = await run(tinyConfig());
    expect(tf.memory().numTensors).toBe(tensors);

    expect(outcome.resumed).toBe(false);
    expect(outcome.runPath).toMatch(/tiny-[0-9a-f]{12}$/);
    expect(outcome.reportPath).toBe(join(outcome.runPath, 'report.html'));
    expect(outcome.markdownPath).toBe(join(outcome.runPath, 'results.md'));
    expect(log).toContain(outcome.table);
    expect(outcome.table).toMatch(/dense .*\n.*gsef .*\n.*group-lasso /s);

    const { units } = JSON.parse(await readFile(join(outcome.runPath, 'results.json'), 'utf8')) as { units: { id: string; output: GroupEnvelopeMethodResult }[] };
    expect(units.map((unit) => unit.id)).toEqual(['seed-3/dense', 'seed-3/gsef', 'seed-3/group-lasso']);
    const [dense, gsef, lasso] = units.map((unit) => unit.output);
    expect(dense?.sets).toEqual([]);
    expect(dense?.validationCurve.map((c) => c.epoch)).toEqual([1, 2]);
    for (const result of [gsef, lasso]) {
      expect(result?.validationCurve.map((c) => c.epoch)).toEqual([1, 2, 3]);
      expect(result?.sets.map((set) => [set.name, set.groups, set.k, set.kept])).toEqual([
        ['fc1', 32, 16, 16],
        ['fc2', 16, 8, 8],
      ]);
      expect(result?.sets.every((set) => set.nonzeroAfterFineTune <= set.k)).toBe(true);
      expect(result?.compaction.widths[0]).toBe(784);
      expect(result?.compaction.difference).toBeLessThan(1e-4);
    }
    // The prox runs after the warm-up epoch only: records from step 6 (the second epoch) on.
    expect(gsef?.history[0]?.step).toBe(6);
    expect(gsef?.regularizer).toEqual({ name: 'gsef', lambda: 20, targetGroupSparsity: 0.5 });
    // results.jsonl: one line per unit, its id and engine, then the unit's output as in results.json
    const lines = (await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line['unit'], line['engine']])).toEqual(units.map((unit) => [unit.id, 'stock']));
    expect(lines.map(({ unit: _unit, engine: _engine, ...rest }) => rest)).toEqual(units.map((unit) => unit.output));

    const markdown = await readFile(join(outcome.runPath, 'results.md'), 'utf8');
    expect(markdown).toContain('## Accuracy');
    expect(markdown).toContain('Exact-k check');
    expect(existsSync(join(outcome.runPath, 'results-validation-accuracy-per-epoch.svg'))).toBe(true);
    const html = await readFile(outcome.reportPath, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('group-lasso');
    expect(existsSync(join(outcome.runPath, 'latency.json'))).toBe(false);
    expect(await readdir(join(outcome.runPath, 'models', 'seed-3'))).toEqual(['dense', 'group-lasso', 'gsef']);

    // Running it again reprints the finished run.
    const again = await run(tinyConfig(), { runs: join(outcome.runPath, '..') });
    expect(again.outcome.resumed).toBe(true);
    expect(again.outcome.table).toBe(outcome.table);
  });

  it('runs sef (single weights as groups), measures latency into latency.json only, and shows the appendix evidence', async () => {
    const file = (path: string): string => fileURLToPath(new URL(path, repository));
    const { outcome } = await run(
      tinyConfig({
        name: 'sef',
        dense: true,
        epochs: 2,
        methods: [{ name: 'sef', lambda: 5, targetGroupSparsity: 0.5 }],
        latencyRounds: 1,
        appendix: { proxScaling: file('packages/group-envelope/bench/results/prox-scaling.json') },
      }),
    );
    const results = await readFile(join(outcome.runPath, 'results.json'), 'utf8');
    const sefResult = (JSON.parse(results) as { units: { output: GroupEnvelopeMethodResult }[] }).units[1]?.output;
    expect(sefResult?.sets.map((set) => [set.name, set.groups, set.k, set.kept])).toEqual([
      ['fc1', 784 * 32, 784 * 16, 784 * 16],
      ['fc2', 32 * 16, 256, 256],
      ['out', 16 * 10, 80, 80],
    ]);
    expect(results).not.toMatch(/latency|batch1/);
    const latency = JSON.parse(await readFile(join(outcome.runPath, 'latency.json'), 'utf8')) as { rounds: number; models: Record<string, { batch1: number; batch256: number }> };
    expect(latency.rounds).toBe(1);
    expect(Object.keys(latency.models)).toEqual(['dense', 'sef (masked)', 'sef (compacted)']);
    expect(Object.values(latency.models).every((entry) => entry.batch1 > 0 && entry.batch256 > 0)).toBe(true);
    const markdown = await readFile(join(outcome.runPath, 'results.md'), 'utf8');
    expect(markdown).toContain('## Compaction and latency');
    expect(markdown).toContain('## Prox scaling (bench/prox-scaling.ts)');
    expect(markdown).toMatch(/torch \/ JS/);
    expect(markdown).not.toContain('## How λ was chosen'); // λ is chosen by code from a tuning run, on the results page
  });

  it('refuses a regularizer without groups, naming the method', async () => {
    const l1 = definePlugin('@test/l1', (registry) => registry.provide(Regularizers, 'l1', () => ({ name: 'l1' }), { options: z.object({ strength: z.number().default(1) }) }));
    const plugins: BuiltInPlugin[] = [{ plugin: l1, spec: { specifier: '@test/l1', module: '@test/l1', exportName: 'default', options: {} } }];
    const runs = join(await temporaryFolder('ge-runs-'), 'runs');
    const failure = await run(tinyConfig({ methods: ['l1'] }), { runs, plugins }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'E_CONFIG', details: { field: 'methods[0]' } });
    expect((failure as Error).message).toMatch(/methods\[0\]: the regularizer 'l1' has no groups/);
    expect(existsSync(runs)).toBe(false);
  });

  it('resumes a run aborted part-way and ends with the same files as an uninterrupted one', async () => {
    const config = tinyConfig({ name: 'resume' });
    const straight = await run(config);

    const controller = new AbortController();
    const runs = join(await temporaryFolder('ge-runs-'), 'runs');
    await expect(
      run(config, {
        runs,
        signal: controller.signal,
        progress: (chunk) => {
          const percent = /(\d+(?:\.\d+)?)%/.exec(chunk);
          if (percent !== null && Number(percent[1]) >= 50) controller.abort(new Error('stopped for the test'));
        },
      }),
    ).rejects.toThrow('stopped for the test');
    const [folder] = await readdir(runs);
    const interrupted = join(runs, folder as string);
    expect(existsSync(join(interrupted, 'results.json'))).toBe(false);
    const partial = await filesUnder(interrupted);
    expect([...partial.keys()].some((name) => name.startsWith('checkpoints/') && name.includes('manifests'))).toBe(true);

    const resumed = await run(config, { runs });
    expect(resumed.outcome.resumed).toBe(true);
    expect(resumed.outcome.runPath).toBe(interrupted);
    const expected = await filesUnder(straight.outcome.runPath);
    const actual = await filesUnder(interrupted);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const name of ['results.json', 'metrics.jsonl', 'results.md', 'report.html']) expect(expected.has(name), name).toBe(true);
    for (const [name, bytes] of expected) expect(actual.get(name)?.equals(bytes), name).toBe(true);
  });

  it("with engine: 'stock' ends with the default path's results bit for bit, 'dense-trainer' within float32 rounding; results.jsonl records the engine", async () => {
    // `count`: no tensor left by the run (the first run selects the backend, so is not counted).
    const outputs = async (config: Record<string, unknown>, count = true): Promise<{ units: GroupEnvelopeMethodResult[]; rows: Record<string, unknown>[]; log: string }> => {
      const tensors = count ? tf.memory().numTensors : undefined;
      const { outcome, log } = await run(config);
      if (tensors !== undefined) expect(tf.memory().numTensors).toBe(tensors);
      const { units } = JSON.parse(await readFile(join(outcome.runPath, 'results.json'), 'utf8')) as { units: { output: GroupEnvelopeMethodResult }[] };
      const rows = (await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      return { units: units.map((unit) => unit.output), rows, log };
    };
    const plain = await outputs(tinyConfig({ name: 'engine' }), false);
    const stock = await outputs(tinyConfig({ name: 'engine', engine: 'stock' }));
    const dense = await outputs(tinyConfig({ name: 'engine', engine: 'dense-trainer' }));
    expect(plain.units.every((unit) => unit.engine === undefined)).toBe(true);
    expect(plain.rows.map((row) => row['engine'])).toEqual(['stock', 'stock', 'stock']);
    expect(stock.units.map((unit) => unit.engine)).toEqual(['stock', 'stock', 'stock']);
    expect(dense.units.map((unit) => unit.engine)).toEqual(['dense-trainer', 'dense-trainer', 'dense-trainer']);
    expect(dense.rows.map((row) => row['engine'])).toEqual(['dense-trainer', 'dense-trainer', 'dense-trainer']);
    expect(dense.log).toMatch(/engine dense-trainer/);
    // stock: the same operations as the default path, the fine-tune's bias masks kept by a proximal step.
    expect(stock.units.map(({ engine: _engine, ...rest }) => rest)).toEqual(plain.units);
    // dense-trainer: sums in another order; the selection's groups and the kept counts are the
    // same, accuracies (on 200 test images) move by at most one image.
    dense.units.forEach((unit, i) => {
      const reference = plain.units[i] as GroupEnvelopeMethodResult;
      expect(unit.sets.map((set) => [set.k, set.kept, set.nonzeroAfterFineTune])).toEqual(reference.sets.map((set) => [set.k, set.kept, set.nonzeroAfterFineTune]));
      expect(unit.history.map((h) => h.step)).toEqual(reference.history.map((h) => h.step));
      expect(Math.abs(unit.testFinal - reference.testFinal)).toBeLessThanOrEqual(1 / 200 + 1e-12);
    });
  });

  it('an engine resumes from its checkpoints to the same files as an uninterrupted run', async () => {
    const config = tinyConfig({ name: 'resume-engine', engine: 'dense-trainer' });
    const straight = await run(config);
    const controller = new AbortController();
    const runs = join(await temporaryFolder('ge-runs-'), 'runs');
    await expect(
      run(config, {
        runs,
        signal: controller.signal,
        progress: (chunk) => {
          const percent = /(\d+(?:\.\d+)?)%/.exec(chunk);
          if (percent !== null && Number(percent[1]) >= 50) controller.abort(new Error('stopped for the test'));
        },
      }),
    ).rejects.toThrow('stopped for the test');
    const resumed = await run(config, { runs });
    expect(resumed.outcome.resumed).toBe(true);
    const expected = await filesUnder(straight.outcome.runPath);
    const actual = await filesUnder(resumed.outcome.runPath);
    for (const name of ['results.json', 'results.jsonl', 'metrics.jsonl']) expect(actual.get(name)?.equals(expected.get(name) as Buffer), name).toBe(true);
  });

  describe('a wrong config fails before any run directory exists, naming the field and what is allowed', () => {
    const cases: [string, Record<string, unknown>, string, string, RegExp][] = [
      ['a wrong option type', { methods: [{ name: 'gsef', lambda: 'x', k: 3 }] }, 'E_CONFIG', 'methods[0].lambda', /methods\[0\]\.lambda: expected a number, received "x"/],
      ['an unknown implementation name', { methods: ['gsf'] }, 'E_CONFIG', 'methods[0]', /methods\[0\]: unknown regularizer "gsf"; registered: .*group-lasso.*gsef.*sef/],
      ['an unknown option', { methods: [{ name: 'group-lasso', lambda: 1, k: 3 }] }, 'E_CONFIG', 'methods[0].k', /unknown option of the regularizer 'group-lasso'; allowed: lambda, groups/],
      ['an unknown plugin', { plugins: ['./nope.mjs'] }, 'E_PLUGIN', 'plugins[0]', /plugins\[0\]: the plugin file "\.\/nope\.mjs" does not exist/],
      ['a missing data folder', { dataset: { dir: './no-such-folder' } }, 'E_CONFIG', 'dataset.dir', /dataset\.dir: the folder "\.\/no-such-folder" does not exist/],
      ['a group naming no parameter', { methods: [{ name: 'gsef', lambda: 1, k: 3, groups: [{ kind: 'dense-neurons', kernel: 'fc9/kernel' }] }] }, 'E_CONFIG', 'methods[0].groups[0].kernel', /fc9\/kernel/],
      ['a k larger than a layer', { methods: [{ name: 'gsef', lambda: 1, k: 20 }] }, 'E_CONFIG', 'methods[0].k.fc2', /only 16/],
      ['an unknown field', { epoch: 3 }, 'E_CONFIG', 'epoch', /epoch: unknown field; allowed: .*epochs/],
      ['an unknown training engine', { engine: 'turbo' }, 'E_CONFIG', 'engine', /engine: unknown training engine "turbo"; registered: .*dense-trainer.*fused.*stock/],
      ['a warm-up as long as training', { warmupEpochs: 2 }, 'E_CONFIG', 'warmupEpochs', /never run/],
      ['a validation split too large', { validationSize: 6000 }, 'E_CONFIG', 'validationSize', /below the 6000 training images/],
      ['a missing evidence file', { appendix: { proxScaling: './no-scaling.json' } }, 'E_CONFIG', 'appendix.proxScaling', /appendix\.proxScaling: the file "\.\/no-scaling\.json" does not exist/],
      ['the removed hand-typed tuning table', { appendix: { tuning: './tuning.json' } }, 'E_CONFIG', 'appendix.tuning', /appendix\.tuning: unknown field; allowed: proxScaling/],
    ];
    it.each(cases)('%s', async (_what, overrides, code, field, message) => {
      const runs = join(await temporaryFolder('ge-runs-'), 'runs');
      let failure: unknown;
      try {
        await run(tinyConfig(overrides), { runs });
      } catch (error) {
        failure = error;
      }
      expect(isSparseError(failure), String(failure)).toBe(true);
      expect(failure).toMatchObject({ code, details: { field } });
      expect((failure as Error).message).toMatch(message);
      expect(existsSync(runs)).toBe(false);
    });

    it('lists the registered regularizers in the error of an unknown name', async () => {
      const failure = await run(tinyConfig({ methods: [{ name: 'lasso', lambda: 1 }] })).catch((error: unknown) => error);
      expect((failure as { details: { allowed?: unknown } }).details.allowed).toEqual(expect.arrayContaining(['group-lasso', 'gsef', 'sef']));
    });
  });
});
