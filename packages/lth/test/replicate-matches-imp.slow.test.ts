/**
 * The resumable replicate that `sparse run` executes (runReplicate: run directory, checkpoints,
 * mask files, metrics) and the in-memory runImp run the same IMP branch bodies: for the same tiny
 * config and seed, trained the same way, they must give identical masks, metrics and summaries.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingEngines, createRuntime, deriveSeed, readMaskFile, type BinaryMaskSet, type SparseRuntime } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, splitValidation } from '@sparse/datasets';
import { openRunDirectory, type ResolvedPluginSpec } from '@sparse/experiments';
import { wasmBackend } from '@sparse/backend-wasm';
import {
  createEvaluator,
  lthPlugin,
  createMlp,
  defaultPrunable,
  mirlPrunable,
  planExperiment,
  pruneCount,
  remainingFraction,
  runImp,
  runReplicate,
  tensorRates,
  trainRound,
  validateLthConfig,
  type LthExperimentConfig,
  type UnitSummary,
} from '../src/index.js';
import { levelName } from '../src/branches/schedule.js';
import { keptOf } from './bodies.js';

const BASE = {
  dataset: 'bundled',
  validationSize: 500,
  model: { layerSizes: [784, 24, 16, 10] },
  batchSize: 50,
  iterations: 40,
  evalEvery: 10,
  rounds: 3,
  backend: 'cpu',
  workers: 1,
  checkpointEvery: 20,
};

/** The plugins runReplicate loads (here, in this thread, by their package names, which the test aliases map to the sources). */
const PLUGINS: ResolvedPluginSpec[] = ['@sparse/backend-wasm', '@sparse/lth'].map((name) => ({ specifier: name, module: name, exportName: 'default', options: {} }));

let runtime: SparseRuntime;
beforeAll(async () => {
  runtime = await createRuntime({ backend: 'cpu', plugins: [wasmBackend(), lthPlugin()] });
});

const RAW = {
  'layerwise, rewinding to θk, every baseline': {
    ...BASE,
    name: 'match-imp',
    seeds: [3],
    rates: { default: 0.3, output: 0.15, perTensor: { 'fc2/kernel': 0.4 } },
    rewindStep: 10,
    branches: { ticket: true, reinit: true, randomPrune: { levels: [2], shuffle: 'global' }, oneShot: { levels: [2, 3] } },
  },
  'MIR-L, random pruning by remaining percent': {
    ...BASE,
    name: 'match-imp-mirl',
    seeds: [4],
    mode: 'mir-l',
    rates: { default: 0.3 },
    branches: { ticket: true, reinit: false, randomPrune: { remaining: [50], shuffle: 'even' }, oneShot: { levels: [2] } },
  },
};

interface Replay {
  readonly summaries: UnitSummary[];
  /** Metric lines by unit id, as the run directory writes them. */
  readonly metrics: Map<string, string>;
  readonly masks: Map<number, BinaryMaskSet>;
  readonly oneShot: Map<number, BinaryMaskSet>;
}

