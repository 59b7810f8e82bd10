import {
  ProgressBar,
  finalizeRun,
  formatTable,
  openRunDirectory,
  renderHtmlReport,
  renderMarkdownReport,
  runInWorkers,
  writeFileAtomic,
  writeJsonAtomic,
  type ExperimentContext,
  type ExperimentOutcome,
  type JsonObject,
} from '@sparse/experiments';
import { activationResultsTable, buildActivationReport } from '../report/activation-report.js';
import { assembleResults } from '../report/assemble.js';
import { activationRows } from '../report/raw-rows.js';
import { checkActivationConfig } from './check.js';
import type { ActivationExperimentConfig } from './config.js';
import { loadActivationData } from './data.js';
import type { ModelJobPayload } from './model-job.js';
import { modelWork, runModelUnits } from './model-units.js';
import { allUnitIds } from './plan.js';

/** The prefix of the results page's plot files, so they can be copied beside docs/results/activation.md as they are. */
const PLOT_PREFIX = 'activation';

function jobModule(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './model-job.ts' : './model-job.js', import.meta.url);
}

/**
 * Runs (or resumes) an `activation` experiment: opens the hash-named run directory, runs the units
 * of every model of every seed (dense training with a checkpoint per epoch, each sparsifier at each
 * level, ReLU swap, fine-tuning, timing), one model of one seed per worker thread when
 * `workers > 1`, with one progress bar; then writes `metrics.jsonl` and `results.json` (every
 * unit's output), `results.jsonl` (one compact raw row per unit, every seed: see
 * {@link ActivationRow}; the results page is rendered from it), and for the first seed
 * `summary.json` (the {@link ActivationResults}), `report.html`, `results.md` with its SVG plots,
 * and prints its results table. Threshold files stay in `thresholds/`, trained weights in `models/`.
 * A killed or cancelled run resumes where it stopped and ends with the same files.
 *
 * @throws SparseError `E_CONFIG` for a config its checks refuse (data folder, sizes, models, sparsifiers), or what a unit throws.
 *
 * @example
 * ```ts
 * import { runActivationExperiment, type ActivationExperimentConfig } from '@sparse/activation';
 * import type { ExperimentContext } from '@sparse/experiments';
 *
 * declare const config: ActivationExperimentConfig;
 * declare const context: ExperimentContext;
 * const outcome = await runActivationExperiment(config, context);
 * console.log(outcome.reportPath);
 * ```
 */
export async function runActivationExperiment(config: ActivationExperimentConfig, context: ExperimentContext): Promise<ExperimentOutcome> {
  const checked = checkActivationConfig(config, context);
  const { plans } = checked;
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config });
  try {
    const seeds = config.seeds;
    const unitCount = allUnitIds(plans, seeds).length;
    const jobs = seeds.flatMap((seed) => plans.map((plan) => ({ seed, plan, name: `seed-${seed}/${plan.id}` })));
    const concurrency = Math.min(config.workers, jobs.length);
    context.log(`${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n${plans.length} model(s) x ${seeds.length} seed(s), ${unitCount} units (${context.runtime.backend}, ${concurrency} worker${concurrency === 1 ? '' : 's'})\n`);
    const sizes = { train: checked.trainCount, test: checked.testCount, calibration: checked.calibrationCount };
    const work = jobs.map((job) => modelWork(job.plan, sizes));
    const bar = new ProgressBar({ total: work.reduce((a, b) => a + b, 0), label: config.name, unit: 'img', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    const done = new Map<string, number>();
    const report = (id: string, value: number): void => {
      done.set(id, value);
      bar.update([...done.values()].reduce((a, b) => a + b, 0), id);
    };
    if (concurrency <= 1) {
      for (const seed of seeds) {
        const data = await loadActivationData(config, checked.dataset.dir, seed);
        for (const plan of plans) {
          await runModelUnits({ runtime: context.runtime, run, config, modelIndex: plan.index, seed, data, onProgress: (value) => report(`seed-${seed}/${plan.id}`, value), ...(context.signal === undefined ? {} : { signal: context.signal }) });
        }
      }
    } else {
      const payloads: ModelJobPayload[] = jobs.map((job) => ({ runPath: run.path, config, modelIndex: job.plan.index, seed: job.seed, datasetDir: checked.dataset.dir, backend: context.runtime.backend, plugins: context.plugins }));
      await runInWorkers<ModelJobPayload, null>({
        module: jobModule(),
        exportName: 'runModelJob',
        payloads,
        jobName: (payload) => `seed-${payload.seed}/${plans[payload.modelIndex]?.id ?? `model ${payload.modelIndex}`}`,
        concurrency,
        onProgress: (event) => {
          if (event.kind === 'progress') report(event.name, event.done);
        },
        ...(context.signal === undefined ? {} : { signal: context.signal }),
        ...(context.preload === undefined ? {} : { preload: context.preload }),
      });
    }
    bar.finish();
    const outputs = await finalizeRun(run, allUnitIds(plans, seeds));
    const rows = activationRows(plans, seeds, outputs, context.runtime.backend);
    await writeFileAtomic(run.file('results.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const results = assembleResults(
      config,
      plans,
      outputs,
      {
        backend: context.runtime.backend,
        dataset: checked.dataset.dir === undefined ? 'bundled' : 'full',
        trainCount: checked.trainCount,
        testCount: checked.testCount,
        calibrationCount: checked.calibrationCount,
        probeCount: checked.probeCount,
      },
      seeds[0] ?? 0,
    );
    await writeJsonAtomic(run.file('summary.json'), results as unknown as JsonObject);
    const reportDocument = buildActivationReport(results);
    const reportPath = run.file('report.html');
    await writeFileAtomic(reportPath, renderHtmlReport(reportDocument));
    const page = renderMarkdownReport(reportDocument, PLOT_PREFIX);
    for (const file of page.files) await writeFileAtomic(run.file(file.name), file.content);
    const markdownPath = run.file('results.md');
    await writeFileAtomic(markdownPath, page.markdown);
    const table = formatTable(activationResultsTable(results));
    context.log(`\n${table}\n\nReport: ${reportPath}\nResults page: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed };
  } finally {
    await run.close();
  }
}
