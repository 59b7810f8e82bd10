import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { SparseError } from '@sparse/core';
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
  type ProgressStream,
} from '@sparse/experiments';
import { buildLthReport, resultsTable } from '../report/lth-report.js';
import type { LthExperimentConfig } from './config.js';
import { FASHION_MNIST_TRAIN_COUNT, planExperiment } from './plan.js';
import type { ReplicatePayload, UnitSummary } from './replicate-job.js';

/**
 * Options of {@link runLthExperiment}.
 *
 * @example
 * ```ts
 * import type { RunLthExperimentOptions } from '@sparse/lth';
 *
 * declare const config: RunLthExperimentOptions['config'];
 * const options: RunLthExperimentOptions = { config, configPath: 'examples/lth/lenet-fashion-mnist-quick.json', runsRoot: '.runs' };
 * ```
 */
export interface RunLthExperimentOptions {
  /** The validated config. */
  readonly config: LthExperimentConfig;
  /** Where the config came from: a relative `dataset.dir` is tried against its folder after the working directory. */
  readonly configPath?: string;
  /** The folder holding run directories (`<root>/<name>-<config hash>`). Default `.runs`. */
  readonly runsRoot?: string;
  /** The working directory relative paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Where the progress bar goes. Default `process.stderr`. */
  readonly progress?: ProgressStream;
  /** Receives the results table and the report path. Default: writes to `process.stdout`. */
  readonly log?: (text: string) => void;
  /** Cancels the run (it stays resumable). */
  readonly signal?: AbortSignal;
  /** Modules each worker imports first (tests use it to load the TypeScript sources). */
  readonly preload?: readonly (string | URL)[];
}

/**
 * What {@link runLthExperiment} returns.
 *
 * @example
 * ```ts
 * import type { LthExperimentResult } from '@sparse/lth';
 *
 * declare const result: LthExperimentResult;
 * console.log(result.runPath, result.reportPath);
 * ```
 */
export interface LthExperimentResult {
  /** The run directory. */
  readonly runPath: string;
  /** Every unit's summary, replicate by replicate in run order. */
  readonly summaries: readonly UnitSummary[];
  /** The results table as printed. */
  readonly table: string;
  /** The HTML report (`report.html` in the run directory). */
  readonly reportPath: string;
  /** Whether the run directory held a previous (interrupted or finished) run of this config. */
  readonly resumed: boolean;
}

/**
 * Resolves the data set of a config to an absolute folder (`undefined` for the bundled subset): a
 * relative `dir` is resolved against the working directory, or, when nothing is there, against
 * the config file's folder.
 *
 * @throws SparseError `E_CONFIG` (field `dataset.dir`) when the folder does not exist.
 *
 * @example
 * ```ts
 * import { resolveDatasetDir, validateLthConfig } from '@sparse/lth';
 *
 * const config = validateLthConfig({ name: 'x', seeds: [0], rounds: 1, iterations: 10 });
 * console.log(resolveDatasetDir(config)); // undefined: the bundled subset
 * ```
 */
export function resolveDatasetDir(config: LthExperimentConfig, configPath?: string, cwd = process.cwd()): string | undefined {
  if (config.dataset === 'bundled') return undefined;
  const dir = (config.dataset as { dir: string }).dir;
  const candidates = isAbsolute(dir) ? [dir] : [...new Set([resolve(cwd, dir), ...(configPath === undefined ? [] : [resolve(cwd, dirname(configPath), dir)])])];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new SparseError('E_CONFIG', `dataset.dir: the folder ${JSON.stringify(dir)} does not exist (looked in ${candidates.join(' and ')}); give the folder with the four Fashion-MNIST .gz files, or "bundled".`, {
      field: 'dataset.dir',
      received: dir,
      allowed: candidates,
    });
  }
  return found;
}

function replicateModule(): URL {
  const source = import.meta.url.endsWith('.ts');
  return new URL(source ? './replicate-job.ts' : './replicate-job.js', import.meta.url);
}