/** runImp, training each run exactly as the replicate does (same data order, evaluators, engine: the default, dense-trainer). */
async function viaRunImp(config: LthExperimentConfig, seed: number): Promise<Replay> {
  const data = await loadFashionMnist();
  const { train, validation } = splitValidation(data.train, { validationSize: config.validationSize, seed: 0 });
  const plan = planExperiment(config, train.count);
  const loader = createBatchLoader(train, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  const model = createMlp({ layerSizes: config.model.layerSizes, seed });
  const val = createEvaluator(validation);
  const test = createEvaluator(data.test);
  const prunable = config.mode === 'mir-l' ? mirlPrunable(model.parameters) : defaultPrunable(model.parameters);
  const sizes = new Map(model.parameters.filter((p) => prunable.includes(p.name)).map((p) => [p.name, p.variable.size] as const));
  const engine = runtime.create(TrainingEngines, 'dense-trainer');
  const summaries: UnitSummary[] = [];
  const metrics = new Map<string, string>();
  const oneShot = new Map<number, BinaryMaskSet>();
  try {
    const result = await runImp({
      parameters: model.parameters,
      seed,
      rounds: config.rounds,
      rates: config.rates,
      scope: config.scope,
      mode: config.mode,
      rewindStep: config.rewindStep,
      branches: {
        reinit: config.branches.reinit,
        randomPrune: { levels: plan.randomPruneLevels, shuffle: config.branches.randomPrune?.shuffle ?? 'layerwise' },
        oneShot: { levels: plan.oneShotLevels },
      },
      reinitValues: () => model.initialValues(seed, 'reinit'),
      train: async (context) => {
        const id = `seed-${seed}/${levelName(context.level)}/${context.branch}`;
        const tags = { seed, level: context.level, branch: context.branch, remaining: remainingFraction(context.masks, sizes) };
        const lines: string[] = [];
        const round = await trainRound({
          model,
          masks: context.masks,
          batches: loader,
          learningRate: config.optimizer.learningRate,
          engine,
          startStep: context.startStep,
          endStep: plan.iterations,
          evalEvery: config.evalEvery,
          validate: () => val.evaluate(model.forward),
          test: () => test.evaluate(model.forward),
          testAt: 'improvement',
          onEval: (record) => void lines.push(JSON.stringify({ unit: id, ...tags, ...record })),
          ...(context.rewindStep === undefined ? {} : { snapshotAt: [context.rewindStep], onSnapshot: (_: number, values: ReadonlyMap<string, Float32Array>) => context.rewind?.(values) }),
        });
        const summary: UnitSummary = {
          ...tags,
          earlyStopIteration: round.earlyStop.iteration,
          testAccuracyAtEarlyStop: round.earlyStop.testAccuracy,
          validationLossAtEarlyStop: round.earlyStop.validationLoss,
          finalTestAccuracy: round.final.testAccuracy ?? Number.NaN,
          iterations: plan.iterations,
          engine: engine.name,
        };
        lines.push(JSON.stringify({ unit: id, event: 'early-stop', ...summary }));
        metrics.set(id, `${lines.join('\n')}\n`);
        summaries.push(summary);
        if (context.branch === 'one-shot') oneShot.set(context.level, context.masks);
        return summary;
      },
    });
    return { summaries, metrics, masks: new Map(result.levels.map((l) => [l.level, l.masks] as const)), oneShot };
  } finally {
    val.dispose();
    test.dispose();
    model.dispose();
    loader.dispose();
  }
}

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('the resumable replicate (sparse run) and runImp run the same IMP', () => {
  for (const [title, raw] of Object.entries(RAW)) {
    it(`give identical masks, metrics and summaries: ${title}`, async () => {
      const config = validateLthConfig(raw, runtime);
      const seed = config.seeds[0] as number;
      const root = await mkdtemp(join(tmpdir(), 'lth-match-'));
      roots.push(root);
      const run = await openRunDirectory({ root, name: config.name, config: config as never });
      let summaries: UnitSummary[];
      try {
        // these configs have no instability branch: every output is a training run's summary
        summaries = (await runReplicate({ runPath: run.path, config, seed, datasetDir: undefined, plugins: PLUGINS, backend: 'cpu' }, { progress: () => undefined, signal: new AbortController().signal })) as UnitSummary[];
      } finally {
        await run.close();
      }
      const imp = await viaRunImp(config, seed);

      const plan = planExperiment(config, 5500);
      expect(summaries.map((s) => `${levelName(s.level)}/${s.branch}`)).toEqual(plan.units.map((u) => u.id));
      expect(imp.summaries).toEqual(summaries);
      for (const unit of plan.units) {
        const id = `seed-${seed}/${unit.id}`;
        expect(await readFile(run.file('metrics', `seed-${seed}`, levelName(unit.level), `${unit.branch}.jsonl`), 'utf8'), id).toBe(imp.metrics.get(id));
      }
      const alive = (masks: BinaryMaskSet | undefined, name: string) => masks?.get(name)?.kept.reduce((a, b) => a + b, 0);
      let previous: BinaryMaskSet | undefined;
      for (let level = 1; level <= config.rounds; level += 1) {
        const saved = await readMaskFile(run.file('masks', `seed-${seed}`, `${levelName(level)}.safetensors`));
        expect(keptOf(saved), `level ${level}`).toEqual(keptOf(imp.masks.get(level) ?? new Map()));
        if (config.mode === 'imp') {
          // the saved masks follow the per-round rates of the remaining weights (layerwise)
          const sizes = new Map([...saved].map(([name, mask]) => [name, mask.kept.length] as const));
          for (const [name, rate] of tensorRates([...saved.keys()], config.rates, 'fc3/kernel')) {
            const was = alive(previous, name) ?? (sizes.get(name) as number);
            expect(alive(saved, name), `${name} level ${level}`).toBe(was - pruneCount(rate, was));
          }
        }
        previous = saved;
      }
      for (const level of plan.oneShotLevels) {
        const saved = await readMaskFile(run.file('masks', `seed-${seed}`, `one-shot-${levelName(level)}.safetensors`));
        expect(keptOf(saved), `one-shot ${level}`).toEqual(keptOf(imp.oneShot.get(level) ?? new Map()));
      }
      expect(imp.oneShot.size).toBe(plan.oneShotLevels.length);
    }, 300_000);
  }
});
