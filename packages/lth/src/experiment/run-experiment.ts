import {
  ProgressAggregator,
  ProgressBar,
  finalizeRun,
  formatTable,
  openRunDirectory,
  renderHtmlReport,
  runInWorkers,
  writeFileAtomic,
  writeJsonAtomic,
  type ExperimentContext,
  type ExperimentOutcome,
} from '@sparse/experiments';
import { buildLthReport, resultsTable } from '../report/lth-report.js';
import { writeLthResults } from '../report/write-results.js';
import { checkLthExperiment } from './check-experiment.js';
import type { LthExperimentConfig } from './config.js';
import { unitWork } from './plan.js';
import { isInstabilitySummary, type InstabilitySummary, type LthUnitOutput, type ReplicatePayload, type UnitSummary } from './replicate-job.js';

/**
 * What {@link runLthExperiment} returns: the runner's outcome and every unit's summary.
 *
 * @example
 * ```ts
 * import type { LthExperimentOutcome } from '@sparse/lth';
 *
 * declare const outcome: LthExperimentOutcome;
 * console.log(outcome.runPath, outcome.reportPath, outcome.summaries.length);
 * ```
 */
export interface LthExperimentOutcome extends ExperimentOutcome {
  /** The results page (`results.md` in the run directory). */
  readonly markdownPath: string;
  /** Every training run's summary, replicate by replicate in run order. */
  readonly summaries: readonly UnitSummary[];
  /** Every instability unit's summary (empty without `branches.instability`). */
  readonly instability: readonly InstabilitySummary[];
}

function replicateModule(): URL {
  const source = import.meta.url.endsWith('.ts');
  return new URL(source ? './replicate-job.ts' : './replicate-job.js', import.meta.url);
}

/**
 * Runs (or resumes) a lottery-ticket experiment: checks it ({@link checkLthExperiment}), opens the
 * run directory `<runsRoot>/<name>-<hash>`, runs the replicates (seeds) in parallel worker threads
 * (each rebuilds the runtime from `context.plugins` and resolves the scorer and the training
 * engine through it) with one aggregated progress bar, combines their metrics (`metrics.jsonl`,
 * `results.json`), writes the raw results `results.jsonl` (one compact line per training run:
 * seed, level, branch, weights remaining, engine, early-stop iteration, accuracies; and one line per instability unit: barrier, copies' accuracies, interpolation curve), prints the results table and writes `report.html`, the results page
 * `results.md` (with its SVG plots) and `summary.json`. A killed or aborted run resumes from its
 * checkpoints and ends bit-identical to an uninterrupted one.
 *
 * @throws SparseError `E_CONFIG` from the check (data set, sizes, engine), before anything is written.
 *
 * @example
 * ```ts
 * import type { ExperimentContext } from '@sparse/experiments';
 * import { runLthExperiment, type LthExperimentConfig } from '@sparse/lth';
 *
 * declare const config: LthExperimentConfig;
 * declare const context: ExperimentContext;
 * const outcome = await runLthExperiment(config, context);
 * console.log(outcome.reportPath, outcome.markdownPath);
 * ```
 */
export async function runLthExperiment(config: LthExperimentConfig, context: ExperimentContext): Promise<LthExperimentOutcome> {
  const { plan, datasetDir, engine } = checkLthExperiment(config, context);
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config: config as never });
  try {
    const perReplicate = plan.units.reduce((sum, unit) => sum + unitWork(unit, plan.iterations), 0);
    const bar = new ProgressBar({ total: perReplicate * config.seeds.length, label: config.name, unit: 'it', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    const aggregator = new ProgressAggregator(bar);
    const workers = Math.min(config.workers, config.seeds.length);
    context.log(
      `${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n${config.seeds.length} seed(s) × ${plan.units.length - plan.instabilityLevels.length} training runs of ${plan.iterations} iterations${plan.instabilityLevels.length === 0 ? '' : ` and ${plan.instabilityLevels.length} instability analyses (2 copies each)`} (levels 0–${config.rounds}, ${context.runtime.backend}, engine ${engine}, ${workers} worker(s))\n`,
    );
    const payloads: ReplicatePayload[] = config.seeds.map((seed) => ({ runPath: run.path, config, seed, datasetDir, plugins: context.plugins, backend: context.runtime.backend }));
    const results = await runInWorkers<ReplicatePayload, LthUnitOutput[]>({
      module: replicateModule(),
      exportName: 'runReplicate',
      payloads,
      jobName: (payload) => `seed ${payload.seed}`,
      concurrency: workers,
      onProgress: (event) => {
        if (event.kind === 'progress') aggregator.report(event.name, event.done, event.total);
      },
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(context.preload === undefined ? {} : { preload: context.preload }),
    });
    aggregator.finish();
    const outputs = results.flat();
    const summaries = outputs.filter((output): output is UnitSummary => !isInstabilitySummary(output));
    const instability = outputs.filter(isInstabilitySummary);
    await finalizeRun(run, config.seeds.flatMap((seed) => plan.units.map((unit) => `seed-${seed}/${unit.id}`)));
    await writeFileAtomic(run.file('results.jsonl'), outputs.map((output) => JSON.stringify(output)).join('\n') + '\n');
    const table = formatTable(resultsTable(summaries));
    const reportPath = run.file('report.html');
    await writeFileAtomic(reportPath, renderHtmlReport(buildLthReport(config, summaries)));
    const markdownPath = run.file('results.md');
    await writeLthResults(run.path, markdownPath);
    await writeJsonAtomic(run.file('summary.json'), { config, plan: { iterations: plan.iterations, remaining: plan.remaining, randomPruneLevels: plan.randomPruneLevels, instabilityLevels: plan.instabilityLevels }, summaries, instability } as never);
    context.log(`\n${table}\n\nReport: ${reportPath}\nResults page: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed, summaries, instability };
  } finally {
    await run.close();
  }
}