/**
 * Runs a lottery-ticket experiment end to end: checks the data set and sizes (after the config was
 * validated, before any training), opens the run directory `<runsRoot>/<name>-<hash>` (resuming
 * it when it exists), runs the replicates (seeds) in parallel worker threads with one aggregated
 * progress bar, combines their metrics (`metrics.jsonl`, `results.json`), prints the results table
 * and writes `report.html` and `summary.json`. A killed run resumes from its checkpoints and ends
 * bit-identical to an uninterrupted one.
 *
 * @throws SparseError `E_CONFIG` for a missing data folder or a validation split too large.
 *
 * @example
 * ```ts
 * import { loadLthConfig, runLthExperiment } from '@sparse/lth';
 *
 * const path = 'examples/lth/lenet-fashion-mnist-quick.json';
 * const result = await runLthExperiment({ config: await loadLthConfig(path), configPath: path });
 * console.log(result.reportPath);
 * ```
 */
export async function runLthExperiment(options: RunLthExperimentOptions): Promise<LthExperimentResult> {
  const { config } = options;
  const cwd = options.cwd ?? process.cwd();
  const datasetDir = resolveDatasetDir(config, options.configPath, cwd);
  const total = datasetDir === undefined ? FASHION_MNIST_TRAIN_COUNT.bundled : FASHION_MNIST_TRAIN_COUNT.full;
  if (config.validationSize >= total) {
    throw new SparseError('E_CONFIG', `validationSize must be below the ${total} training examples of ${datasetDir === undefined ? 'the bundled subset' : 'Fashion-MNIST'}, got ${config.validationSize}.`, {
      field: 'validationSize',
      received: config.validationSize,
      allowed: `[1, ${total - 1}]`,
    });
  }
  const plan = planExperiment(config, total - config.validationSize);
  if (config.rewindStep >= plan.iterations) {
    throw new SparseError('E_CONFIG', `rewindStep must be below the ${plan.iterations} iterations of a round, got ${config.rewindStep}.`, { field: 'rewindStep', received: config.rewindStep, allowed: `[0, ${plan.iterations - 1}]` });
  }
  const log = options.log ?? ((text: string) => void process.stdout.write(text));
  const run = await openRunDirectory({ root: resolve(cwd, options.runsRoot ?? '.runs'), name: config.name, config });
  try {
    const perReplicate = plan.units.reduce((sum, unit) => sum + plan.iterations - unit.startStep, 0);
    const bar = new ProgressBar({ total: perReplicate * config.seeds.length, label: config.name, unit: 'it', ...(options.progress === undefined ? {} : { stream: options.progress }) });
    const aggregator = new ProgressAggregator(bar);
    log(
      `${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n${config.seeds.length} seed(s) × ${plan.units.length} training runs of ${plan.iterations} iterations (levels 0–${config.rounds}, ${config.backend}, ${Math.min(config.workers, config.seeds.length)} worker(s))\n`,
    );
    const payloads: ReplicatePayload[] = config.seeds.map((seed) => ({ runPath: run.path, config, seed, datasetDir }));
    const results = await runInWorkers<ReplicatePayload, UnitSummary[]>({
      module: replicateModule(),
      exportName: 'runReplicate',
      payloads,
      jobName: (payload) => `seed ${payload.seed}`,
      concurrency: Math.min(config.workers, config.seeds.length),
      onProgress: (event) => {
        if (event.kind === 'progress') aggregator.report(event.name, event.done, event.total);
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.preload === undefined ? {} : { preload: options.preload }),
    });
    aggregator.finish();
    const summaries = results.flat();
    await finalizeRun(run, config.seeds.flatMap((seed) => plan.units.map((unit) => `seed-${seed}/${unit.id}`)));
    const table = formatTable(resultsTable(summaries));
    const reportPath = run.file('report.html');
    await writeFileAtomic(reportPath, renderHtmlReport(buildLthReport(config, summaries)));
    await writeJsonAtomic(run.file('summary.json'), { config, plan: { iterations: plan.iterations, remaining: plan.remaining, randomPruneLevels: plan.randomPruneLevels }, summaries } as never);
    log(`\n${table}\n\nReport: ${reportPath}\n`);
    return { runPath: run.path, summaries, table, reportPath, resumed: run.resumed };
  } finally {
    await run.close();
  }
}
