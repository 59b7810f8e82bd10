import { finalizeRun, formatTable, openRunDirectory, ProgressBar, renderHtmlReport, runUnits, writeFileAtomic, writeJsonAtomic, writeMarkdownReport, type ExperimentContext, type ExperimentOutcome, type JsonValue, type RunUnit } from '@sparse/experiments';
import type { DeltaExperimentConfig, DeltaMergeConfig } from './config.js';
import { checkDeltaExperiment, resolveDeltaMethods } from './check-delta-experiment.js';
import { regimeLabel } from './config.js';
import { mlpLayers } from './mlp.js';
import { buildDeltaExperimentReport } from './report/delta-experiment-report.js';
import { curvesTable, darexTable } from './report/results-tables.js';
import type { CurveResult, DarexResult, DeltaExperimentResults, FinetuneResult, PretrainResult } from './results.js';
import { createRunState, type DeltaRunState } from './run-state.js';
import { loadDeltaTaskData, type DeltaTaskData } from './task-data.js';
import { DELTA_TRAINING_ENGINE, type DeltaRow } from './raw-rows.js';
import { finetuneTaskUnit } from './units/finetune-unit.js';
import { mergeBaselinesUnit, mergeModelId, mergeUnit, type MergeResultRow } from './units/merge-unit.js';
import { onlyClasses } from './mlp.js';
import { buildDeltaSeedsReport } from './report/delta-page.js';
import { curveUnit } from './units/curve-unit.js';
import { darexUnit } from './units/darex-unit.js';
import { finetuneUnit } from './units/finetune-unit.js';
import { pretrainUnit } from './units/pretrain-unit.js';
import { varianceUnit } from './units/variance-unit.js';

/**
 * Runs (or resumes) a `delta` experiment: opens the run directory `<runsRoot>/<name>-<hash>`,
 * pretrains the base model, fine-tunes it once per regime, prunes every delta with every method at
 * every rate (and the `darex` comparison and variance check when configured) as resumable units
 * with a progress bar, then writes `results.json`, `results.jsonl` (the raw results: one compact
 * line per unit), `report.html` and `results.md` and prints the results tables. With `seeds`, all
 * of it runs once per seed (unit ids and model files prefixed `seed-<s>`) and the reports give
 * mean ± sd over seeds; with `merge`, the tasks are fine-tuned and their deltas merged. Pretrained and fine-tuned models are kept in `models/` as safetensors.
 *
 * @example
 * ```ts
 * import { type DeltaExperimentConfig } from '@sparse/delta';
 * import { runDeltaExperiment } from './run-delta-experiment.js';
 * import type { ExperimentContext } from '@sparse/experiments';
 *
 * declare const config: DeltaExperimentConfig, context: ExperimentContext;
 * const outcome = await runDeltaExperiment(config, context);
 * console.log(outcome.reportPath);
 * ```
 */
interface PlannedUnit {
  readonly unit: RunUnit;
  readonly weight: number;
  readonly seed: number;
  /** The raw-results line of the unit's output (unit id and seed are added). */
  readonly row: (output: JsonValue) => Omit<DeltaRow, 'unit' | 'seed'> | undefined;
}

/** A task data set whose fields read the seed's data once its units run (one seed in memory at a time). */
function lazyData(get: () => DeltaTaskData): DeltaTaskData {
  return {
    get pretrain() {
      return get().pretrain;
    },
    get finetune() {
      return get().finetune;
    },
    get validation() {
      return get().validation;
    },
    get calibration() {
      return get().calibration;
    },
    get test() {
      return get().test;
    },
    get pretrainTest() {
      return get().pretrainTest;
    },
    get trainAll() {
      return get().trainAll;
    },
    get testAll() {
      return get().testAll;
    },
  };
}

function seedUnits(state: DeltaRunState, methods: ReturnType<typeof resolveDeltaMethods>, steps: (count: number) => number, counts: { pretrain: number; finetune: number; train: number }): Omit<PlannedUnit, 'seed'>[] {
  const { config } = state;
  const units: Omit<PlannedUnit, 'seed'>[] = [];
  units.push({ unit: pretrainUnit(state), weight: config.pretrain.epochs * steps(counts.pretrain), row: (output) => ({ phase: 'pretrain', engine: DELTA_TRAINING_ENGINE, ...(output as unknown as PretrainResult) }) });
  for (const regime of config.finetune.regimes) {
    units.push({
      unit: finetuneUnit(state, regime),
      weight: regime.epochs * steps(counts.finetune),
      row: (output) => ({ phase: 'finetune', engine: DELTA_TRAINING_ENGINE, regime: regime.id, label: regimeLabel(regime), epochs: regime.epochs, ...(output as unknown as FinetuneResult) }),
    });
  }
  for (const regime of config.finetune.regimes) {
    methods.curves.forEach((method, index) =>
      units.push({ unit: curveUnit(state, regime, method, index), weight: config.rates.length * (method.stochastic ? config.dropSeeds.length : 1), row: (output) => ({ phase: 'curve', regime: regime.id, ...(output as unknown as CurveResult) }) }),
    );
    const darex = config.darex;
    if (darex !== undefined) {
      methods.darex.forEach((method, index) =>
        units.push({ unit: darexUnit(state, regime, method, index, darex.rate), weight: 1 + (method.stochastic ? config.dropSeeds.length : 1), row: (output) => ({ phase: 'darex', regime: regime.id, rate: darex.rate, ...(output as unknown as DarexResult) }) }),
      );
    }
  }
  if (config.merge !== undefined) units.push(...mergeUnits(state, config.merge, steps, counts.train));
  if (config.varianceCheck !== undefined) {
    units.push({ unit: varianceUnit(state), weight: config.varianceCheck.points.length, row: (output) => ({ phase: 'variance', check: output as unknown as NonNullable<DeltaExperimentResults['varianceCheck']> }) });
  }
  return units;
}

