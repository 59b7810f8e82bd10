import { basename } from 'node:path';
import { createDenseMlp, glorotNormal, initialDenseMlpWeights, refName } from '@sparse/core';
import {
  ProgressBar,
  formatTable,
  openRunDirectory,
  renderHtmlReport,
  runUnits,
  writeFileAtomic,
  writeMarkdownReport,
  type ExperimentContext,
  type ExperimentOutcome,
  type JsonObject,
  type RunUnit,
} from '@sparse/experiments';
import type { MethodContext } from '../contracts/method.js';
import { checkSparseTrainingExperiment } from './check-experiment.js';
import type { SparseTrainingExperimentConfig } from './config.js';
import { loadExperimentData, replicateData, type ReplicateData } from './data.js';
import type { PlannedUnit } from './plan.js';
import { buildSparseTrainingReport, summaryTable } from './report.js';
import type { SparseTrainingUnitResult } from './unit-result.js';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** The layer names of the experiment's MLP: `fc1` … `fcN`, as the LTH family names them. */
export function layerNamesOf(layerSizes: readonly number[]): string[] {
  return layerSizes.slice(1).map((_, i) => `fc${i + 1}`);
}

function methodContext(unit: PlannedUnit, config: SparseTrainingExperimentConfig, context: ExperimentContext, data: ReplicateData, progress: (done: number) => void): MethodContext {
  const architecture = { layerSizes: config.model.layerSizes, layerNames: layerNamesOf(config.model.layerSizes) };
  const initialWeights = initialDenseMlpWeights(architecture, { initializer: glorotNormal, seed: unit.seed, purpose: 'init' });
  return {
    runtime: context.runtime,
    seed: unit.seed,
    sparsity: unit.sparsity,
    layerSizes: config.model.layerSizes,
    initialWeights,
    createModel: (weights) => createDenseMlp({ ...architecture, weights: weights ?? initialWeights, ops: 'fused' }),
    loader: data.loader,
    validation: data.validationSet,
    epochs: config.epochs,
    learningRate: config.learningRate,
    engine: config.engine,
    evaluate: (model, set) => (set === 'test' ? data.test : data.validation).evaluate(model.forward),
    progress,
    log: (line) => context.log(`${line}\n`),
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  };
}

/**
 * Runs (or resumes) a `sparse-training` experiment in its run directory
 * `<runsRoot>/<name>-<config hash>`: every method for every seed (and every sparsity, for methods
 * that use one) as a resumable unit, then `results.jsonl` (one compact line per unit, the raw
 * results the results pages are generated from), `results.md` and `report.html`. Units hold no
 * timings, so a resumed run ends with the same files as an uninterrupted one.
 */
export async function runSparseTrainingExperiment(config: SparseTrainingExperimentConfig, context: ExperimentContext): Promise<ExperimentOutcome> {
  const checked = checkSparseTrainingExperiment(config, context);
  const { units } = checked;
  const stepsPerEpoch = Math.ceil(checked.trainCount / config.batchSize);
  const unitSteps = units.map((unit) => unit.planned.method.plannedSteps({ epochs: config.epochs, stepsPerEpoch }));
  const data = await loadExperimentData(config, checked.dir);
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config });
  let replicate: { readonly seed: number; readonly data: ReplicateData } | undefined;
  const dataFor = (seed: number): ReplicateData => {
    if (replicate?.seed !== seed) {
      replicate?.data.dispose();
      replicate = { seed, data: replicateData(data, config, seed) };
    }
    return replicate.data;
  };
  try {
    context.log(
      `${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n` +
        `${config.seeds.length} seed(s), ${checked.methods.length} method(s), ${units.length} unit(s): ${checked.trainCount} training images, ${stepsPerEpoch} steps per epoch, ${config.epochs} epochs, backend ${context.runtime.backend}\n`,
    );
    const bar = new ProgressBar({ total: sum(unitSteps), label: config.name, unit: 'steps', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    let before = 0;
    const work: RunUnit[] = units.map((unit) => ({
      id: unit.id,
      label: `seed ${unit.seed}, ${unit.planned.label}${unit.sparsity === undefined ? '' : ` at ${unit.sparsity}`}`,
      run: async () => {
        const label = `seed ${unit.seed} ${unit.planned.label}${unit.sparsity === undefined ? '' : ` ${unit.sparsity}`}`;
        const methodInput = methodContext(unit, config, context, dataFor(unit.seed), (done) => bar.update(before + done, label));
        const result = await unit.planned.method.run(methodInput);
        const row: SparseTrainingUnitResult = { unit: unit.id, method: unit.planned.label, name: refName(unit.planned.ref), seed: unit.seed, targetSparsity: unit.sparsity ?? null, ...result };
        return row as unknown as JsonObject;
      },
    }));
    const done = await runUnits({
      run,
      units: work,
      runSeed: config.seeds[0] ?? 0,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      onProgress: (event) => {
        if (event.kind === 'skipped' || event.kind === 'completed') {
          before = sum(unitSteps.slice(0, event.unitIndex + 1));
          bar.update(before);
        }
      },
    });
    bar.finish();
    const results = units.map((unit) => done.outputs.get(unit.id) as unknown as SparseTrainingUnitResult);
    await writeFileAtomic(run.file('results.jsonl'), results.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const report = buildSparseTrainingReport({
      config,
      runName: basename(run.path),
      ...(context.configPath === undefined ? {} : { configFile: basename(context.configPath) }),
      results,
      counts: { train: checked.trainCount, test: checked.testCount },
    });
    const reportPath = run.file('report.html');
    const markdownPath = run.file('results.md');
    await writeFileAtomic(reportPath, renderHtmlReport(report));
    await writeMarkdownReport(markdownPath, report);
    const table = formatTable(summaryTable(results));
    context.log(`\n${table}\n\nReport: ${reportPath}\nResults: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed };
  } finally {
    replicate?.data.dispose();
    await run.close();
  }
}
