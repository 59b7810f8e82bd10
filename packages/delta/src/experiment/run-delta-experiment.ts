import { finalizeRun, formatTable, openRunDirectory, ProgressBar, renderHtmlReport, runUnits, writeFileAtomic, writeJsonAtomic, writeMarkdownReport, type ExperimentContext, type ExperimentOutcome, type JsonValue, type RunUnit } from '@sparse/experiments';
import type { DeltaExperimentConfig } from './config.js';
import { checkDeltaExperiment, resolveDeltaMethods } from './check-delta-experiment.js';
import { regimeLabel } from './config.js';
import { mlpLayers } from './mlp.js';
import { buildDeltaExperimentReport } from './report/delta-experiment-report.js';
import { curvesTable, darexTable } from './report/results-tables.js';
import type { CurveResult, DarexResult, DeltaExperimentResults, FinetuneResult, PretrainResult } from './results.js';
import { createRunState } from './run-state.js';
import { loadDeltaTaskData } from './task-data.js';
import { curveUnit } from './units/curve-unit.js';
import { darexUnit } from './units/darex-unit.js';
import { finetuneUnit } from './units/finetune-unit.js';
import { pretrainUnit } from './units/pretrain-unit.js';
import { varianceUnit } from './units/variance-unit.js';

/**
 * Runs (or resumes) a `delta` experiment: opens the run directory `<runsRoot>/<name>-<hash>`,
 * pretrains the base model, fine-tunes it once per regime, prunes every delta with every method at
 * every rate (and the `darex` comparison and variance check when configured) as resumable units
 * with a progress bar, then writes `results.json`, `report.html` and `results.md` and prints the
 * results tables. Pretrained and fine-tuned models are kept in `models/` as safetensors.
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
export async function runDeltaExperiment(config: DeltaExperimentConfig, context: ExperimentContext): Promise<ExperimentOutcome> {
  const dataset = checkDeltaExperiment(config, context);
  const methods = resolveDeltaMethods(config, context);
  const layers = mlpLayers(config.model.hidden);
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config });
  const { log } = context;
  let state: ReturnType<typeof createRunState> | undefined;
  try {
    log(`${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n`);
    const data = await loadDeltaTaskData(config, dataset);
    const shared = createRunState({ config, layers, data, run, log });
    state = shared;
    const { regimes } = config.finetune;
    const units: { unit: RunUnit; weight: number }[] = [];
    const steps = (count: number) => Math.ceil(count / config.batchSize);
    units.push({ unit: pretrainUnit(shared), weight: config.pretrain.epochs * steps(data.pretrain.count) });
    for (const regime of regimes) units.push({ unit: finetuneUnit(shared, regime), weight: regime.epochs * steps(data.finetune.count) });
    for (const regime of regimes) {
      methods.curves.forEach((method, index) => units.push({ unit: curveUnit(shared, regime, method, index), weight: config.rates.length * (method.stochastic ? config.dropSeeds.length : 1) }));
      if (config.darex !== undefined) {
        const rate = config.darex.rate;
        methods.darex.forEach((method, index) => units.push({ unit: darexUnit(shared, regime, method, index, rate), weight: 1 + (method.stochastic ? config.dropSeeds.length : 1) }));
      }
    }
    if (config.varianceCheck !== undefined) units.push({ unit: varianceUnit(shared), weight: config.varianceCheck.points.length });
    const total = units.reduce((sum, entry) => sum + entry.weight, 0);
    const bar = new ProgressBar({ total, label: config.name, unit: 'step', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    let completed = 0;
    await runUnits({
      run,
      units: units.map((entry) => entry.unit),
      runSeed: config.seed,
      finalize: false,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      onProgress: (event) => {
        const entry = units[event.unitIndex];
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
    const outputs = await finalizeRun(run, units.map((entry) => entry.unit.id));
    const output = <T>(id: string) => outputs.get(id) as unknown as T;
    const results: DeltaExperimentResults = {
      name: config.name,
      dataset: config.dataset === 'bundled' ? 'the bundled subset of Fashion-MNIST (6,000 training / 1,000 test images)' : `Fashion-MNIST (${config.dataset.dir})`,
      backend: context.runtime.backend,
      counts: { pretrain: data.pretrain.count, finetune: data.finetune.count, validation: data.validation.count, calibration: data.calibration.count, test: data.test.count, pretrainTest: data.pretrainTest.count },
      model: config.model.hidden,
      pretrainClasses: config.pretrain.classes,
      finetuneClasses: config.finetune.classes,
      pretrainEpochs: config.pretrain.epochs,
      pretrainLearningRate: config.pretrain.learningRate,
      batchSize: config.batchSize,
      dropSeeds: config.dropSeeds,
      exclude: config.exclude,
      pretrain: output<PretrainResult>('pretrain'),
      regimes: regimes.map((regime) => ({
        id: regime.id,
        label: regimeLabel(regime),
        epochs: regime.epochs,
        finetune: output<FinetuneResult>(`finetune/${regime.id}`),
        curves: units.filter((entry) => entry.unit.id.startsWith(`curve/${regime.id}/`)).map((entry) => output<CurveResult>(entry.unit.id)),
        darex: units.filter((entry) => entry.unit.id.startsWith(`darex/${regime.id}/`)).map((entry) => output<DarexResult>(entry.unit.id)),
      })),
      darexRate: config.darex?.rate ?? null,
      varianceCheck: config.varianceCheck === undefined ? null : output<DeltaExperimentResults['varianceCheck']>('variance'),
    };
    await writeJsonAtomic(run.file('results.json'), results as unknown as JsonValue);
    const report = buildDeltaExperimentReport(results);
    const reportPath = run.file('report.html');
    await writeFileAtomic(reportPath, renderHtmlReport(report));
    const markdownPath = run.file('results.md');
    await writeMarkdownReport(markdownPath, report);
    const table = [formatTable(curvesTable(results)), ...(results.darexRate === null ? [] : [formatTable(darexTable(results))])].join('\n\n');
    log(`\n${table}\n\nReport: ${reportPath}\nResults: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed };
  } finally {
    state?.dispose();
    await run.close();
  }
}