function mergeUnits(state: DeltaRunState, merge: DeltaMergeConfig, steps: (count: number) => number, trainCount: number): Omit<PlannedUnit, 'seed'>[] {
  const units: Omit<PlannedUnit, 'seed'>[] = [];
  for (const task of merge.tasks) {
    const share = task.classes.length / 10;
    units.push({
      unit: finetuneTaskUnit(state, { unitId: `merge/finetune/${task.id}`, modelId: mergeModelId(task.id), regime: task, train: () => onlyClasses(state.data.trainAll, task.classes), test: () => onlyClasses(state.data.testAll, task.classes) }),
      weight: task.epochs * steps(Math.round(trainCount * share)),
      row: (output) => ({ phase: 'merge-finetune', engine: DELTA_TRAINING_ENGINE, task: task.id, classes: task.classes, ...(output as unknown as FinetuneResult) }),
    });
  }
  const mergeRow = (output: JsonValue) => ({ phase: 'merge' as const, ...(output as unknown as MergeResultRow) });
  units.push({ unit: mergeBaselinesUnit(state, merge), weight: merge.tasks.length + 1, row: () => undefined });
  for (const method of merge.methods) {
    for (const rate of merge.rates) units.push({ unit: mergeUnit(state, merge, method, rate), weight: rate > 0 ? state.config.dropSeeds.length : 1, row: mergeRow });
  }
  return units;
}

