import { basename } from 'node:path';
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
import { checkPretrainedMasksExperiment } from './check-experiment.js';
import type { PretrainedMasksConfig } from './config.js';
import { loadExperimentData } from '../experiment/data.js';
import { pretrainedReplicate, type PretrainedReplicate } from './data.js';
import { planPretrainedUnits, unitWork } from './plan.js';
import { buildPretrainedMasksReport, pretrainedResultsTable } from './report.js';
import type { PretrainedUnitResult } from './results.js';
import { runEssentialUnit, runPretrainUnit, runSparsityUnit, type UnitEnvironment } from './units.js';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * Runs (or resumes) a `pretrained-masks` experiment in its run directory
 * `<runsRoot>/<name>-<config hash>`: per seed, the pretraining unit (weights saved in the run's
 * `pretrained/` store), the essential-sparsity sweep and one magnitude vs Lottery Jackpots unit per
 * sparsity, each a resumable unit; then `results.jsonl` (one compact JSON line per unit, in plan
 * order), `results.md` and `report.html`; prints the results table. No output holds a timing, so a
 * resumed run ends with the same files as an uninterrupted one.
 *
 * @example
 * ```ts
 * import { builtInSpec, runExperimentFile } from '@sparse/experiments';
 * import { sparseTrainingPlugin } from '@sparse/sparse-training';
 *
 * // a config with "kind": "pretrained-masks"; the package's plugin registers the kind
 * const outcome = await runExperimentFile({
 *   path: 'examples/sparse-training/pretrained-masks-quick.json',
 *   builtIns: [{ plugin: sparseTrainingPlugin(), spec: builtInSpec('@sparse/sparse-training', import.meta.url) }],
 * });
 * console.log(outcome.table);
 * ```
 */
export async function runPretrainedMasksExperiment(config: PretrainedMasksConfig, context: ExperimentContext): Promise<ExperimentOutcome> {
  const checked = checkPretrainedMasksExperiment(config, context);
  const units = planPretrainedUnits(config);
  const data = await loadExperimentData(config, checked.dir);
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config });
  let replicate: { readonly seed: number; readonly data: PretrainedReplicate } | undefined;
  const dataFor = (seed: number): PretrainedReplicate => {
    if (replicate?.seed !== seed) {
      replicate?.data.dispose();
      replicate = { seed, data: pretrainedReplicate(data, config, seed) };
    }
    return replicate.data;
  };
  try {
    const probe = dataFor(config.seeds[0] ?? 0);
    const steps = { pretrain: probe.pretrain.stepsPerEpoch, search: probe.search.stepsPerEpoch };
    const work = units.map((unit) => unitWork(unit, config, steps));
    context.log(
      `${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n` +
        `${config.seeds.length} seed(s): pretrain ${config.epochs} epochs (${steps.pretrain} steps each), essential sweep of ${config.essential.sparsities.length} sparsities, Lottery Jackpots at ${config.jackpotSparsities.join(', ')} (${config.search.learningRates.length} learning rate(s) × ${config.search.epochs} epochs × ${steps.search} steps); ${checked.trainCount} training images, backend ${context.runtime.backend}\n`,
    );
    const bar = new ProgressBar({ total: sum(work), label: config.name, unit: 'steps', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    let before = 0;
    const runUnitsList: RunUnit[] = units.map((unit, index) => ({
      id: unit.id,
      label: `seed ${unit.seed}, ${unit.kind}${unit.sparsity === undefined ? '' : ` ${unit.sparsity}`}`,
      run: async (unitContext) => {
        const environment: UnitEnvironment = {
          config,
          runtime: context.runtime,
          run,
          data: dataFor(unit.seed),
          progress: (done) => bar.update(before + Math.min(done, work[index] ?? 0), `seed ${unit.seed} ${unit.kind}${unit.sparsity === undefined ? '' : ` ${unit.sparsity}`}`),
        };
        const output =
          unit.kind === 'pretrain'
            ? await runPretrainUnit(unit.seed, environment, unitContext)
            : unit.kind === 'essential'
              ? await runEssentialUnit(unit.seed, environment, unitContext)
              : await runSparsityUnit(unit.seed, unit.sparsity as number, environment, unitContext);
        return output as unknown as JsonObject;
      },
    }));
    const done = await runUnits({
      run,
      units: runUnitsList,
      runSeed: config.seeds[0] ?? 0,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      onProgress: (event) => {
        if (event.kind === 'skipped' || event.kind === 'completed') {
          before = sum(work.slice(0, event.unitIndex + 1));
          bar.update(before);
        }
      },
    });
    bar.finish();
    const results = units.map((unit) => done.outputs.get(unit.id) as unknown as PretrainedUnitResult);
    await writeFileAtomic(run.file('results.jsonl'), results.map((result) => JSON.stringify(result)).join('\n') + '\n');
    const report = buildPretrainedMasksReport({
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
    const table = formatTable(pretrainedResultsTable(results));
    context.log(`\n${table}\n\nReport: ${reportPath}\nResults: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed };
  } finally {
    replicate?.data.dispose();
    await run.close();
  }
}