export async function runDeltaExperiment(config: DeltaExperimentConfig, context: ExperimentContext): Promise<ExperimentOutcome> {
  const dataset = checkDeltaExperiment(config, context);
  const methods = resolveDeltaMethods(config, context);
  const layers = mlpLayers(config.model.hidden);
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config });
  const { log } = context;
  const seeds = config.seeds ?? [config.seed];
  const multiSeed = config.seeds !== undefined;
  const states: DeltaRunState[] = [];
  try {
    log(`${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n`);
    const counts = await seedCounts(config, dataset);
    let loaded: { seed: number; data: DeltaTaskData; state: DeltaRunState } | undefined;
    const planned: PlannedUnit[] = [];
    const steps = (count: number) => Math.ceil(count / config.batchSize);
    for (const seed of seeds) {
      const seedConfig: DeltaExperimentConfig = { ...config, seed };
      const state: DeltaRunState = createRunState({
        config: seedConfig,
        layers,
        data: lazyData(() => {
          if (loaded?.seed !== seed) throw new Error(`the data of seed ${seed} is not loaded`);
          return loaded.data;
        }),
        run,
        log,
        ...(multiSeed ? { modelPrefix: `seed-${seed}-` } : {}),
      });
      states.push(state);
      for (const entry of seedUnits(state, methods, steps, counts)) {
        const inner = entry.unit;
        const unit: RunUnit = {
          ...inner,
          id: multiSeed ? `seed-${seed}/${inner.id}` : inner.id,
          ...(inner.label === undefined ? {} : { label: multiSeed ? `seed ${seed}: ${inner.label}` : inner.label }),
          run: async (unitContext) => {
            if (loaded?.seed !== seed) {
              loaded?.state.dispose();
              loaded = undefined;
              loaded = { seed, data: await loadDeltaTaskData(seedConfig, dataset), state };
            }
            return inner.run(unitContext);
          },
        };
        planned.push({ ...entry, unit, seed });
      }
    }
    const total = planned.reduce((sum, entry) => sum + entry.weight, 0);
    const bar = new ProgressBar({ total, label: config.name, unit: 'step', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    let completed = 0;
    await runUnits({
      run,
      units: planned.map((entry) => entry.unit),
      runSeed: config.seed,
      finalize: false,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      onProgress: (event) => {
        const entry = planned[event.unitIndex];
        if (entry === undefined) return;
        if (event.kind === 'skipped' || event.kind === 'completed') {
          completed += entry.weight;
          bar.update(completed, entry.unit.label);
        } else if (event.kind === 'progress' && event.total > 0) {
          bar.update(completed + Math.floor((entry.weight * Math.min(event.done, event.total)) / event.total), entry.unit.label);
        }
      },
    });
    bar.finish();
    const outputs = await finalizeRun(run, planned.map((entry) => entry.unit.id));
    const rows: DeltaRow[] = [];
    for (const entry of planned) {
      const output = outputs.get(entry.unit.id) as JsonValue;
      if (entry.unit.id.endsWith('merge/baselines')) {
        for (const row of output as unknown as MergeResultRow[]) rows.push({ phase: 'merge', unit: entry.unit.id, seed: entry.seed, ...row });
        continue;
      }
      const row = entry.row(output);
      if (row !== undefined) rows.push({ ...row, unit: entry.unit.id, seed: entry.seed } as DeltaRow);
    }
    await writeFileAtomic(run.file('results.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const perSeed = seeds.map((seed) => seedResults(config, context, counts, seed, rows.filter((row) => row.seed === seed)));
    await writeJsonAtomic(run.file('results.json'), (multiSeed ? { name: config.name, seeds: perSeed.map((results, k) => ({ seed: seeds[k], results })) } : perSeed[0]) as unknown as JsonValue);
    const first = perSeed[0] as DeltaExperimentResults;
    const report = multiSeed ? buildDeltaSeedsReport(rows, config as unknown as Record<string, unknown>) : buildDeltaExperimentReport(first);
    const reportPath = run.file('report.html');
    await writeFileAtomic(reportPath, renderHtmlReport(report));
    const markdownPath = run.file('results.md');
    await writeMarkdownReport(markdownPath, report);
    const table = multiSeed ? report.sections.flatMap((section) => section.blocks).filter((block) => block.kind === 'table').slice(0, 2).map((block) => formatTable(block.table)).join('\n\n') : [formatTable(curvesTable(first)), ...(first.darexRate === null ? [] : [formatTable(darexTable(first))])].join('\n\n');
    log(`\n${table}\n\nReport: ${reportPath}\nResults: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed };
  } finally {
    for (const state of states) state.dispose();
    await run.close();
  }
}

async function seedCounts(config: DeltaExperimentConfig, dataset: Parameters<typeof loadDeltaTaskData>[1]): Promise<{ pretrain: number; finetune: number; validation: number; calibration: number; test: number; pretrainTest: number; train: number }> {
  const data = await loadDeltaTaskData(config, dataset);
  return { pretrain: data.pretrain.count, finetune: data.finetune.count, validation: data.validation.count, calibration: data.calibration.count, test: data.test.count, pretrainTest: data.pretrainTest.count, train: data.trainAll.count };
}

function seedResults(config: DeltaExperimentConfig, context: ExperimentContext, counts: Awaited<ReturnType<typeof seedCounts>>, seed: number, rows: readonly DeltaRow[]): DeltaExperimentResults {
  const pick = <P extends DeltaRow['phase']>(phase: P) => rows.filter((row): row is Extract<DeltaRow, { phase: P }> => row.phase === phase);
  const strip = <T extends { unit: string; seed: number; phase: string }>(row: T) => {
    const { unit: _unit, seed: _seed, phase: _phase, ...rest } = row;
    return rest;
  };
  const pretrain = pick('pretrain')[0];
  const variance = pick('variance')[0];
  return {
    name: config.name,
    dataset: config.dataset === 'bundled' ? 'the bundled subset of Fashion-MNIST (6,000 training / 1,000 test images)' : `Fashion-MNIST (${config.dataset.dir})`,
    backend: context.runtime.backend,
    counts: { pretrain: counts.pretrain, finetune: counts.finetune, validation: counts.validation, calibration: counts.calibration, test: counts.test, pretrainTest: counts.pretrainTest },
    model: config.model.hidden,
    pretrainClasses: config.pretrain.classes,
    finetuneClasses: config.finetune.classes,
    pretrainEpochs: config.pretrain.epochs,
    pretrainLearningRate: config.pretrain.learningRate,
    batchSize: config.batchSize,
    dropSeeds: config.dropSeeds,
    exclude: config.exclude,
    pretrain: { accuracy: pretrain?.accuracy ?? Number.NaN, pretrainAccuracy: pretrain?.pretrainAccuracy ?? Number.NaN, losses: pretrain?.losses ?? [] },
    regimes: config.finetune.regimes.map((regime) => {
      const tuned = pick('finetune').find((row) => row.regime === regime.id);
      return {
        id: regime.id,
        label: regimeLabel(regime),
        epochs: regime.epochs,
        finetune: { accuracy: tuned?.accuracy ?? Number.NaN, losses: tuned?.losses ?? [], delta: tuned?.delta ?? { meanAbs: 0, rms: 0, maxAbs: 0, excludedMeanAbs: null } },
        curves: pick('curve').filter((row) => row.regime === regime.id).map((row) => { const { regime: _r, ...rest } = strip(row); return rest; }),
        darex: pick('darex').filter((row) => row.regime === regime.id).map((row) => { const { regime: _r, rate: _p, ...rest } = strip(row); return rest; }),
      };
    }),
    darexRate: config.darex?.rate ?? null,
    varianceCheck: variance === undefined ? null : variance.check,
  };
}
